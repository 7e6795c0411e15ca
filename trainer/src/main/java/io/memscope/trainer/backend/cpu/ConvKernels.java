package io.memscope.trainer.backend.cpu;

import dev.ludovic.netlib.blas.BLAS;
import io.memscope.trainer.backend.ConvGeometry;
import io.memscope.trainer.backend.ConvPass;
import java.util.Arrays;

/**
 * Convolution by im2col and sgemm, forward and both backward passes. Arguments are float indices into the
 * device array; -1 stands for an absent tensor. The workspace holds the column buffers that
 * {@link CpuWorkspaceModel} sizes.
 *
 * <p>BLAS is column-major, and a row-major {@code R × C} matrix is a column-major {@code C × R} one, so with
 * {@code P = colCols} and {@code R = colRows} the three products are, column-major:
 * forward {@code yᵀ (P×K) = colᵀ (P×R) · wᵀ (R×K)}; backward data
 * {@code dcolᵀ (P×R) = dyᵀ (P×K) · w (K×R)}; backward filter {@code dwᵀ (R×K) = col (R×P) · dyᵀ (P×K)}.
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

    /** y = conv(x, w) + bias; the batch is split over the workers, each with its own column buffer. */
    public void forward(ConvGeometry g, int x, int w, int bias, int y, int workspace) {
        int rows = g.colRows();
        int cols = g.colCols();
        int inSize = g.c() * g.h() * g.w();
        int outSize = g.k() * cols;
        boolean direct = CpuWorkspaceModel.readsInputAsColumns(g);
        pool.forEach(g.n(), 2L * g.k() * rows * cols, (worker, from, to) -> {
            int col = workspace + worker * rows * cols;
            for (int i = from; i < to; i++) {
                int image = x + i * inSize;
                int out = y + i * outSize;
                if (!direct) {
                    Im2col.unfold(mem, g, image, col, 0, rows);
                }
                blas.sgemm("N", "N", cols, g.k(), rows, 1f, mem, direct ? image : col, cols,
                        mem, w, rows, 0f, mem, out, cols);
                if (bias >= 0) {
                    for (int k = 0; k < g.k(); k++) {
                        float b = mem[bias + k];
                        int start = out + k * cols;
                        for (int p = 0; p < cols; p++) {
                            mem[start + p] += b;
                        }
                    }
                }
            }
        });
    }

    /** dx (+)= conv_transpose(dy, w): column gradients by sgemm, folded back image by image. */
    public void backwardData(ConvGeometry g, int dy, int w, int dx, int workspace, boolean accumulate) {
        int rows = g.colRows();
        int cols = g.colCols();
        int inSize = g.c() * g.h() * g.w();
        int outSize = g.k() * cols;
        boolean direct = CpuWorkspaceModel.readsInputAsColumns(g);
        pool.forEach(g.n(), 2L * g.k() * rows * cols, (worker, from, to) -> {
            int col = workspace + worker * rows * cols;
            for (int i = from; i < to; i++) {
                int grad = dy + i * outSize;
                int image = dx + i * inSize;
                if (direct) {
                    blas.sgemm("N", "T", cols, rows, g.k(), 1f, mem, grad, cols, mem, w, rows,
                            accumulate ? 1f : 0f, mem, image, cols);
                    continue;
                }
                blas.sgemm("N", "T", cols, rows, g.k(), 1f, mem, grad, cols, mem, w, rows, 0f, mem, col, cols);
                if (!accumulate) {
                    Arrays.fill(mem, image, image + inSize, 0f);
                }
                Im2col.foldAdd(mem, g, col, image);
            }
        });
    }

    /**
     * dw (+)= corr(x, dy) and dbias (+)= sums of dy. The workers split the rows of one shared column buffer,
     * and so the columns of dw: each weight gradient is summed by one worker, over the images in order,
     * whatever the thread count.
     */
    public void backwardFilter(ConvGeometry g, int x, int dy, int dw, int dbias, int workspace,
                               boolean accumulate) {
        int rows = g.colRows();
        int cols = g.colCols();
        int inSize = g.c() * g.h() * g.w();
        int outSize = g.k() * cols;
        boolean direct = CpuWorkspaceModel.readsInputAsColumns(g);
        pool.forEach(rows, 2L * g.n() * g.k() * cols, (worker, from, to) -> {
            for (int i = 0; i < g.n(); i++) {
                int image = x + i * inSize;
                if (!direct) {
                    Im2col.unfold(mem, g, image, workspace, from, to);
                }
                int a = (direct ? image : workspace) + from * cols;
                float beta = i == 0 && !accumulate ? 0f : 1f;
                blas.sgemm("T", "N", to - from, g.k(), cols, 1f, mem, a, cols, mem, dy + i * outSize, cols,
                        beta, mem, dw + from, rows);
            }
        });
        if (dbias >= 0) {
            pool.forEach(g.k(), (long) g.n() * cols, (worker, from, to) -> {
                for (int k = from; k < to; k++) {
                    double sum = 0;
                    for (int i = 0; i < g.n(); i++) {
                        int start = dy + i * outSize + k * cols;
                        for (int p = 0; p < cols; p++) {
                            sum += mem[start + p];
                        }
                    }
                    mem[dbias + k] = (float) (accumulate ? mem[dbias + k] + sum : sum);
                }
            });
        }
    }

    /** Workspace floats a pass needs with this kernel's workers. */
    public long workspaceFloats(ConvGeometry g, ConvPass pass) {
        return CpuWorkspaceModel.floats(g, pass, pool.threads());
    }
}
