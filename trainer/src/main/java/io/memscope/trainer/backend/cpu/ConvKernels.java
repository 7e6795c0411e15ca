package io.memscope.trainer.backend.cpu;

import dev.ludovic.netlib.blas.BLAS;
import io.memscope.trainer.backend.ConvGeometry;
import io.memscope.trainer.backend.ConvPass;
import java.util.Arrays;

/**
 * Convolution by im2col and sgemm, forward and both backward passes. Arguments are float indices into the
 * device array; -1 stands for an absent tensor. The workspace holds the buffers that {@link CpuWorkspaceModel}
 * sizes; the column matrix goes through the products one {@link CpuWorkspaceModel.Tile} at a time.
 *
 * <p>BLAS is column-major, and a row-major {@code R × C} matrix is a column-major {@code C × R} one, so with
 * {@code P} the columns of a tile and {@code R = colRows} the three products are,
 * column-major: forward {@code yᵀ (P×K) = colᵀ (P×R) · wᵀ (R×K)}; backward data
 * {@code dcolᵀ (P×R) = dyᵀ (P×K) · w (K×R)}; backward filter {@code dwᵀ (R×K) = col (R×P) · dyᵀ (P×K)}, or,
 * for layers with few output channels, {@code dw (K×R) = dy (K×P) · colᵀ (P×R)} into the workspace, added
 * into the weights' order afterwards ({@link CpuWorkspaceModel#TRANSPOSED_FILTER_CHANNELS}). For a
 * single image {@code yᵀ} and {@code dyᵀ} are the image's own {@code (K, plane)} block; for a group they are
 * gathered into (or scattered from) a {@code K × P} buffer, image {@code i}'s plane of channel {@code k} at
 * {@code k·P + i·colCols}.
 */
public final class ConvKernels {
    private final float[] mem;
    private final WorkerPool pool;
    private final BLAS blas;

    public ConvKernels(float[] mem, WorkerPool pool, BLAS blas) {
        this.blas = blas;
        this.mem = mem;
        this.pool = pool;
    }

    /** y = conv(x, w) + bias; the batch is split over the workers, each with its own buffers. */
    public void forward(ConvGeometry g, int x, int w, int bias, int y, int workspace) {
        int rows = g.colRows();
        int plane = g.colCols();
        int inSize = g.c() * g.h() * g.w();
        int outSize = g.k() * plane;
        CpuWorkspaceModel.Tile tile = CpuWorkspaceModel.tile(g, ConvPass.FORWARD, pool.threads());
        int chunk = CpuWorkspaceModel.chunk(g, ConvPass.FORWARD, pool.threads());
        int stride = perWorker(g, tile, chunk);
        boolean direct = CpuWorkspaceModel.readsInputAsColumns(g);
        pool.forEach(g.n(), 2L * g.k() * rows * plane, (worker, from, to) -> {
            int col = workspace + worker * stride;
            int out = col + chunk * tile.columns();
            for (int first = from; first < to; first += tile.images()) {
                int images = Math.min(tile.images(), to - first);
                if (direct) {
                    blas.sgemm("N", "N", plane, g.k(), rows, 1f, mem, x + first * inSize, plane, mem, w, rows, 0f,
                            mem, y + first * outSize, plane);
                } else if (tile.grouped()) {
                    int cols = images * plane;
                    for (int r0 = 0; r0 < rows; r0 += chunk) {
                        int r1 = Math.min(rows, r0 + chunk);
                        int base = col - r0 * cols; // row r of the chunk at base + r·cols
                        for (int i = 0; i < images; i++) {
                            Im2col.unfold(mem, g, x + (first + i) * inSize, base + i * plane, cols, r0, r1);
                        }
                        blas.sgemm("N", "N", cols, g.k(), r1 - r0, 1f, mem, col, cols, mem, w + r0, rows,
                                r0 == 0 ? 0f : 1f, mem, out, cols);
                    }
                    moveGroup(g.k(), plane, images, out, y + first * outSize, false);
                } else {
                    for (int oh = 0; oh < g.outH(); oh += tile.rows()) {
                        int end = Math.min(g.outH(), oh + tile.rows());
                        int cols = (end - oh) * g.outW();
                        Im2col.unfold(mem, g, x + first * inSize, col, cols, 0, rows, oh, end);
                        blas.sgemm("N", "N", cols, g.k(), rows, 1f, mem, col, cols, mem, w, rows, 0f,
                                mem, y + first * outSize + oh * g.outW(), plane);
                    }
                }
                if (bias >= 0) {
                    for (int i = first; i < first + images; i++) {
                        for (int k = 0; k < g.k(); k++) {
                            float b = mem[bias + k];
                            int start = y + i * outSize + k * plane;
                            for (int p = 0; p < plane; p++) {
                                mem[start + p] += b;
                            }
                        }
                    }
                }
            }
        });
    }

