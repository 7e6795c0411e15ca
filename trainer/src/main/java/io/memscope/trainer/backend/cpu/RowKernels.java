package io.memscope.trainer.backend.cpu;

import java.util.Arrays;

/**
 * Row ranges of NCHW maps: copying (or adding) rows between maps of different heights, and filling rows with
 * a value. One (sample, channel) plane per loop iteration; inside a plane the rows are contiguous, so a range
 * of rows is one contiguous run of {@code rows · width} floats.
 */
public final class RowKernels {
    private final float[] mem;
    private final WorkerPool pool;
    private final Lanes lanes = Lanes.get();

    public RowKernels(float[] mem, WorkerPool pool) {
        this.mem = mem;
        this.pool = pool;
    }

    /**
     * For each of {@code planes} planes, copies (or adds) {@code rows} rows starting at {@code srcRow} of a
     * plane {@code srcHeight} rows high into the plane of {@code dst}, {@code dstHeight} rows high, from
     * {@code dstRow} on.
     */
    public void copyRows(int planes, int width, int src, int srcHeight, int srcRow, int dst, int dstHeight,
                         int dstRow, int rows, boolean accumulate) {
        int length = rows * width;
        pool.forEach(planes, length, (worker, from, to) -> {
            for (int p = from; p < to; p++) {
                int s = src + (p * srcHeight + srcRow) * width;
                int d = dst + (p * dstHeight + dstRow) * width;
                if (accumulate) {
                    lanes.add(mem, d, s, length);
                } else {
                    System.arraycopy(mem, s, mem, d, length);
                }
            }
        });
    }

    /** For each of {@code planes} planes {@code height} rows high, sets rows [row, row + rows) to {@code value}. */
    public void fillRows(int planes, int width, int dst, int height, int row, int rows, float value) {
        int length = rows * width;
        pool.forEach(planes, length, (worker, from, to) -> {
            for (int p = from; p < to; p++) {
                int d = dst + (p * height + row) * width;
                Arrays.fill(mem, d, d + length, value);
            }
        });
    }
}
