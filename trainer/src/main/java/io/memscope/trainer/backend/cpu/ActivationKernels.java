package io.memscope.trainer.backend.cpu;

/** ReLU and leaky ReLU over {@code size} floats; the backward reads the output, so the input may be freed. */
public final class ActivationKernels {
    private final float[] mem;
    private final WorkerPool pool;

    public ActivationKernels(float[] mem, WorkerPool pool) {
        this.mem = mem;
        this.pool = pool;
    }

    /**
     * y = x > 0 ? x : slope·x, computed as max(x, slope·x), which is the same float for every x (±0, NaN
     * included) while the slope lies in [0, 1], and compiles to vector max instructions instead of a branch.
     */
    public void forward(int size, int x, int y, float negativeSlope) {
        if (!(negativeSlope >= 0f && negativeSlope <= 1f)) {
            throw new IllegalArgumentException("activation slope must lie in [0, 1], got " + negativeSlope);
        }
        float[] m = mem;
        pool.forEach(size, 1, (worker, from, to) -> {
            for (int i = from; i < to; i++) {
                float v = m[x + i];
                m[y + i] = Math.max(v, negativeSlope * v);
            }
        });
    }

    /** dx (+)= dy · (y > 0 ? 1 : slope); y > 0 exactly where x > 0 because the slope is not negative. */
    public void backward(int size, int y, int dy, int dx, float negativeSlope, boolean accumulate) {
        float[] m = mem;
        if (negativeSlope == 0f) {
            reluBackward(size, y, dy, dx, accumulate);
            return;
        }
        pool.forEach(size, 1, (worker, from, to) -> {
            if (accumulate) {
                for (int i = from; i < to; i++) {
                    m[dx + i] += m[dy + i] * (m[y + i] > 0 ? 1f : negativeSlope);
                }
            } else {
                for (int i = from; i < to; i++) {
                    m[dx + i] = m[dy + i] * (m[y + i] > 0 ? 1f : negativeSlope);
                }
            }
        });
    }

    /**
     * ReLU's backward without a branch: y is max(x, 0·x), so it is positive exactly where its bits are a positive
     * int, and {@code (~bits & -bits) >> 31} is then all ones (else zero: for +0, and for −0 and negatives, whose
     * sign bit ~bits clears), a mask on dy's bits. Where y is not positive dx
     * gets +0 (0·dy would carry dy's sign: the same value).
     */
    private void reluBackward(int size, int y, int dy, int dx, boolean accumulate) {
        float[] m = mem;
        pool.forEach(size, 1, (worker, from, to) -> {
            if (accumulate) {
                for (int i = from; i < to; i++) {
                    int bits = Float.floatToRawIntBits(m[y + i]);
                    int keep = (~bits & -bits) >> 31;
                    m[dx + i] += Float.intBitsToFloat(Float.floatToRawIntBits(m[dy + i]) & keep);
                }
            } else {
                for (int i = from; i < to; i++) {
                    int bits = Float.floatToRawIntBits(m[y + i]);
                    int keep = (~bits & -bits) >> 31;
                    m[dx + i] = Float.intBitsToFloat(Float.floatToRawIntBits(m[dy + i]) & keep);
                }
            }
        });
    }
}
