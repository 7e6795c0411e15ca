package io.memscope.trainer.memory;

/**
 * A 4-D tensor shape in NCHW order. Vectors and matrices use trailing ones: a linear layer's output for a
 * batch of 32 with 10 features is {@code (32, 10, 1, 1)}; its weight is {@code (10, in, 1, 1)}.
 */
public record Dims(int n, int c, int h, int w) {
    public Dims {
        if (n < 0 || c < 0 || h < 0 || w < 0) {
            throw new IllegalArgumentException("negative dimension in " + n + "x" + c + "x" + h + "x" + w);
        }
    }

    public static Dims of(int n, int c, int h, int w) {
        return new Dims(n, c, h, w);
    }

    public static Dims vector(int length) {
        return new Dims(1, length, 1, 1);
    }

    public long elements() {
        return (long) n * c * h * w;
    }

    public long bytes() {
        return elements() * Float.BYTES;
    }

    /** Elements of one sample (C·H·W). */
    public int perSample() {
        return Math.toIntExact((long) c * h * w);
    }

    public Dims withN(int newN) {
        return new Dims(newN, c, h, w);
    }

    @Override
    public String toString() {
        return n + "x" + c + "x" + h + "x" + w;
    }
}
