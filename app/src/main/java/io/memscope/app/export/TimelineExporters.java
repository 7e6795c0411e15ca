package io.memscope.app.export;

/** The one place that picks how timeline pictures (PNG and SVG) are drawn. */
public final class TimelineExporters {
    private TimelineExporters() {}

    public static TimelineImageExporter create() {
        return new RenderedTimelineExporter();
    }
}
