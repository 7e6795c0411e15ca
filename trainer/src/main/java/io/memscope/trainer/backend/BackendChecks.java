package io.memscope.trainer.backend;

import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.Tensor;

/**
 * The argument checks every computing backend makes before a kernel runs, in one place so that the CPU and CUDA
 * backends refuse the same calls with the same words. Each throws {@link IllegalArgumentException} naming the
 * tensors and the numbers.
 */
public final class BackendChecks {
    private BackendChecks() {}

    public static void conv(ConvGeometry g, Tensor image, Tensor weights, Tensor bias, Tensor out) {
        if (g.n() <= 0 || g.c() <= 0 || g.k() <= 0 || g.kh() <= 0 || g.kw() <= 0 || g.outH() <= 0
                || g.outW() <= 0) {
            throw new IllegalArgumentException("convolution " + g + " has an empty input, kernel or output");
        }
        elements(image, (long) g.n() * g.c() * g.h() * g.w(), "convolution input", g);
        elements(weights, (long) g.k() * g.colRows(), "convolution weights", g);
        elements(out, (long) g.n() * g.k() * g.colCols(), "convolution output", g);
        if (bias != null) {
            elements(bias, g.k(), "convolution bias", g);
        }
    }

    /** Checks a fully connected layer's tensors and returns its {n, in, out}. */
    public static int[] linear(Tensor x, Tensor w, Tensor bias, Tensor y) {
        int n = x.dims().n();
        int in = w.dims().perSample();
        int out = w.dims().n();
        if (n <= 0 || in <= 0 || out <= 0) {
            throw new IllegalArgumentException("linear layer with input " + x + " and weights " + w + " is empty");
        }
        if (x.dims().perSample() != in) {
            throw new IllegalArgumentException("linear input " + x + " has " + x.dims().perSample()
                    + " features per sample, weights " + w + " expect " + in);
        }
        if (y.dims().n() != n || y.dims().perSample() != out) {
            throw new IllegalArgumentException("linear output " + y + " should be " + n + "x" + out + "x1x1");
        }
        if (bias != null && bias.elements() != out) {
            throw new IllegalArgumentException("linear bias " + bias + " should hold " + out + " values");
        }
        return new int[] {n, in, out};
    }

    /** The backward's tensors besides those {@link #linear} checks. */
    public static void linearGradients(Tensor x, Tensor w, Tensor dx, Tensor dw) {
        if (dx != null) {
            sameSize(x, dx);
        }
        sameSize(w, dw);
    }

    public static void pool(PoolGeometry g, Tensor x, Tensor y) {
        if (g.outH() <= 0 || g.outW() <= 0 || g.kh() <= 0 || g.kw() <= 0) {
            throw new IllegalArgumentException("pooling " + g + " has an empty window or output");
        }
        if (g.padH() >= g.kh() || g.padW() >= g.kw()) {
            throw new IllegalArgumentException("pooling " + g + " pads by as much as its window: some windows "
                    + "would hold padding only; use a padding smaller than the window");
        }
        elements(x, (long) g.n() * g.c() * g.h() * g.w(), "pooling input", g);
        elements(y, (long) g.n() * g.c() * g.outH() * g.outW(), "pooling output", g);
    }

    /** Average pooling's gradient depends on shapes only, so callers need not keep x and y for it. */
    public static void poolBackward(PoolGeometry g, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        pool(g, g.max() ? x : dx, g.max() ? y : dy);
        if (g.max()) {
            sameSize(y, dy);
            sameSize(x, dx);
        }
    }

    public static void channels(Dims x, Tensor... perChannel) {
        for (Tensor t : perChannel) {
            if (t.elements() != x.c()) {
                throw new IllegalArgumentException("batch norm tensor " + t + " should hold one value per channel of "
                        + x + " (" + x.c() + ")");
            }
        }
    }

