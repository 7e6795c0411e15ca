package io.memscope.trainer.backend;

/**
 * A 2-D convolution over an NCHW batch, cross-correlation as in cuDNN and PyTorch, symmetric zero padding.
 * Weight layout is (k, c, kh, kw); bias is (1, k, 1, 1); output is (n, k, outH, outW).
 */
public record ConvGeometry(int n, int c, int h, int w, int k, int kh, int kw,
                           int strideH, int strideW, int padH, int padW) {
    public ConvGeometry {
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

    /** Rows of the im2col matrix of one image: c·kh·kw. */
    public int colRows() {
        return c * kh * kw;
    }

    /** Columns of the im2col matrix of one image: outH·outW. */
    public int colCols() {
        return outH() * outW();
    }

    /** Multiply-adds of the forward pass, times two (FLOPs). Backward data and backward filter cost the same each. */
    public long forwardFlops() {
        return 2L * n * k * colRows() * colCols();
    }
}
