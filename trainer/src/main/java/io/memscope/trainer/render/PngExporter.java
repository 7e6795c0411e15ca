package io.memscope.trainer.render;

import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import io.memscope.trainer.io.AtomicFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Writes the memory timeline as a PNG, without a display (pure Java2D on a BufferedImage). The file appears
 * complete or not at all: the image is written to a temporary file beside the target and moved over it.
 */
public final class PngExporter {
    public static final int MIN_SIZE = 200;
    public static final int MAX_SIZE = 16384;
    /** An ARGB image costs four bytes a pixel; beyond this the heap, not the PNG, becomes the problem. */
    public static final long MAX_PIXELS = 16384L * 8192L;

    private PngExporter() {}

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
        BufferedImage image = render(model, width, height, viewport);
        writeAtomically(out, image);
    }

    /** Renders into a new image; {@code viewport} null means the whole trace. */
    public static BufferedImage render(TimelineModel model, int width, int height, Viewport viewport) {
        checkSize(width, height);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            new TimelinePainter(model).paint(new Java2DCanvas(g), width, height,
                    viewport == null ? Viewport.of(model) : viewport);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Refuses sizes outside {@link #MIN_SIZE}..{@link #MAX_SIZE} or above {@link #MAX_PIXELS}; shared with {@link SvgExporter}. */
    static void checkSize(int width, int height) {
        if (width < MIN_SIZE || width > MAX_SIZE) {
            throw new IllegalArgumentException("image width " + width + " px is out of range; use "
                    + MIN_SIZE + ".." + MAX_SIZE + " px (1920 suits a slide)");
        }
        if (height < MIN_SIZE || height > MAX_SIZE) {
            throw new IllegalArgumentException("image height " + height + " px is out of range; use "
                    + MIN_SIZE + ".." + MAX_SIZE + " px (1080 suits a slide)");
        }
        if ((long) width * height > MAX_PIXELS) {
            throw new IllegalArgumentException("image " + width + "x" + height + " has more than " + MAX_PIXELS
                    + " pixels; reduce the width or the height");
        }
    }

    /** Through {@link AtomicFiles}, so a reader never sees half a file and a failed write keeps the old one. */
    private static void writeAtomically(Path out, BufferedImage image) throws IOException {
        AtomicFiles.writeStream(out, stream -> {
            if (!ImageIO.write(image, "png", stream)) {
                throw new IOException("no PNG writer available in this Java runtime");
            }
        });
    }
}
