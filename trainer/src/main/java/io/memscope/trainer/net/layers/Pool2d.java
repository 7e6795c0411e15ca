package io.memscope.trainer.net.layers;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.backend.PoolGeometry;
import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.Shape;
import java.util.List;

/**
 * Pooling: {@code maxpool2d} and {@code avgpool2d} ({@code kernel}, {@code stride} = kernel, {@code padding} 0),
 * and {@code global_avgpool} (the whole map to 1×1).
 */
public final class Pool2d extends Layer {
    private final boolean max;
    private final boolean global;
    private final int kernel;
    private final int stride;
    private final int padding;

    public Pool2d(LayerSpec spec) {
        super(spec);
        global = spec.type().equals("global_avgpool");
        max = spec.type().equals("maxpool2d");
        if (global) {
            kernel = 0;
            stride = 1;
            padding = 0;
        } else {
            kernel = spec.positiveInt("kernel", 0);
            stride = spec.positiveInt("stride", kernel);
            padding = spec.nonNegativeInt("padding", 0);
            if (2L * padding > kernel) {
                throw error("padding " + padding + " must be at most half the kernel " + kernel);
            }
        }
    }

    @Override
    protected Shape infer(List<Shape> inputs) {
        Shape x = inputs.get(0);
        if (global) {
            return new Shape(x.c(), 1, 1);
        }
        long ph = x.h() + 2L * padding;
        long pw = x.w() + 2L * padding;
        if (ph > Shape.MAX_ELEMENTS || pw > Shape.MAX_ELEMENTS) {
            throw error("padding " + padding + " makes the padded input " + ph + "x" + pw + ", more than "
                    + Shape.MAX_ELEMENTS + " rows or columns; lower padding");
        }
        if (kernel > ph || kernel > pw) {
            throw error("kernel " + kernel + " larger than padded input " + ph + "x" + pw);
        }
        return output(x.c(), (ph - kernel) / stride + 1, (pw - kernel) / stride + 1);
    }

    @Override
    protected String sizeHint() {
        return global ? super.sizeHint() : "lower padding (" + padding + ") or make its input smaller";
    }

    public PoolGeometry geometry(int n) {
        Shape x = in(0);
        if (global) {
            return new PoolGeometry(n, x.c(), x.h(), x.w(), x.h(), x.w(), 1, 1, 0, 0, false);
        }
        return new PoolGeometry(n, x.c(), x.h(), x.w(), kernel, kernel, stride, stride, padding, padding, max);
    }

    /** The geometry over a row band of {@code inRows} input rows whose vertical padding is already rows of it. */
    public PoolGeometry bandGeometry(int n, int inRows) {
        Shape x = in(0);
        return new PoolGeometry(n, x.c(), inRows, x.w(), kernel, kernel, stride, stride, 0, padding, max);
    }

    private PoolGeometry geometry(LayerCall c) {
        if (!c.rowBand()) {
            return geometry(c.batch());
        }
        // Average pooling's backward reads neither x nor y: the band's height comes from the gradient.
        return bandGeometry(c.batch(), (c.in(0) != null ? c.in(0) : c.gradIn(0)).dims().h());
    }

    @Override
    public RowWindow rowWindow() {
        return global ? null : new RowWindow(kernel, stride, padding);
    }

    @Override
    public float rowPaddingValue() {
        return max ? Float.NEGATIVE_INFINITY : 0f;
    }

    public boolean isMax() {
        return max;
    }

    @Override
    public long flopsPerSample() {
        PoolGeometry g = geometry(1);
        return (long) outShape.elements() * g.kh() * g.kw();
    }

    @Override
    public boolean backwardReadsInput(int i) {
        return max;
    }

    @Override
    public boolean backwardReadsOutput() {
        return max;
    }

    @Override
    public void forward(Backend b, LayerCall c) {
        b.poolForward(geometry(c), c.in(0), c.output());
    }

    @Override
    public void backward(Backend b, LayerCall c) {
        b.poolBackward(geometry(c), max ? c.in(0) : null, max ? c.output() : null, c.gradOut(), c.gradIn(0),
                c.accumulateIn(0));
    }
}