    /**
     * dx (+)= conv_transpose(dy, w): column gradients by sgemm, a chunk of rows of a tile at a time, each folded
     * back before the next.
     */
    public void backwardData(ConvGeometry g, int dy, int w, int dx, int workspace, boolean accumulate) {
        int rows = g.colRows();
        int plane = g.colCols();
        int inSize = g.c() * g.h() * g.w();
        int outSize = g.k() * plane;
        CpuWorkspaceModel.Tile tile = CpuWorkspaceModel.tile(g, ConvPass.BACKWARD_DATA, pool.threads());
        int chunk = CpuWorkspaceModel.chunk(g, ConvPass.BACKWARD_DATA, pool.threads());
        int stride = perWorker(g, tile, chunk);
        boolean direct = CpuWorkspaceModel.readsInputAsColumns(g);
        pool.forEach(g.n(), 2L * g.k() * rows * plane, (worker, from, to) -> {
            int col = workspace + worker * stride;
            int grads = col + chunk * tile.columns();
            for (int first = from; first < to; first += tile.images()) {
                int images = Math.min(tile.images(), to - first);
                if (direct) {
                    blas.sgemm("N", "T", plane, rows, g.k(), 1f, mem, dy + first * outSize, plane, mem, w, rows,
                            accumulate ? 1f : 0f, mem, dx + first * inSize, plane);
                    continue;
                }
                if (!accumulate) {
                    Arrays.fill(mem, dx + first * inSize, dx + (first + images) * inSize, 0f);
                }
                int bands = tile.grouped() ? 1 : (g.outH() + tile.rows() - 1) / tile.rows();
                if (tile.grouped()) {
                    moveGroup(g.k(), plane, images, grads, dy + first * outSize, true);
                }
                for (int band = 0; band < bands; band++) {
                    int oh = band * tile.rows();
                    int end = tile.grouped() ? g.outH() : Math.min(g.outH(), oh + tile.rows());
                    int cols = tile.grouped() ? images * plane : (end - oh) * g.outW();
                    int a = tile.grouped() ? grads : dy + first * outSize + oh * g.outW();
                    int lda = tile.grouped() ? cols : plane;
                    for (int r0 = 0; r0 < rows; r0 += chunk) {
                        int r1 = Math.min(rows, r0 + chunk);
                        // rows r0..r1 of the column gradients, row r at col + (r − r0)·cols
                        blas.sgemm("N", "T", cols, r1 - r0, g.k(), 1f, mem, a, lda, mem, w + r0, rows, 0f,
                                mem, col, cols);
                        int base = col - r0 * cols;
                        if (tile.grouped()) {
                            for (int i = 0; i < images; i++) {
                                Im2col.foldAdd(mem, g, base + i * plane, cols, dx + (first + i) * inSize, r0, r1,
                                        0, g.outH());
                            }
                        } else {
                            Im2col.foldAdd(mem, g, base, cols, dx + first * inSize, r0, r1, oh, end);
                        }
                    }
                }
            }
        });
    }

