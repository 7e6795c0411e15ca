package io.memscope.app.export;

import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.render.PngExporter;
import io.memscope.trainer.render.SvgExporter;
import io.memscope.trainer.render.TimelineModel;
import io.memscope.trainer.render.Viewport;
import io.memscope.trainer.render.XAxis;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Draws the timeline with the engine's headless renderer ({@link PngExporter}, {@link SvgExporter}): the
 * stacked memory panel and the tensor lifetimes, the same picture {@code memscope export TRACE --png} (or
 * {@code --svg}) writes for the same trace and range. The file is written atomically.
 */
public final class RenderedTimelineExporter implements TimelineImageExporter {
    @Override
    public void export(Path file, TraceInfo info, List<MemoryEvent> events, int width, int height, Viewport range,
                       XAxis axis) throws IOException {
        TimelineModel model = TimelineModel.of(info, events, axis);
        PngExporter.export(file, model, width, height, ExportRange.within(range, model));
    }

    @Override
    public void exportSvg(Path file, TraceInfo info, List<MemoryEvent> events, int width, int height, Viewport range,
                          XAxis axis) throws IOException {
        TimelineModel model = TimelineModel.of(info, events, axis);
        SvgExporter.export(file, model, width, height, ExportRange.within(range, model));
    }
}
