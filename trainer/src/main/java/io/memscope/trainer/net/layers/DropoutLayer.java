package io.memscope.trainer.net.layers;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.Shape;
import java.util.List;

/** Inverted dropout with probability {@code p} (0.5). Keeps its mask for backward; in inference it copies. */
public final class DropoutLayer extends Layer {
    private final float p;

    public DropoutLayer(LayerSpec spec) {
        super(spec);
        double v = spec.doubleAttr("p", 0.5);
        if (v < 0 || v >= 1) {
            throw error("p must be in [0, 1), got " + LayerSpec.shown(v));
        }
        p = (float) v;
    }

    @Override
    protected Shape infer(List<Shape> inputs) {
        return inputs.get(0);
    }

    @Override
    public List<SavedDef> saved(int n) {
        return List.of(new SavedDef("mask", outShape.batch(n)));
    }

    @Override
    public long flopsPerSample() {
        return outShape.elements();
    }

    @Override
    public void forward(Backend b, LayerCall c) {
        if (c.training()) {
            b.dropoutForward(c.in(0), c.saved(0), c.output(), p, c.seed());
        } else {
            b.copy(c.in(0), c.output());
        }
    }

    @Override
    public void backward(Backend b, LayerCall c) {
        b.dropoutBackward(c.gradOut(), c.saved(0), c.gradIn(0), c.accumulateIn(0));
    }
}
