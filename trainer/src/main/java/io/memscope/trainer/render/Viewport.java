package io.memscope.trainer.render;

/** The part of the x axis to draw, {@code [x0, x1]} in the model's x units. */
public record Viewport(long x0, long x1) {
    public Viewport {
        if (x1 <= x0) {
            throw new IllegalArgumentException("viewport [" + x0 + ", " + x1 + "] is empty; x1 must exceed x0");
        }
    }

    /** The whole trace (widened to one unit when all events share one x). */
    public static Viewport of(TimelineModel model) {
        return new Viewport(model.xMin(), Math.max(model.xMax(), model.xMin() + 1));
    }
}
