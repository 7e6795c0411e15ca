package io.memscope.trainer.backend.cpu;

/**
 * The kernels of the invertible layers (reversible mode): space-to-depth and its inverse, the inverse of leaky
 * ReLU and of batch norm, and the |γ| + ε scale of invertible batch norm with its gradient.
 */
public final class InvertibleKernels {
    private final float[] mem;
    private final WorkerPool pool;

    public InvertibleKernels(float[] mem, WorkerPool pool) {
        this.mem = mem;
        this.pool = pool;
    }

    /**
     * y[s, c·b² + i·b + j, h, w] = x[s, c, h·b + i, w·b + j] for x of n×c×(oh·b)×(ow·b) (PyTorch's
     * {@code pixel_unshuffle} order); with {@code toSpace} the other way round, x (+)= the rearranged y.
     */
    public void rearrange(int n, int c, int oh, int ow, int b, int x, int y, boolean toSpace, boolean accumulate) {
        int h = oh * b;
        int w = ow * b;
        pool.forEach(n * c, (long) h * w, (worker, from, to) -> {
            for (int sc = from; sc < to; sc++) {
                int s = sc / c;
                int ch = sc % c;
                int xPlane = x + sc * h * w;
                for (int i = 0; i < b; i++) {
                    for (int j = 0; j < b; j++) {
                        int yPlane = y + ((s * c + ch) * b * b + i * b + j) * oh * ow;
                        for (int r = 0; r < oh; r++) {
                            int xRow = xPlane + (r * b + i) * w + j;
                            int yRow = yPlane + r * ow;
                            for (int q = 0; q < ow; q++) {
                                if (!toSpace) {
                                    mem[yRow + q] = mem[xRow + q * b];
                                } else if (accumulate) {
                                    mem[xRow + q * b] += mem[yRow + q];
                                } else {
                                    mem[xRow + q * b] = mem[yRow + q];
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /** x = y > 0 ? y : y / slope, the inverse of leaky ReLU (slope in (0, 1)). */
    public void activationInverse(int size, int y, int x, float negativeSlope) {
        float inv = 1f / negativeSlope;
        pool.forEach(size, 1, (worker, from, to) -> {
            for (int i = from; i < to; i++) {
                float v = mem[y + i];
                mem[x + i] = v > 0 ? v : v * inv;
            }
        });
    }

    /** x = (y − beta) / (scale · invStd) + mean per channel: the inverse of a normalization with saved statistics. */
    public void batchNormInverse(int n, int c, int plane, int y, int scale, int beta, int saveMean, int saveInvStd,
                                 int x) {
        pool.forEach(c, (long) n * plane, (worker, from, to) -> {
            for (int ch = from; ch < to; ch++) {
                double mean = mem[saveMean + ch];
                double factor = 1.0 / ((double) mem[scale + ch] * mem[saveInvStd + ch]);
                double shift = mem[beta + ch];
                for (int s = 0; s < n; s++) {
                    int base = (s * c + ch) * plane;
                    for (int k = 0; k < plane; k++) {
                        mem[x + base + k] = (float) ((mem[y + base + k] - shift) * factor + mean);
                    }
                }
            }
        });
    }

    /** y = |x| + eps. */
    public void magnitude(int size, int x, float eps, int y) {
        for (int i = 0; i < size; i++) {
            mem[y + i] = Math.abs(mem[x + i]) + eps;
        }
    }

    /** dx (+)= dy · sign(x), with sign(0) = 1 (the gradient of |x| + eps). */
    public void magnitudeBackward(int size, int x, int dy, int dx, boolean accumulate) {
        for (int i = 0; i < size; i++) {
            float g = mem[x + i] >= 0 ? mem[dy + i] : -mem[dy + i];
            mem[dx + i] = accumulate ? mem[dx + i] + g : g;
        }
    }
}
