package io.memscope.trainer.backend.cpu;

/** ReLU and leaky ReLU over {@code size} floats; the backward reads the output, so the input may be freed. */
public final class ActivationKernels {
    private final float[] mem;
    private final WorkerPool pool;

    public ActivationKernels(float[] mem, WorkerPool pool) {
        this.mem = mem;
        this.pool = pool;
    }

    /** y = x > 0 ? x : slope·x. */
    public void forward(int size, int x, int y, float negativeSlope) {
        pool.forEach(size, 1, (worker, from, to) -> {
            for (int i = from; i < to; i++) {
                float v = mem[x + i];
                mem[y + i] = v > 0 ? v : negativeSlope * v;
            }
        });
    }

    /** dx (+)= dy · (y > 0 ? 1 : slope); y > 0 exactly where x > 0 because the slope is not negative. */
    public void backward(int size, int y, int dy, int dx, float negativeSlope, boolean accumulate) {
        pool.forEach(size, 1, (worker, from, to) -> {
            for (int i = from; i < to; i++) {
                float g = mem[y + i] > 0 ? mem[dy + i] : negativeSlope * mem[dy + i];
                mem[dx + i] = accumulate ? mem[dx + i] + g : g;
            }
        });
    }
}
