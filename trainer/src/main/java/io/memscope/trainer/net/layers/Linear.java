package io.memscope.trainer.net.layers;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.Shape;
import java.util.ArrayList;
import java.util.List;

/** Fully connected layer over all of a sample's values: {@code out_features}, {@code bias} (true). */
public final class Linear extends Layer {
    private final int outFeatures;
    private final boolean bias;

    public Linear(LayerSpec spec) {
        super(spec);
        outFeatures = spec.positiveInt("out_features", 0);
        bias = spec.boolAttr("bias", true);
    }

    @Override
    protected Shape infer(List<Shape> inputs) {
        return new Shape(outFeatures, 1, 1);
    }

    @Override
    protected String sizeHint() {
        return "lower out_features (" + outFeatures + ") or make its input smaller";
    }

    @Override
    public List<ParamDef> params() {
        int inFeatures = in(0).elements();
        List<ParamDef> defs = new ArrayList<>();
        defs.add(new ParamDef("weight", Dims.of(outFeatures, inFeatures, 1, 1), ParamDef.Init.UNIFORM_FAN_IN, inFeatures,
                true));
        if (bias) {
            defs.add(new ParamDef("bias", Dims.vector(outFeatures), ParamDef.Init.UNIFORM_FAN_IN, inFeatures, true));
        }
        return defs;
    }

    @Override
    public long flopsPerSample() {
        return 2L * in(0).elements() * outFeatures + (bias ? outFeatures : 0);
    }

    @Override
    public boolean backwardReadsInput(int i) {
        return true;
    }

    @Override
    public void forward(Backend b, LayerCall c) {
        b.linearForward(c.in(0), c.param(0), bias ? c.param(1) : null, c.output());
    }

    @Override
    public void backward(Backend b, LayerCall c) {
        b.linearBackward(c.in(0), c.param(0), c.gradOut(), c.gradIn(0), c.paramGrad(0), bias ? c.paramGrad(1) : null,
                c.gradIn(0) != null && c.accumulateIn(0), c.accumulateParams());
    }
}
