package io.memscope.visual.chart;

import java.util.Locale;

/** Round tick positions for a plain axis and their labels. */
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

    /** A time in seconds, written in the unit that suits the step between ticks: "1.25 s", "340 ms", "12 µs". */
    public static String seconds(double value, double step) {
        if (step >= 0.1 || value == 0 && step >= 0.01) {
            return trim(value, decimals(step)) + " s";
        }
        if (step >= 1e-4) {
            return trim(value * 1e3, decimals(step * 1e3)) + " ms";
        }
        return trim(value * 1e6, decimals(step * 1e6)) + " \u00b5s";
    }

    private static int decimals(double step) {
        return step >= 1 ? 0 : (int) Math.min(6, Math.ceil(-Math.log10(step) - 1e-9));
    }

    private static String trim(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
