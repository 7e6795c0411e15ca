package io.memscope.app.export;

import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.render.Viewport;
import io.memscope.trainer.render.XAxis;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a picture of a trace's memory timeline, of the given size, as a PNG or as an SVG of the same picture.
 * The main window calls this one interface for File ▸ Export ▸ Timeline PNG and Timeline SVG;
 * {@link TimelineExporters#create()} picks the implementation. Called on the UI thread.
 */
public interface TimelineImageExporter {
    /**
     * @param range the part of the time axis to draw, in the trace's nanoseconds (see {@link ExportRange}), or
     *              null for the whole trace
     */
    default void export(Path file, TraceInfo info, List<MemoryEvent> events, int width, int height, Viewport range)
            throws IOException {
        export(file, info, events, width, height, range, XAxis.TIME_NS);
    }

    /** As above, along {@code axis}; {@code range} is then in the same units (event numbers). */
    void export(Path file, TraceInfo info, List<MemoryEvent> events, int width, int height, Viewport range,
                XAxis axis) throws IOException;

    /** As {@link #export}, as an SVG document; the size lays the picture out as the PNG of that size. */
    default void exportSvg(Path file, TraceInfo info, List<MemoryEvent> events, int width, int height, Viewport range)
            throws IOException {
        exportSvg(file, info, events, width, height, range, XAxis.TIME_NS);
    }

    void exportSvg(Path file, TraceInfo info, List<MemoryEvent> events, int width, int height, Viewport range,
                   XAxis axis) throws IOException;
}