    public static void copyChannels(Tensor src, int srcChannel, Tensor dst, int dstChannel, int channels) {
        Dims s = src.dims();
        Dims d = dst.dims();
        if (s.n() != d.n() || s.h() != d.h() || s.w() != d.w()) {
            throw new IllegalArgumentException("cannot copy channels between " + src + " and " + dst
                    + ": n, h and w differ");
        }
        if (channels < 0 || srcChannel < 0 || dstChannel < 0 || srcChannel + channels > s.c()
                || dstChannel + channels > d.c()) {
            throw new IllegalArgumentException("channels [" + srcChannel + ", " + (srcChannel + channels) + ") of "
                    + src + " to [" + dstChannel + ", " + (dstChannel + channels) + ") of " + dst
                    + " are out of range");
        }
    }

    public static void copyRows(Tensor src, int srcRow, Tensor dst, int dstRow, int rows) {
        Dims s = src.dims();
        Dims d = dst.dims();
        if (s.n() != d.n() || s.c() != d.c() || s.w() != d.w()) {
            throw new IllegalArgumentException("cannot copy rows between " + src + " and " + dst
                    + ": n, c and w differ");
        }
        if (rows < 0 || srcRow < 0 || dstRow < 0 || srcRow + rows > s.h() || dstRow + rows > d.h()) {
            throw new IllegalArgumentException("rows [" + srcRow + ", " + (srcRow + rows) + ") of " + src + " to ["
                    + dstRow + ", " + (dstRow + rows) + ") of " + dst + " are out of range");
        }
    }

    public static void fillRows(Tensor dst, int row, int rows) {
        Dims d = dst.dims();
        if (rows < 0 || row < 0 || row + rows > d.h()) {
            throw new IllegalArgumentException("rows [" + row + ", " + (row + rows) + ") of " + dst
                    + " are out of range");
        }
    }

    public static void dropout(Tensor x, Tensor mask, Tensor y, float p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        }
        sameSize(x, mask);
        sameSize(x, y);
    }

    /** Checks a space-to-depth pair and returns x's dims. */
    public static Dims spaceToDepth(Tensor x, Tensor y, int block) {
        Dims d = x.dims();
        Dims o = y.dims();
        if (block < 1 || d.h() % block != 0 || d.w() % block != 0 || o.n() != d.n() || o.c() != d.c() * block * block
                || o.h() != d.h() / block || o.w() != d.w() / block) {
            throw new IllegalArgumentException("space-to-depth in blocks of " + block + " does not turn " + x
                    + " into " + y);
        }
        return d;
    }

    public static void activationInverse(Tensor y, Tensor x, float negativeSlope) {
        sameSize(x, y);
        if (!(negativeSlope > 0)) {
            throw new IllegalArgumentException("a leaky ReLU of slope " + negativeSlope + " has no inverse");
        }
    }

    public static void loss(Tensor scores, Tensor labels, Tensor other) {
        sameSize(scores, other);
        if (scores.dims().n() <= 0 || scores.dims().perSample() <= 0) {
            throw new IllegalArgumentException("softmax over " + scores + " has no samples or no classes");
        }
        if (labels.elements() != scores.dims().n()) {
            throw new IllegalArgumentException("labels " + labels + " should hold one class index per sample of "
                    + scores);
        }
    }

    public static void lossValue(Tensor loss) {
        if (loss.elements() != 1) {
            throw new IllegalArgumentException("loss tensor " + loss + " should hold one value");
        }
    }

    /** The message of a label that is not a class index, as every backend words it. */
    public static String badLabel(float value, int sample, int classes) {
        return "label " + value + " of sample " + sample + " is not a class index in [0, " + classes + ")";
    }

    public static void sgd(Tensor w, Tensor dw, Tensor velocity) {
        sameSize(w, dw);
        if (velocity != null) {
            sameSize(w, velocity);
        }
    }

    public static void adam(Tensor w, Tensor dw, Tensor m, Tensor v, int t) {
        if (t < 1) {
            throw new IllegalArgumentException("Adam counts steps from 1, got t = " + t);
        }
        sameSize(w, dw);
        sameSize(w, m);
        sameSize(w, v);
    }

    public static void sameSize(Tensor a, Tensor b) {
        if (a.elements() != b.elements()) {
            throw new IllegalArgumentException(a + " and " + b + " should have the same number of elements");
        }
    }

    public static void elements(Tensor t, long elements, String role, Record geometry) {
        if (t.elements() != elements) {
            throw new IllegalArgumentException(role + " " + t + " should hold " + elements + " values for "
                    + geometry);
        }
    }
}
