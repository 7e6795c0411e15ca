package io.memscope.trainer.render;

import io.memscope.trainer.io.AtomicFiles;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Writes the memory timeline as an SVG document: the picture {@link PngExporter} draws for the same model, size
 * and viewport, painted by the same {@link TimelinePainter} onto an {@link SvgCanvas}. The size is the layout's
 * size in pixels (it sets the font size relative to the plots) and is held to the PNG's limits. The file appears
 * complete or not at all (see {@link AtomicFiles}).
 */
public final class SvgExporter {
    private SvgExporter() {}

    /** Renders the whole trace, time on x. */
    public static void export(Path out, TraceInfo info, List<MemoryEvent> events, int width, int height)
            throws IOException {
        export(out, info, events, width, height, RenderOptions.defaults());
    }

    public static void export(Path out, TraceInfo info, List<MemoryEvent> events, int width, int height,
                              RenderOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        export(out, TimelineModel.of(info, events, options.axis()), width, height, options.viewport());
    }

    /** Renders an already built model; {@code viewport} null means the whole trace. */
    public static void export(Path out, TimelineModel model, int width, int height, Viewport viewport)
            throws IOException {
        Objects.requireNonNull(out, "out");
        PngExporter.checkSize(width, height);
        AtomicFiles.write(out, writer -> render(model, width, height, viewport, writer));
    }

    /** Writes the document to {@code out}, which stays open; {@code viewport} null means the whole trace. */
    public static void render(TimelineModel model, int width, int height, Viewport viewport, Writer out)
            throws IOException {
        Objects.requireNonNull(model, "model");
        PngExporter.checkSize(width, height);
        SvgCanvas canvas = new SvgCanvas(out, width, height);
        try {
            new TimelinePainter(model).paint(canvas, width, height, viewport == null ? Viewport.of(model) : viewport);
            canvas.finish();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The document as a string; {@code viewport} null means the whole trace. */
    public static String render(TimelineModel model, int width, int height, Viewport viewport) {
        StringWriter w = new StringWriter();
        try {
            render(model, width, height, viewport, w);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }
}
