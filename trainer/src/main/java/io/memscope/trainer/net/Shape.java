package io.memscope.trainer.net;

import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.Dims;
import java.util.Locale;

/** The shape of one sample flowing between layers: channels × height × width (features are c×1×1). */
public record Shape(int c, int h, int w) {
    /**
     * The most values one sample of a tensor, or one parameter, may hold: 2^31-1, what a Java array indexes and
     * what the CPU backend's kernels count in. {@link NetworkCheck} refuses networks that need more.
     */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE;

    public int elements() {
        return Math.toIntExact((long) c * h * w);
    }

    public Dims batch(int n) {
        return new Dims(n, c, h, w);
    }

    public boolean isSpatial() {
        return h > 1 || w > 1;
    }

    /**
     * Null when a sample of {@code c}×{@code h}×{@code w} values fits {@link #MAX_ELEMENTS}; otherwise why not,
     * e.g. {@code 3x100000x100000 is 30,000,000,000 values per sample (111.8 GiB); at most 2,147,483,647 (2^31-1)
     * values per sample are supported}. Works for sizes past what a long holds.
     */
    public static String tooLarge(long c, long h, long w) {
        double values = (double) c * h * w;
        if (c <= MAX_ELEMENTS && h <= MAX_ELEMENTS && w <= MAX_ELEMENTS && values <= MAX_ELEMENTS) {
            return null;
        }
        return c + "x" + h + "x" + w + " is " + count(values) + " values per sample" + size(values) + "; " + LIMIT
                + " per sample are supported";
    }

    /** Null when a tensor of {@code dims} fits {@link #MAX_ELEMENTS} values; otherwise why not. */
    public static String tooLarge(Dims dims) {
        double values = dims.elements();
        if (values <= MAX_ELEMENTS) {
            return null;
        }
        return dims + " is " + count(values) + " values" + size(values) + "; " + LIMIT + " per tensor are supported";
    }

    static final String LIMIT = String.format(Locale.ROOT, "at most %,d (2^31-1) values", MAX_ELEMENTS);

    /** {@code 36,000,000,000}, or {@code 3.69e+19} past what a long holds. */
    private static String count(double values) {
        return values >= 1e18 ? String.format(Locale.ROOT, "%.3g", values) : String.format(Locale.ROOT, "%,d", (long) values);
    }

    /** {@code " (134.1 GiB)"}: the size of that many float32 values, when it is a number of bytes a long holds. */
    private static String size(double values) {
        return values >= 1e18 ? "" : " (" + Bytes.format((long) values * Float.BYTES) + ")";
    }

    @Override
    public String toString() {
        return c + "x" + h + "x" + w;
    }
}
