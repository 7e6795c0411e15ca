package io.memscope.trainer.backend.cpu;

import io.memscope.trainer.backend.ConvGeometry;
import java.util.Arrays;

/**
 * The column matrix of one image: row {@code (c, i, j)} holds, for every output position, the input value the
 * kernel tap {@code (i, j)} of channel {@code c} sees there (zero in the padding). It is {@code colRows × colCols}
 * floats, row-major, so a convolution becomes one matrix product. Rows lie {@code ld ≥ colCols} floats apart,
 * so that the matrices of several images can stand side by side in one wider matrix (image {@code i} of a
 * group at column {@code i·colCols}).
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

    /**
     * Writes rows {@code [rowFrom, rowTo)} of the column matrix of the image at {@code image} into {@code col},
     * row {@code r} at {@code col + r·ld}.
     */
    static void unfold(float[] mem, ConvGeometry g, int image, int col, int ld, int rowFrom, int rowTo) {
        unfold(mem, g, image, col, ld, rowFrom, rowTo, 0, g.outH());
    }

    /**
     * Writes, of rows {@code [rowFrom, rowTo)} of the column matrix, the columns of output rows
     * {@code [ohFrom, ohTo)} (a tile): column {@code oh·outW + ow} of row {@code r} at
     * {@code col + r·ld + (oh − ohFrom)·outW + ow}.
     */
    static void unfold(float[] mem, ConvGeometry g, int image, int col, int ld, int rowFrom, int rowTo, int ohFrom,
                       int ohTo) {
        if (isShifted(g)) {
            unfoldShifted(mem, g, image, col, ld, rowFrom, rowTo, ohFrom, ohTo);
            return;
        }
        int outW = g.outW();
        int taps = g.kh() * g.kw();
        for (int r = rowFrom; r < rowTo; r++) {
            int channel = image + r / taps * g.h() * g.w();
            int i = r % taps / g.kw();
            int j = r % g.kw();
            int shift = j - g.padW();
            int lo = firstInside(shift, g.strideW(), outW);
            int hi = Math.max(lo, endInside(shift, g.strideW(), g.w(), outW));
            for (int oh = ohFrom; oh < ohTo; oh++) {
                int dst = col + r * ld + (oh - ohFrom) * outW;
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
     * entries that stand for padding are left zero in {@code col} (it is a scratch buffer). Row {@code r} is at
     * {@code col + r·ld}.
     */
    static void foldAdd(float[] mem, ConvGeometry g, int col, int ld, int image) {
        foldAdd(mem, g, col, ld, image, 0, g.colRows(), 0, g.outH());
    }

    /**
     * {@link #foldAdd} of rows {@code [rowFrom, rowTo)} (row {@code r} at {@code col + r·ld}) of the tile of
     * output rows {@code [ohFrom, ohTo)}, laid out as {@link #unfold} writes it.
     */
    static void foldAdd(float[] mem, ConvGeometry g, int col, int ld, int image, int rowFrom, int rowTo, int ohFrom,
                        int ohTo) {
        if (isShifted(g)) {
            foldAddShifted(mem, g, col, ld, image, rowFrom, rowTo, ohFrom, ohTo);
            return;
        }
        int stride = g.strideW();
        int outW = g.outW();
        int taps = g.kh() * g.kw();
        for (int r = rowFrom; r < rowTo; r++) {
            int channel = image + r / taps * g.h() * g.w();
            int i = r % taps / g.kw();
            int j = r % g.kw();
            int shift = j - g.padW();
            int lo = firstInside(shift, g.strideW(), outW);
            int hi = Math.max(lo, endInside(shift, g.strideW(), g.w(), outW));
            for (int oh = ohFrom; oh < ohTo; oh++) {
                int ih = oh * g.strideH() - g.padH() + i;
                if (ih < 0 || ih >= g.h()) {
                    continue;
                }
                int src = col + r * ld + (oh - ohFrom) * outW;
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

    private static void unfoldShifted(float[] mem, ConvGeometry g, int image, int col, int ld, int rowFrom,
                                      int rowTo, int ohFrom, int ohTo) {
        int w = g.w();
        int taps = g.kh() * g.kw();
        int plane = g.h() * w;
        int p0 = ohFrom * w;
        int p1 = ohTo * w;
        Shift[] shifts = Shift.of(g);
        int tap = rowFrom % taps;
        int channel = image + rowFrom / taps * plane;
        for (int r = rowFrom; r < rowTo; r++) {
            Shift s = shifts[tap];
            int base = col + r * ld - p0; // entry d of the row (p0 <= d < p1) is at base + d
            int a = Math.min(Math.max(s.from, p0), p1);
            int b = Math.max(a, Math.min(s.to, p1));
            Arrays.fill(mem, base + p0, base + a, 0f);
            if (b > a) { // a row wholly in the padding has no source cell, not even for a copy of none
                System.arraycopy(mem, channel + a + s.offset, mem, base + a, b - a);
            }
            Arrays.fill(mem, base + b, base + p1, 0f);
            s.clearWrapped(mem, base, ohFrom, ohTo);
            if (++tap == taps) {
                tap = 0;
                channel += plane;
            }
        }
    }

    private static void foldAddShifted(float[] mem, ConvGeometry g, int col, int ld, int image, int rowFrom,
                                       int rowTo, int ohFrom, int ohTo) {
        int w = g.w();
        int taps = g.kh() * g.kw();
        int plane = g.h() * w;
        int p0 = ohFrom * w;
        int p1 = ohTo * w;
        Lanes lanes = Lanes.get();
        Shift[] shifts = Shift.of(g);
        int tap = rowFrom % taps;
        int channel = image + rowFrom / taps * plane;
        for (int r = rowFrom; r < rowTo; r++) {
            Shift s = shifts[tap];
            int base = col + r * ld - p0;
            int a = Math.min(Math.max(s.from, p0), p1);
            int b = Math.max(a, Math.min(s.to, p1));
            s.clearWrapped(mem, base, ohFrom, ohTo);
            lanes.add(mem, channel + a + s.offset, base + a, b - a);
            if (++tap == taps) {
                tap = 0;
                channel += plane;
            }
        }
    }

    /**
     * Column rows of kernel tap {@code (i, j)} in a shifted geometry: entry {@code d} of the row is cell
     * {@code d + offset} of its channel for {@code d} in {@code [from, to)} (zero outside), except the {@code |dw|}
     * cells at one edge of every output row, which wrapped round to the neighbouring input row and are zero. The
     * same for every channel, so a pass computes one per tap (no divisions per row).
     */
    private static final class Shift {
        final int offset;
        final int from;
        final int to;
        private final int dw;
        private final int w;
        private final int rowFrom;
        private final int rowTo;

        /** One per tap, in the column matrix's row order. */
        static Shift[] of(ConvGeometry g) {
            Shift[] s = new Shift[g.kh() * g.kw()];
            for (int tap = 0; tap < s.length; tap++) {
                s[tap] = new Shift(g, tap);
            }
            return s;
        }

        private Shift(ConvGeometry g, int tap) {
            int dh = tap / g.kw() - g.padH();
            dw = tap % g.kw() - g.padW();
            w = g.w();
            offset = dh * w + dw;
            rowFrom = Math.min(g.outH(), Math.max(0, -dh));
            rowTo = Math.max(rowFrom, Math.min(g.outH(), g.h() - dh));
            int lo = Math.max(rowFrom * w, -offset);
            int hi = Math.min(rowTo * w, g.h() * w - offset);
            from = Math.min(lo, rowTo * w);
            to = Math.max(from, hi);
        }

        /**
         * Zeroes the cells whose input column lies outside the image, in output rows {@code [ohFrom, ohTo)} of the
         * column row whose entry 0 would be at {@code row}.
         */
        void clearWrapped(float[] mem, int row, int ohFrom, int ohTo) {
            if (dw == 0) {
                return;
            }
            int lo = dw < 0 ? 0 : w - Math.min(w, dw);
            int hi = dw < 0 ? Math.min(w, -dw) : w;
            for (int oh = Math.max(rowFrom, ohFrom); oh < Math.min(rowTo, ohTo); oh++) {
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
