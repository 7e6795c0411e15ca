package io.memscope.trainer.backend.cpu;

import io.memscope.trainer.backend.PoolGeometry;
import java.util.Arrays;

/**
 * Max and average pooling, one (sample, channel) plane at a time. A max window's value is the largest of its
 * cells by {@link Math#max} (NaN if it holds one, as in PyTorch). Windows are clipped to the image: max
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
                                ? max(in, g.w(), h0, h1, w0, w1)
                                : sum(in, g.w(), h0, h1, w0, w1) / divisor;
                    }
                }
            }
        });
    }

    /**
     * dx (+)= pooling gradient. Max pooling sends each output's gradient to the first cell of its window (in
     * row-major order) equal to the window's maximum, found again from x, so y itself is not read here; a window
     * holding NaN (whose output is NaN) passes none.
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
                            int first = firstMax(in, g.w(), h0, h1, w0, w1);
                            if (first >= 0) {
                                mem[grad + first] += d;
                            }
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

    /**
     * With even heights the batch's windows are one run of rows ({@link Lanes#maxPool2x2}), cut among the
     * workers; with odd ones (a last row no window covers) each plane is its own run.
     */
    private void max2x2Forward(PoolGeometry g, int x, int y) {
        int w = g.w();
        int outH = g.outH();
        int outW = g.outW();
        int planes = g.n() * g.c();
        float[] m = mem;
        if (g.h() % 2 == 0) {
            pool.forEach(planes * outH, (long) outW * 4, (worker, from, to) ->
                    lanes.maxPool2x2(m, x, w, outW, from, to, y));
            return;
        }
        int inPlane = g.h() * w;
        pool.forEach(planes, (long) outH * outW * 4, (worker, from, to) -> {
            for (int plane = from; plane < to; plane++) {
                lanes.maxPool2x2(m, x + plane * inPlane, w, outW, 0, outH, y + plane * outH * outW);
            }
        });
    }

    /** The gradient of each window to its first maximum, and, unless accumulating, zero where no window reads. */
    private void max2x2Backward(PoolGeometry g, int x, int dy, int dx, boolean accumulate) {
        int w = g.w();
        int outH = g.outH();
        int outW = g.outW();
        int planes = g.n() * g.c();
        float[] m = mem;
        boolean oddW = w % 2 != 0;
        if (g.h() % 2 == 0) {
            pool.forEach(planes * outH, (long) outW * 4, (worker, from, to) -> {
                lanes.maxPool2x2Backward(m, x, w, outW, from, to, dy, dx, accumulate);
                if (oddW && !accumulate) {
                    for (int row = 2 * from; row < 2 * to; row++) {
                        m[dx + row * w + w - 1] = 0f;
                    }
                }
            });
            return;
        }
        int inPlane = g.h() * w;
        pool.forEach(planes, (long) outH * outW * 4, (worker, from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int in = x + plane * inPlane;
                int grad = dx + plane * inPlane;
                lanes.maxPool2x2Backward(m, in, w, outW, 0, outH, dy + plane * outH * outW, grad, accumulate);
                if (!accumulate) {
                    for (int row = 0; oddW && row < 2 * outH; row++) {
                        m[grad + row * w + w - 1] = 0f;
                    }
                    Arrays.fill(m, grad + 2 * outH * w, grad + inPlane, 0f);
                }
            }
        });
    }

    /** The largest value of the window by {@link Math#max} (NaN if the window holds one). */
    private float max(int plane, int width, int h0, int h1, int w0, int w1) {
        float best = Float.NEGATIVE_INFINITY;
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                best = Math.max(best, mem[plane + ih * width + iw]);
            }
        }
        return best;
    }

    /**
     * Offset inside the plane of the window's first cell, in row-major order, equal to its {@link #max}; −1 where
     * there is none (a NaN in the window).
     */
    private int firstMax(int plane, int width, int h0, int h1, int w0, int w1) {
        float best = max(plane, width, h0, h1, w0, w1);
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                if (mem[plane + ih * width + iw] == best) {
                    return ih * width + iw;
                }
            }
        }
        return -1;
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
