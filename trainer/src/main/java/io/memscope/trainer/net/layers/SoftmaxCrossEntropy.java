package io.memscope.trainer.net.layers;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.Shape;
import java.util.List;

/**
 * Softmax over a sample's values followed by the cross-entropy with its label, averaged over the batch. The
 * output is the scalar loss; the probabilities are kept for backward (and for accuracy).
 */
public final class SoftmaxCrossEntropy extends Layer {
    public SoftmaxCrossEntropy(LayerSpec spec) {
        super(spec);
    }

    @Override
    protected Shape infer(List<Shape> inputs) {
        if (inputs.get(0).elements() < 2) {
            throw error("needs at least 2 class scores, got " + inputs.get(0));
        }
        return new Shape(1, 1, 1);
    }

    public int classes() {
        return in(0).elements();
    }

    @Override
    public boolean isLoss() {
        return true;
    }

    @Override
    public List<SavedDef> saved(int n) {
        return List.of(new SavedDef("probs", in(0).batch(n)));
    }

    @Override
    public long flopsPerSample() {
        return 4L * in(0).elements();
    }

    @Override
    public void forward(Backend b, LayerCall c) {
        b.softmaxCrossEntropyForward(c.in(0), c.labels(), c.saved(0), c.output());
    }

    @Override
    public void backward(Backend b, LayerCall c) {
        b.softmaxCrossEntropyBackward(c.saved(0), c.labels(), c.gradIn(0));
    }
}
