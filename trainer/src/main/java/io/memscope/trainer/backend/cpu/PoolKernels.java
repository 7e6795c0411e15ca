package io.memscope.trainer.backend.cpu;

import io.memscope.trainer.backend.PoolGeometry;
import java.util.Arrays;

/**
 * Max and average pooling, one (sample, channel) plane at a time. Windows are clipped to the image: max
 * pooling ignores the padding, average pooling counts it as zeros (it always divides by kh·kw). The geometry
 * must leave at least one image cell in every window (padding smaller than the window).
 */
public final class PoolKernels {
    private final float[] mem;
    private final WorkerPool pool;
    private final Lanes lanes = Lanes.get();

    public PoolKernels(float[] mem, WorkerPool pool) {
        this.mem = mem;
        this.pool = pool;
    }

    public void forward(PoolGeometry g, int x, int y) {
        if (isMax2x2(g)) {
            max2x2Forward(g, x, y);
            return;
        }
        int inPlane = g.h() * g.w();
        int outH = g.outH();
        int outW = g.outW();
        float divisor = g.kh() * g.kw();
        pool.forEach(g.n() * g.c(), (long) outH * outW * g.kh() * g.kw(), (worker, from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int in = x + plane * inPlane;
                int out = y + plane * outH * outW;
                for (int oh = 0; oh < outH; oh++) {
                    int h0 = Math.max(0, oh * g.strideH() - g.padH());
                    int h1 = Math.min(g.h(), oh * g.strideH() - g.padH() + g.kh());
                    for (int ow = 0; ow < outW; ow++) {
                        int w0 = Math.max(0, ow * g.strideW() - g.padW());
                        int w1 = Math.min(g.w(), ow * g.strideW() - g.padW() + g.kw());
                        mem[out + oh * outW + ow] = g.max()
                                ? mem[in + firstMax(in, g.w(), h0, h1, w0, w1)]
                                : sum(in, g.w(), h0, h1, w0, w1) / divisor;
                    }
                }
            }
        });
    }

    /**
     * dx (+)= pooling gradient. Max pooling sends each output's gradient to the first maximum of its window,
     * found again from x (which is the cell whose value y holds), so y itself is not read here.
     */
    public void backward(PoolGeometry g, int x, int dy, int dx, boolean accumulate) {
        if (isMax2x2(g)) {
            max2x2Backward(g, x, dy, dx, accumulate);
            return;
        }
        int inPlane = g.h() * g.w();
        int outH = g.outH();
        int outW = g.outW();
        float divisor = g.kh() * g.kw();
        pool.forEach(g.n() * g.c(), (long) outH * outW * g.kh() * g.kw(), (worker, from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int in = x + plane * inPlane;
                int grad = dx + plane * inPlane;
                int up = dy + plane * outH * outW;
                if (!accumulate) {
                    Arrays.fill(mem, grad, grad + inPlane, 0f);
                }
                for (int oh = 0; oh < outH; oh++) {
                    int h0 = Math.max(0, oh * g.strideH() - g.padH());
                    int h1 = Math.min(g.h(), oh * g.strideH() - g.padH() + g.kh());
                    for (int ow = 0; ow < outW; ow++) {
                        int w0 = Math.max(0, ow * g.strideW() - g.padW());
                        int w1 = Math.min(g.w(), ow * g.strideW() - g.padW() + g.kw());
                        float d = mem[up + oh * outW + ow];
                        if (g.max()) {
                            mem[grad + firstMax(in, g.w(), h0, h1, w0, w1)] += d;
                        } else {
                            float share = d / divisor;
                            for (int ih = h0; ih < h1; ih++) {
                                for (int iw = w0; iw < w1; iw++) {
                                    mem[grad + ih * g.w() + iw] += share;
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /** The common case, 2×2 windows at stride 2 without padding, on its own straight-line path. */
    private static boolean isMax2x2(PoolGeometry g) {
        return g.max() && g.kh() == 2 && g.kw() == 2 && g.strideH() == 2 && g.strideW() == 2 && g.padH() == 0
                && g.padW() == 0;
    }

    private void max2x2Forward(PoolGeometry g, int x, int y) {
        int w = g.w();
        int inPlane = g.h() * w;
        int outH = g.outH();
        int outW = g.outW();
        pool.forEach(g.n() * g.c(), (long) outH * outW * 4, (worker, from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int in = x + plane * inPlane;
                int out = y + plane * outH * outW;
                for (int oh = 0; oh < outH; oh++) {
                    int r0 = in + 2 * oh * w;
                    lanes.maxPool2x2(mem, r0, r0 + w, out + oh * outW, outW);
                }
            }
        });
    }

    /** Zeroes the plane (unless accumulating) and adds each window's gradient onto its first maximum. */
    private void max2x2Backward(PoolGeometry g, int x, int dy, int dx, boolean accumulate) {
        int w = g.w();
        int inPlane = g.h() * w;
        int outH = g.outH();
        int outW = g.outW();
        float[] m = mem;
        pool.forEach(g.n() * g.c(), (long) outH * outW * 4, (worker, from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int in = x + plane * inPlane;
                int grad = dx + plane * inPlane;
                int up = dy + plane * outH * outW;
                if (!accumulate) {
                    Arrays.fill(m, grad, grad + inPlane, 0f);
                }
                int shift = grad - in;
                for (int oh = 0; oh < outH; oh++) {
                    int r0 = in + 2 * oh * w;
                    int r1 = r0 + w;
                    int u = up + oh * outW;
                    for (int ow = 0; ow < outW; ow++) {
                        m[ScalarLanes.firstMax(m, r0 + 2 * ow, r1 + 2 * ow) + shift] += m[u + ow];
                    }
                }
            }
        });
    }

    /** Offset inside the plane of the first maximum of the window, in row-major order. */
    private int firstMax(int plane, int width, int h0, int h1, int w0, int w1) {
        int best = h0 * width + w0;
        float bestValue = mem[plane + best];
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                int at = ih * width + iw;
                if (mem[plane + at] > bestValue) {
                    bestValue = mem[plane + at];
                    best = at;
                }
            }
        }
        return best;
    }

    private float sum(int plane, int width, int h0, int h1, int w0, int w1) {
        float s = 0f;
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                s += mem[plane + ih * width + iw];
            }
        }
        return s;
    }
}
