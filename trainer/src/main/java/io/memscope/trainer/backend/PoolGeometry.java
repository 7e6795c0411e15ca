package io.memscope.trainer.backend;

/**
 * 2-D pooling over an NCHW batch. Max pooling routes the gradient to the first maximum of each window (in
 * row-major window order); on the CPU a window holding NaN outputs NaN and passes no gradient. Average pooling divides by kh·kw, padding included (cuDNN's
 * COUNT_INCLUDE_PADDING), so padded cells count as zeros.
 */
public record PoolGeometry(int n, int c, int h, int w, int kh, int kw, int strideH, int strideW,
                           int padH, int padW, boolean max) {
    public PoolGeometry {
        if (strideH <= 0 || strideW <= 0) {
            throw new IllegalArgumentException("stride must be positive");
        }
    }

    public int outH() {
        return (h + 2 * padH - kh) / strideH + 1;
    }

    public int outW() {
        return (w + 2 * padW - kw) / strideW + 1;
    }
}
