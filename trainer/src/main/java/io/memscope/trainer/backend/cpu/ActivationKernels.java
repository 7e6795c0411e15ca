package io.memscope.trainer.backend.cpu;

/** ReLU and leaky ReLU over {@code size} floats; the backward reads the output, so the input may be freed. */
public final class ActivationKernels {
    private final float[] mem;
    private final WorkerPool pool;
    private final Lanes lanes = Lanes.get();

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
        pool.forEach(size, 1, (worker, from, to) -> lanes.leakyRelu(mem, x + from, y + from, to - from,
                negativeSlope));
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

    private void reluBackward(int size, int y, int dy, int dx, boolean accumulate) {
        pool.forEach(size, 1, (worker, from, to) -> lanes.reluBackward(mem, y + from, dy + from, dx + from,
                to - from, accumulate));
    }
}
