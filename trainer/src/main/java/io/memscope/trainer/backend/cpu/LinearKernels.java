package io.memscope.trainer.backend.cpu;

import dev.ludovic.netlib.blas.BLAS;

/**
 * Fully connected layer: x (n × in), w (out × in), y (n × out), all row-major. Arguments are float indices
 * into the device array; -1 stands for an absent tensor.
 *
 * <p>In BLAS's column-major terms: forward {@code yᵀ (out×n) = w (out×in) · xᵀ (in×n)}; backward data
 * {@code dxᵀ (in×n) = wᵀ (in×out) · dyᵀ (out×n)}; backward weights
 * {@code dwᵀ (in×out) = xᵀ (in×n) · dy (n×out)}.
 * Workers split the batch for y and dx, and the output features for dw, so no two write the same value.
 */
public final class LinearKernels {
    private final float[] mem;
    private final WorkerPool pool;
    private final BLAS blas;

    public LinearKernels(float[] mem, WorkerPool pool, BLAS blas) {
        this.blas = blas;
        this.mem = mem;
        this.pool = pool;
    }

    public void forward(int n, int in, int out, int x, int w, int bias, int y) {
        pool.forEach(n, 2L * in * out, (worker, from, to) -> {
            blas.sgemm("T", "N", out, to - from, in, 1f, mem, w, in, mem, x + from * in, in,
                    0f, mem, y + from * out, out);
            if (bias >= 0) {
                for (int i = from; i < to; i++) {
                    int row = y + i * out;
                    for (int j = 0; j < out; j++) {
                        mem[row + j] += mem[bias + j];
                    }
                }
            }
        });
    }

    public void backward(int n, int in, int out, int x, int w, int dy, int dx, int dw, int dbias,
                         boolean accumulateDx, boolean accumulateParams) {
        if (dx >= 0) {
            pool.forEach(n, 2L * in * out, (worker, from, to) ->
                    blas.sgemm("N", "N", in, to - from, out, 1f, mem, w, in, mem, dy + from * out, out,
                            accumulateDx ? 1f : 0f, mem, dx + from * in, in));
        }
        float beta = accumulateParams ? 1f : 0f;
        pool.forEach(out, 2L * n * in, (worker, from, to) ->
                blas.sgemm("N", "T", in, to - from, n, 1f, mem, x, in, mem, dy + from, out,
                        beta, mem, dw + from * in, in));
        if (dbias >= 0) {
            for (int j = 0; j < out; j++) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += mem[dy + i * out + j];
                }
                mem[dbias + j] = (float) (accumulateParams ? mem[dbias + j] + sum : sum);
            }
        }
    }
}
