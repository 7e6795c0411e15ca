package io.memscope.trainer.net.layers;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.backend.WorkspaceModel;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.Tensor;
import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.Shape;
import java.util.List;

/**
 * Spatial batch normalization per channel: {@code eps} (1e-5), {@code momentum} (0.1). Owns gamma and beta
 * (trained) and the running mean and variance (buffers). Backward reads the input and the saved batch
 * statistics.
 *
 * <p>{@code inv_batchnorm2d} is its invertible form (reversible mode): the scale is |gamma| + {@code scale_eps}
 * (0.01), never zero, so the input is rebuilt from the output and the saved batch statistics,
 * x = (y − beta) / (scale · invStd) + mean. The scale lives only in the pass's workspace.
 */
public final class BatchNorm2d extends Layer {
    private final double eps;
    private final double momentum;
    private final boolean invertible;
    private final float scaleEps;

    public BatchNorm2d(LayerSpec spec) {
        super(spec);
        eps = spec.doubleAttr("eps", 1e-5);
        momentum = spec.doubleAttr("momentum", 0.1);
        invertible = spec.type().equals("inv_batchnorm2d");
        double se = invertible ? spec.doubleAttr("scale_eps", 0.01) : 0;
        if (invertible && !(se > 0 && se <= 1)) {
            throw error("scale_eps must be in (0, 1], got " + LayerSpec.shown(se));
        }
        scaleEps = (float) se;
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

    @Override
    public boolean invertible() {
        return invertible;
    }

    @Override
    public String whyNotInvertible() {
        return "batchnorm2d is not invertible as it is (gamma may reach 0); inv_batchnorm2d is";
    }

    /** The invertible form computes its scale |gamma| + scale_eps (and, in backward, its gradient) in workspace. */
    @Override
    public long workspaceBytes(WorkspaceModel model, int n, Pass pass, boolean needsDataGrad) {
        return invertible ? (pass == Pass.BACKWARD ? 2L : 1L) * channels() * Float.BYTES : 0;
    }

    @Override
    public long bandWorkspaceBytes(WorkspaceModel model, int n, int inRows, Pass pass, boolean needsDataGrad) {
        return workspaceBytes(model, n, pass, needsDataGrad);
    }

    private Tensor scale(Backend b, LayerCall c) {
        if (!invertible) {
            return c.param(0);
        }
        Tensor s = c.workspace().part(0, Dims.vector(channels()));
        b.magnitude(c.param(0), scaleEps, s);
        return s;
    }

    @Override
    public void inverse(Backend b, LayerCall c) {
        if (!invertible) {
            super.inverse(b, c);
        }
        b.batchNormInverse(c.output(), scale(b, c), c.param(1), c.saved(0), c.saved(1), c.in(0));
    }

    /**
     * Whole maps, except for one band call: a forward {@link LayerCall#rowBand()} call normalizes a band of the
     * input with the statistics a whole-map training forward already saved (the row-centric mode recomputes
     * the normalized rows that way instead of keeping them; gradient checkpointing recomputes whole maps as the
     * band of all rows, {@code Lowering.recompute}), leaving the running statistics alone. Its backward always
     * spans whole maps.
     */
    @Override
    public void forward(Backend b, LayerCall c) {
        Tensor gamma = scale(b, c);
        if (c.rowBand()) {
            b.batchNormApply(c.in(0), gamma, c.param(1), c.saved(0), c.saved(1), c.output());
            return;
        }
        if (c.training()) {
            b.batchNormForwardTraining(c.in(0), gamma, c.param(1), c.output(), c.param(2), c.param(3),
                    c.saved(0), c.saved(1), momentum, eps);
        } else {
            b.batchNormForwardInference(c.in(0), gamma, c.param(1), c.output(), c.param(2), c.param(3), eps);
        }
    }

    @Override
    public void backward(Backend b, LayerCall c) {
        if (c.rowBand()) {
            throw new IllegalStateException(name() + ": batch norm's backward needs whole maps, not a row band");
        }
        boolean accumulateDx = c.gradIn(0) != null && c.accumulateIn(0);
        if (!invertible) {
            b.batchNormBackward(c.in(0), c.gradOut(), c.param(0), c.saved(0), c.saved(1), c.gradIn(0),
                    c.paramGrad(0), c.paramGrad(1), accumulateDx, c.accumulateParams());
            return;
        }
        // the kernel's gamma gradient is that of the scale: it lands in workspace, then goes through |gamma|
        Tensor scale = scale(b, c);
        Tensor dScale = c.workspace().part(channels(), Dims.vector(channels()));
        b.fill(dScale, 0f);
        if (!c.accumulateParams()) {
            b.fill(c.paramGrad(1), 0f);
        }
        b.batchNormBackward(c.in(0), c.gradOut(), scale, c.saved(0), c.saved(1), c.gradIn(0), dScale,
                c.paramGrad(1), accumulateDx, true);
        b.magnitudeBackward(c.param(0), dScale, c.paramGrad(0), c.accumulateParams());
    }
}
