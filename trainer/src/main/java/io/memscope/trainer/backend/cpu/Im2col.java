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

    /**
     * Stride 1 and an output as wide as the input ("same" padding): a column row is then the channel's plane
     * shifted by {@code (i − padH)·w + (j − padW)}, one contiguous copy, with the cells that wrapped round a row
     * edge set to zero afterwards.
     */
    static boolean isShifted(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1 && g.outW() == g.w();
    }

    /** Writes rows {@code [rowFrom, rowTo)} of the column matrix of the image at {@code image} into {@code col}. */
    static void unfold(float[] mem, ConvGeometry g, int image, int col, int rowFrom, int rowTo) {
        if (isShifted(g)) {
            unfoldShifted(mem, g, image, col, rowFrom, rowTo);
            return;
        }
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

    /**
     * Adds every entry of the column matrix at {@code col} back onto the input position it was read from. The
     * entries that stand for padding are left zero in {@code col} (it is a scratch buffer).
     */
    static void foldAdd(float[] mem, ConvGeometry g, int col, int image) {
        if (isShifted(g)) {
            foldAddShifted(mem, g, col, image);
            return;
        }
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

    private static void unfoldShifted(float[] mem, ConvGeometry g, int image, int col, int rowFrom, int rowTo) {
        int w = g.w();
        int outH = g.outH();
        int planeOut = outH * w;
        int taps = g.kh() * g.kw();
        for (int r = rowFrom; r < rowTo; r++) {
            Shift s = new Shift(g, r);
            int channel = image + r / taps * g.h() * w;
            int dst = col + r * planeOut;
            Arrays.fill(mem, dst, dst + s.from, 0f);
            System.arraycopy(mem, channel + s.from + s.offset, mem, dst + s.from, s.to - s.from);
            Arrays.fill(mem, dst + s.to, dst + planeOut, 0f);
            s.clearWrapped(mem, dst);
        }
    }

    private static void foldAddShifted(float[] mem, ConvGeometry g, int col, int image) {
        int w = g.w();
        int planeOut = g.outH() * w;
        int taps = g.kh() * g.kw();
        Lanes lanes = Lanes.get();
        for (int r = 0; r < g.colRows(); r++) {
            Shift s = new Shift(g, r);
            int src = col + r * planeOut;
            s.clearWrapped(mem, src);
            lanes.add(mem, image + r / taps * g.h() * w + s.from + s.offset, src + s.from, s.to - s.from);
        }
    }

    /**
     * Column row {@code r} of a shifted geometry: entry {@code d} of the row is cell {@code d + offset} of its
     * channel for {@code d} in {@code [from, to)} (zero outside), except the {@code |dw|} cells at one edge of
     * every output row, which wrapped round to the neighbouring input row and are zero.
     */
    private static final class Shift {
        final int offset;
        final int from;
        final int to;
        private final int dw;
        private final int w;
        private final int rowFrom;
        private final int rowTo;

        Shift(ConvGeometry g, int r) {
            int taps = g.kh() * g.kw();
            int dh = r % taps / g.kw() - g.padH();
            dw = r % g.kw() - g.padW();
            w = g.w();
            offset = dh * w + dw;
            rowFrom = Math.min(g.outH(), Math.max(0, -dh));
            rowTo = Math.max(rowFrom, Math.min(g.outH(), g.h() - dh));
            int lo = Math.max(rowFrom * w, -offset);
            int hi = Math.min(rowTo * w, g.h() * w - offset);
            from = Math.min(lo, rowTo * w);
            to = Math.max(from, hi);
        }

        /** Zeroes, in the column row at {@code row}, the cells whose input column lies outside the image. */
        void clearWrapped(float[] mem, int row) {
            if (dw == 0) {
                return;
            }
            int lo = dw < 0 ? 0 : w - Math.min(w, dw);
            int hi = dw < 0 ? Math.min(w, -dw) : w;
            for (int oh = rowFrom; oh < rowTo; oh++) {
                for (int ow = lo; ow < hi; ow++) {
                    mem[row + oh * w + ow] = 0f;
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
