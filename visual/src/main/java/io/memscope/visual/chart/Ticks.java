package io.memscope.visual.chart;

/** Round tick steps for a plain axis (the lifetime view's addresses). */
public final class Ticks {
    private Ticks() {}

    /** A step of 1, 2 or 5 times a power of ten that gives about {@code target} ticks over {@code span}. */
    public static double step(double span, int target) {
        if (!(span > 0)) {
            return 1;
        }
        double raw = span / Math.max(1, target);
        double pow = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / pow;
        double nice = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;
        return nice * pow;
    }
}
