package io.memscope.trainer.net.layers;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.backend.ConvGeometry;
import io.memscope.trainer.backend.ConvPass;
import io.memscope.trainer.backend.WorkspaceModel;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.Shape;
import java.util.ArrayList;
import java.util.List;

/** 2-D convolution: {@code out_channels}, square {@code kernel}, {@code stride} (1), {@code padding} (0), {@code bias} (true). */
public final class Conv2d extends Layer {
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final boolean bias;

    public Conv2d(LayerSpec spec) {
        super(spec);
        outChannels = spec.positiveInt("out_channels", 0);
        kernel = spec.positiveInt("kernel", 0);
        stride = spec.positiveInt("stride", 1);
        padding = spec.nonNegativeInt("padding", 0);
        bias = spec.boolAttr("bias", true);
    }

    @Override
    protected Shape infer(List<Shape> inputs) {
        Shape x = inputs.get(0);
        long ph = x.h() + 2L * padding;
        long pw = x.w() + 2L * padding;
        if (ph > Shape.MAX_ELEMENTS || pw > Shape.MAX_ELEMENTS) {
            throw error("padding " + padding + " makes the padded input " + ph + "x" + pw + ", more than "
                    + Shape.MAX_ELEMENTS + " rows or columns; lower padding");
        }
        if (kernel > ph || kernel > pw) {
            throw error("kernel " + kernel + " larger than padded input " + ph + "x" + pw
                    + " (input " + x.h() + "x" + x.w() + ", padding " + padding + ")");
        }
        return output(outChannels, (ph - kernel) / stride + 1, (pw - kernel) / stride + 1);
    }

    @Override
    protected String sizeHint() {
        return "lower out_channels (" + outChannels + "), kernel (" + kernel + ") or padding (" + padding
                + "), or make its input smaller";
    }

    public ConvGeometry geometry(int n) {
        Shape x = in(0);
        return new ConvGeometry(n, x.c(), x.h(), x.w(), outChannels, kernel, kernel, stride, stride, padding, padding);
    }

    /** The geometry over a row band of {@code inRows} input rows whose vertical padding is already rows of it. */
    public ConvGeometry bandGeometry(int n, int inRows) {
        Shape x = in(0);
        return new ConvGeometry(n, x.c(), inRows, x.w(), outChannels, kernel, kernel, stride, stride, 0, padding);
    }

    private ConvGeometry geometry(LayerCall c) {
        return c.rowBand() ? bandGeometry(c.batch(), c.in(0).dims().h()) : geometry(c.batch());
    }

    @Override
    public RowWindow rowWindow() {
        return new RowWindow(kernel, stride, padding);
    }

    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    public boolean hasBias() {
        return bias;
    }

    @Override
    public List<ParamDef> params() {
        int fanIn = in(0).c() * kernel * kernel;
        List<ParamDef> defs = new ArrayList<>();
        defs.add(new ParamDef("weight", Dims.of(outChannels, in(0).c(), kernel, kernel), ParamDef.Init.UNIFORM_FAN_IN, fanIn,
                true));
        if (bias) {
            defs.add(new ParamDef("bias", Dims.vector(outChannels), ParamDef.Init.UNIFORM_FAN_IN, fanIn, true));
        }
        return defs;
    }

    @Override
    public long flopsPerSample() {
        return geometry(1).forwardFlops() + (bias ? outShape.elements() : 0);
    }

    @Override
    public boolean backwardReadsInput(int i) {
        return true;
    }

    @Override
    public long workspaceBytes(WorkspaceModel model, int n, Pass pass, boolean needsDataGrad) {
        return workspaceBytes(model, geometry(n), pass, needsDataGrad);
    }

    @Override
    public long bandWorkspaceBytes(WorkspaceModel model, int n, int inRows, Pass pass, boolean needsDataGrad) {
        return workspaceBytes(model, bandGeometry(n, inRows), pass, needsDataGrad);
    }

    private static long workspaceBytes(WorkspaceModel model, ConvGeometry g, Pass pass, boolean needsDataGrad) {
        if (pass == Pass.FORWARD) {
            return model.convWorkspaceBytes(g, ConvPass.FORWARD);
        }
        long filter = model.convWorkspaceBytes(g, ConvPass.BACKWARD_FILTER);
        return needsDataGrad ? Math.max(filter, model.convWorkspaceBytes(g, ConvPass.BACKWARD_DATA)) : filter;
    }

    @Override
    public void forward(Backend b, LayerCall c) {
        b.convForward(geometry(c), c.in(0), c.param(0), bias ? c.param(1) : null, c.output(), c.workspace());
    }

    @Override
    public void backward(Backend b, LayerCall c) {
        ConvGeometry g = geometry(c);
        b.convBackwardFilter(g, c.in(0), c.gradOut(), c.paramGrad(0), bias ? c.paramGrad(1) : null, c.workspace(),
                c.accumulateParams());
        if (c.gradIn(0) != null) {
            b.convBackwardData(g, c.gradOut(), c.param(0), c.gradIn(0), c.workspace(), c.accumulateIn(0));
        }
    }
}
