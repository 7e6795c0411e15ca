package io.memscope.trainer.backend.cpu;

import java.util.Arrays;

/** Fill, copy, sums and channel copies over float ranges of the device array. */
public final class ElementwiseKernels {
    private final float[] mem;
    private final WorkerPool pool;
    private final Lanes lanes = Lanes.get();

    public ElementwiseKernels(float[] mem, WorkerPool pool) {
        this.mem = mem;
        this.pool = pool;
    }

    public void fill(int size, int t, float value) {
        pool.forEach(size, 1, (worker, from, to) -> Arrays.fill(mem, t + from, t + to, value));
    }

    public void copy(int size, int src, int dst) {
        System.arraycopy(mem, src, mem, dst, size);
    }

    /** y = a + b; y may be a or b. */
    public void add(int size, int a, int b, int y) {
        pool.forEach(size, 1, (worker, from, to) -> lanes.sum(mem, a + from, b + from, y + from, to - from));
    }

    /** y += alpha·x. */
    public void axpy(int size, float alpha, int x, int y) {
        pool.forEach(size, 1, (worker, from, to) -> lanes.axpy(mem, alpha, x + from, y + from, to - from));
    }

    /**
     * For each of {@code n} samples, copies (or adds) {@code channels · plane} floats from channel
     * {@code srcChannel} of a sample of {@code srcChannels} channels to channel {@code dstChannel} of a sample
     * of {@code dstChannels} channels.
     */
    public void copyChannels(int n, int plane, int src, int srcChannels, int srcChannel, int dst, int dstChannels,
                             int dstChannel, int channels, boolean accumulate) {
        int length = channels * plane;
        pool.forEach(n, length, (worker, from, to) -> {
            for (int i = from; i < to; i++) {
                int s = src + (i * srcChannels + srcChannel) * plane;
                int d = dst + (i * dstChannels + dstChannel) * plane;
                if (accumulate) {
                    lanes.add(mem, d, s, length);
                } else {
                    System.arraycopy(mem, s, mem, d, length);
                }
            }
        });
    }
}
