package io.memscope.trainer.net.layers;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.Shape;
import java.util.List;

/**
 * Spatial batch normalization per channel: {@code eps} (1e-5), {@code momentum} (0.1). Owns gamma and beta
 * (trained) and the running mean and variance (buffers). Backward reads the input and the saved batch
 * statistics.
 */
public final class BatchNorm2d extends Layer {
    private final double eps;
    private final double momentum;

    public BatchNorm2d(LayerSpec spec) {
        super(spec);
        eps = spec.doubleAttr("eps", 1e-5);
        momentum = spec.doubleAttr("momentum", 0.1);
        if (eps <= 0) {
            throw error("eps must be positive, got " + LayerSpec.shown(eps));
        }
        if (momentum < 0 || momentum > 1) {
            throw error("momentum must be in [0, 1], got " + LayerSpec.shown(momentum));
        }
    }

    @Override
    protected Shape infer(List<Shape> inputs) {
        return inputs.get(0);
    }

    private int channels() {
        return in(0).c();
    }

    @Override
    public List<ParamDef> params() {
        Dims v = Dims.vector(channels());
        return List.of(
                new ParamDef("gamma", v, ParamDef.Init.ONES, 0, true),
                new ParamDef("beta", v, ParamDef.Init.ZEROS, 0, true),
                new ParamDef("running_mean", v, ParamDef.Init.ZEROS, 0, false),
                new ParamDef("running_var", v, ParamDef.Init.ONES, 0, false));
    }

    @Override
    public long flopsPerSample() {
        return 4L * outShape.elements();
    }

    @Override
    public boolean backwardReadsInput(int i) {
        return true;
    }

    @Override
    public List<SavedDef> saved(int n) {
        Dims v = Dims.vector(channels());
        return List.of(new SavedDef("save_mean", v), new SavedDef("save_inv_std", v));
    }

    /**
     * Whole maps, except for one band call: a forward {@link LayerCall#rowBand()} call normalizes a band of the
     * input with the statistics a whole-map training forward already saved (the row-centric mode recomputes
     * the normalized rows that way instead of keeping them). Its backward always spans whole maps.
     */
    @Override
    public void forward(Backend b, LayerCall c) {
        if (c.rowBand()) {
            b.batchNormApply(c.in(0), c.param(0), c.param(1), c.saved(0), c.saved(1), c.output());
            return;
        }
        if (c.training()) {
            b.batchNormForwardTraining(c.in(0), c.param(0), c.param(1), c.output(), c.param(2), c.param(3),
                    c.saved(0), c.saved(1), momentum, eps);
        } else {
            b.batchNormForwardInference(c.in(0), c.param(0), c.param(1), c.output(), c.param(2), c.param(3), eps);
        }
    }

    @Override
    public void backward(Backend b, LayerCall c) {
        if (c.rowBand()) {
            throw new IllegalStateException(name() + ": batch norm's backward needs whole maps, not a row band");
        }
        b.batchNormBackward(c.in(0), c.gradOut(), c.param(0), c.saved(0), c.saved(1), c.gradIn(0), c.paramGrad(0),
                c.paramGrad(1), c.gradIn(0) != null && c.accumulateIn(0), c.accumulateParams());
    }
}
