package io.memscope.trainer.backend.cpu;

import io.memscope.trainer.backend.ConvGeometry;
import java.util.Arrays;

/**
 * The column matrix of one image: row {@code (c, i, j)} holds, for every output position, the input value the
 * kernel tap {@code (i, j)} of channel {@code c} sees there (zero in the padding). It is {@code colRows × colCols}
 * floats, row-major, so a convolution becomes one matrix product.
 */
final class Im2col {
    private Im2col() {}

    /** Writes rows {@code [rowFrom, rowTo)} of the column matrix of the image at {@code image} into {@code col}. */
    static void unfold(float[] mem, ConvGeometry g, int image, int col, int rowFrom, int rowTo) {
        int outH = g.outH();
        int outW = g.outW();
        int taps = g.kh() * g.kw();
        for (int r = rowFrom; r < rowTo; r++) {
            int channel = image + r / taps * g.h() * g.w();
            int i = r % taps / g.kw();
            int j = r % g.kw();
            int shift = j - g.padW();
            int lo = firstInside(shift, g.strideW(), outW);
            int hi = Math.max(lo, endInside(shift, g.strideW(), g.w(), outW));
            for (int oh = 0; oh < outH; oh++) {
                int dst = col + r * outH * outW + oh * outW;
                int ih = oh * g.strideH() - g.padH() + i;
                if (ih < 0 || ih >= g.h()) {
                    Arrays.fill(mem, dst, dst + outW, 0f);
                    continue;
                }
                int src = channel + ih * g.w() + shift;
                // the padding at either end is a cell or two: plain stores, not a call each
                for (int ow = 0; ow < lo; ow++) {
                    mem[dst + ow] = 0f;
                }
                if (g.strideW() == 1) {
                    System.arraycopy(mem, src + lo, mem, dst + lo, hi - lo);
                } else {
                    for (int ow = lo; ow < hi; ow++) {
                        mem[dst + ow] = mem[src + ow * g.strideW()];
                    }
                }
                for (int ow = hi; ow < outW; ow++) {
                    mem[dst + ow] = 0f;
                }
            }
        }
    }

    /** Adds every entry of the column matrix at {@code col} back onto the input position it was read from. */
    static void foldAdd(float[] mem, ConvGeometry g, int col, int image) {
        int stride = g.strideW();
        int outH = g.outH();
        int outW = g.outW();
        int taps = g.kh() * g.kw();
        for (int r = 0; r < g.colRows(); r++) {
            int channel = image + r / taps * g.h() * g.w();
            int i = r % taps / g.kw();
            int j = r % g.kw();
            int shift = j - g.padW();
            int lo = firstInside(shift, g.strideW(), outW);
            int hi = Math.max(lo, endInside(shift, g.strideW(), g.w(), outW));
            for (int oh = 0; oh < outH; oh++) {
                int ih = oh * g.strideH() - g.padH() + i;
                if (ih < 0 || ih >= g.h()) {
                    continue;
                }
                int src = col + r * outH * outW + oh * outW;
                int dst = channel + ih * g.w() + shift;
                if (stride == 1) {
                    for (int ow = lo; ow < hi; ow++) {
                        mem[dst + ow] += mem[src + ow];
                    }
                } else {
                    for (int ow = lo; ow < hi; ow++) {
                        mem[dst + ow * stride] += mem[src + ow];
                    }
                }
            }
        }
    }

    /** First output column whose input column {@code ow·stride + shift} is not left of the image. */
    private static int firstInside(int shift, int stride, int outW) {
        return Math.min(outW, Math.max(0, ceilDiv(-shift, stride)));
    }

    /** One past the last output column whose input column {@code ow·stride + shift} is inside the image. */
    private static int endInside(int shift, int stride, int width, int outW) {
        return Math.min(outW, Math.max(0, ceilDiv(width - shift, stride)));
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
