package io.memscope.trainer.backend.cpu;

import io.memscope.trainer.backend.Dropout;

/** Inverted dropout with the counter-based mask of {@link Dropout}, so the CUDA backend draws the same mask. */
public final class DropoutKernels {
    private final float[] mem;
    private final WorkerPool pool;

    public DropoutKernels(float[] mem, WorkerPool pool) {
        this.mem = mem;
        this.pool = pool;
    }

    /** mask[i] = keep ? 1/(1−p) : 0 with keep = uniform(seed, i) >= p; y = x·mask. */
    public void forward(int size, int x, int mask, int y, float p, long seed) {
        float scale = 1f / (1f - p);
        pool.forEach(size, 8, (worker, from, to) -> {
            for (int i = from; i < to; i++) {
                float m = Dropout.uniform(seed, i) >= p ? scale : 0f;
                mem[mask + i] = m;
                mem[y + i] = mem[x + i] * m;
            }
        });
    }

    /** dx (+)= dy·mask. */
    public void backward(int size, int dy, int mask, int dx, boolean accumulate) {
        pool.forEach(size, 1, (worker, from, to) -> {
            for (int i = from; i < to; i++) {
                float g = mem[dy + i] * mem[mask + i];
                mem[dx + i] = accumulate ? mem[dx + i] + g : g;
            }
        });
    }
}