    /**
     * dw (+)= corr(x, dy) and dbias (+)= sums of dy. The workers split the rows of the column matrix, and so the
     * columns of dw: each weight gradient is summed by one worker, over the images and tiles in order, whatever
     * the thread count. A worker unfolds a chunk of its rows at a time into its own buffer.
     */
    public void backwardFilter(ConvGeometry g, int x, int dy, int dw, int dbias, int workspace,
                               boolean accumulate) {
        int rows = g.colRows();
        int plane = g.colCols();
        int inSize = g.c() * g.h() * g.w();
        int outSize = g.k() * plane;
        CpuWorkspaceModel.Tile tile = CpuWorkspaceModel.tile(g, ConvPass.BACKWARD_FILTER, pool.threads());
        int chunk = CpuWorkspaceModel.chunk(g, ConvPass.BACKWARD_FILTER, pool.threads());
        int stride = perWorker(g, tile, chunk);
        boolean direct = CpuWorkspaceModel.readsInputAsColumns(g);
        int block = CpuWorkspaceModel.transposedRows(g, pool.threads());
        boolean transposed = block > 0;
        int transposes = workspace + CpuWorkspaceModel.buffers(g, ConvPass.BACKWARD_FILTER, pool.threads()) * stride;
        pool.forEach(rows, 2L * g.n() * g.k() * plane, (worker, from, to) -> {
            int col = workspace + worker * stride;
            int grads = col + chunk * tile.columns();
            int dwt = transposes + worker * block * g.k();
            int step = transposed ? block : to - from;
            for (int b0 = from; b0 < to; b0 += step) { // transposed: a block of rows at a time, over all images
                int b1 = Math.min(to, b0 + step);
                boolean first = transposed || !accumulate;
                for (int image = 0; image < g.n(); image += tile.images()) {
                    int images = Math.min(tile.images(), g.n() - image);
                    if (direct) {
                        blas.sgemm("T", "N", b1 - b0, g.k(), plane, 1f, mem, x + image * inSize + b0 * plane, plane,
                                mem, dy + image * outSize, plane, first ? 0f : 1f, mem, dw + b0, rows);
                        first = false;
                        continue;
                    }
                    int bands = tile.grouped() ? 1 : (g.outH() + tile.rows() - 1) / tile.rows();
                    if (tile.grouped()) {
                        moveGroup(g.k(), plane, images, grads, dy + image * outSize, true);
                    }
                    for (int band = 0; band < bands; band++) {
                        int oh = band * tile.rows();
                        int end = tile.grouped() ? g.outH() : Math.min(g.outH(), oh + tile.rows());
                        int cols = tile.grouped() ? images * plane : (end - oh) * g.outW();
                        int b = tile.grouped() ? grads : dy + image * outSize + oh * g.outW();
                        int ldb = tile.grouped() ? cols : plane;
                        for (int r0 = b0; r0 < b1; r0 += chunk) {
                            int r1 = Math.min(b1, r0 + chunk);
                            int base = col - r0 * cols; // row r of the chunk at base + r·cols
                            if (tile.grouped()) {
                                for (int i = 0; i < images; i++) {
                                    Im2col.unfold(mem, g, x + (image + i) * inSize, base + i * plane, cols, r0, r1);
                                }
                            } else {
                                Im2col.unfold(mem, g, x + image * inSize, base, cols, r0, r1, oh, end);
                            }
                            if (transposed) {
                                blas.sgemm("T", "N", g.k(), r1 - r0, cols, 1f, mem, b, ldb, mem, col, cols,
                                        first ? 0f : 1f, mem, dwt + (r0 - b0) * g.k(), g.k());
                            } else {
                                blas.sgemm("T", "N", r1 - r0, g.k(), cols, 1f, mem, col, cols, mem, b, ldb,
                                        first ? 0f : 1f, mem, dw + r0, rows);
                            }
                        }
                        first = false;
                    }
                }
                if (transposed) {
                    transposeInto(g.k(), rows, b0, b1, dwt, dw, accumulate);
                }
            }
        });
        if (dbias >= 0) {
            pool.forEach(g.k(), (long) g.n() * plane, (worker, from, to) -> {
                for (int k = from; k < to; k++) {
                    double sum = 0;
                    for (int i = 0; i < g.n(); i++) {
                        int start = dy + i * outSize + k * plane;
                        for (int p = 0; p < plane; p++) {
                            sum += mem[start + p];
                        }
                    }
                    mem[dbias + k] = (float) (accumulate ? mem[dbias + k] + sum : sum);
                }
            });
        }
    }

    /**
     * Rows {@code [from, to)} of the column matrix from their {@code (to − from) × K} product at {@code dwt}
     * (row r at {@code dwt + (r − from)·K}) into dw, {@code K × R}: set, or added to what dw holds.
     */
    private void transposeInto(int k, int rows, int from, int to, int dwt, int dw, boolean accumulate) {
        for (int c = 0; c < k; c++) {
            int out = dw + c * rows;
            for (int r = from; r < to; r++) {
                float v = mem[dwt + (r - from) * k + c];
                mem[out + r] = accumulate ? mem[out + r] + v : v;
            }
        }
    }

    /** Workspace floats a pass needs with this kernel's workers. */
    public long workspaceFloats(ConvGeometry g, ConvPass pass) {
        return CpuWorkspaceModel.floats(g, pass, pool.threads());
    }

    /** Floats between two workers' buffers: a chunk of rows of a tile, and the group's gathered tensors. */
    private static int perWorker(ConvGeometry g, CpuWorkspaceModel.Tile tile, int chunk) {
        return (int) ((long) chunk * tile.columns() + (tile.grouped() ? (long) g.k() * tile.columns() : 0));
    }

    /**
     * Between a group's tensors in NCHW order at {@code nchw} ({@code images × k × plane}) and the GEMM order at
     * {@code gemm} ({@code k × images·plane}): gathers into {@code gemm}, or scatters out of it.
     */
    private void moveGroup(int k, int plane, int images, int gemm, int nchw, boolean gather) {
        int cols = images * plane;
        for (int i = 0; i < images; i++) {
            for (int c = 0; c < k; c++) {
                int a = gemm + c * cols + i * plane;
                int b = nchw + (i * k + c) * plane;
                if (gather) {
                    System.arraycopy(mem, b, mem, a, plane);
                } else {
                    System.arraycopy(mem, a, mem, b, plane);
                }
            }
        }
    }
}
