package io.memscope.trainer.modes.compressed;

import java.util.Locale;

/**
 * How the compressed mode chooses each tensor's absolute error bound eb (every value comes back within ±eb).
 * Written on the command line as {@code 1e-3} (absolute), {@code rel:1e-3} (relative to each tensor's value
 * range, max − min, at each compression), or {@code adaptive} / {@code adaptive:0.005} (per tensor, from the
 * weight-gradient error it would cause, re-estimated every {@link Adaptive#every} steps; see
 * docs/COMPRESSED.md for the rule and its derivation).
 */
public sealed interface ErrorBound {
    /**
     * The adaptive rule's default target R: at R = 0.01 the small VGG lost about a point of held-out accuracy
     * against baseline over four seeds (docs/COMPRESSED.md); half of it keeps it within one.
     */
    double DEFAULT_TARGET = 0.005;

    /** The same bound for every tensor. */
    record Absolute(double eb) implements ErrorBound {
        @Override
        public String text() {
            return shown(eb);
        }
    }

    /** eb = ratio · (max − min) of the tensor being compressed. */
    record Relative(double ratio) implements ErrorBound {
        @Override
        public String text() {
            return "rel:" + shown(ratio);
        }
    }

    /**
     * The bound that makes the expected weight-gradient error of the layer reading the tensor about
     * {@code target} of that gradient's norm: eb = √3 · target · ‖dW‖ / (√fanIn · ‖dY‖), with ‖dY‖ and ‖dW‖
     * measured every {@code every} steps; {@link Relative} with {@code target} / 10 until the first
     * measurement, and for tensors no layer with weights reads in backward.
     */
    record Adaptive(double target, int every) implements ErrorBound {
        @Override
        public String text() {
            return "adaptive:" + shown(target);
        }
    }

    /** The form {@link #parse} reads. */
    String text();

    /** Reads {@code 1e-3}, {@code rel:1e-3}, {@code adaptive} or {@code adaptive:0.01}. */
    static ErrorBound parse(String text, int every) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("adaptive")) {
            return new Adaptive(DEFAULT_TARGET, every);
        }
        if (t.startsWith("adaptive:")) {
            return new Adaptive(number(t.substring(9), text, 1), every);
        }
        if (t.startsWith("rel:")) {
            return new Relative(number(t.substring(4), text, 1));
        }
        return new Absolute(number(t, text, Double.MAX_VALUE));
    }

    private static double number(String digits, String text, double max) {
        double v;
        try {
            v = Double.parseDouble(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("error bound '" + text + "' is not a number; give e.g. 1e-3, rel:1e-3 or "
                    + "adaptive:0.01");
        }
        if (!(v > 0) || v > max || !Double.isFinite(v)) {
            throw new IllegalArgumentException("error bound '" + text + "' must be positive" + (max < 2 ? " and at most "
                    + shown(max) : "") + "; give e.g. 1e-3, rel:1e-3 or adaptive:0.01");
        }
        return v;
    }

    static String shown(double v) {
        String s = String.format(Locale.ROOT, "%.3g", v);
        return s.contains("e") ? s.replaceAll("\\.?0+e", "e") : s.replaceAll("\\.?0+$", "");
    }
}
