package io.memscope.trainer.render;

/** Helpers that keep thin lines crisp: a line of odd width must run through a pixel's centre, not its edge. */
final class Pixels {
    private Pixels() {}

    /** The coordinate nearest {@code v} at which a line {@code width} pixels wide covers whole pixels. */
    static double crisp(double v, double width) {
        long w = Math.round(width);
        return w % 2 == 1 ? Math.floor(v) + 0.5 : Math.round(v);
    }

    /** A line width that scales with the text size {@code u} but stays a whole number of pixels. */
    static double lineWidth(double u, double perUnit) {
        return Math.max(1, Math.round(u * perUnit));
    }
}
