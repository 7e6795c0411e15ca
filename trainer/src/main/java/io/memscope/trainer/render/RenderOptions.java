package io.memscope.trainer.render;

import java.util.Objects;

/**
 * How to render a timeline picture.
 *
 * @param axis     what x counts
 * @param viewport the part of the x axis to draw, or {@code null} for the whole trace
 */
public record RenderOptions(XAxis axis, Viewport viewport) {
    public RenderOptions {
        Objects.requireNonNull(axis, "axis");
    }

    /** Time on x, the whole trace. */
    public static RenderOptions defaults() {
        return new RenderOptions(XAxis.TIME_NS, null);
    }

    public RenderOptions withAxis(XAxis newAxis) {
        return new RenderOptions(newAxis, viewport);
    }

    public RenderOptions withViewport(Viewport newViewport) {
        return new RenderOptions(axis, newViewport);
    }
}
