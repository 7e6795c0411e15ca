package io.memscope.app.export;

/** The one place that picks how timeline PNGs are drawn. */
public final class TimelineExporters {
    private TimelineExporters() {}

    public static TimelineImageExporter create() {
        return new RenderedTimelineExporter();
    }
}
