package io.memscope.trainer.net.layers;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.Shape;
import io.memscope.trainer.net.SpecException;
import java.util.List;

/**
 * ReLU ({@code relu}) and leaky ReLU ({@code leaky_relu}, {@code negative_slope} 0.01). Backward reads the output
 * only. A leaky ReLU with a positive slope is invertible (x = y, or y / slope below zero); ReLU is not.
 */
public final class Activation extends Layer {
    private final float slope;

    public Activation(LayerSpec spec) {
        super(spec);
        boolean leaky = spec.type().equals("leaky_relu");
        double s = leaky ? spec.doubleAttr("negative_slope", 0.01) : 0.0;
        if (s < 0 || s >= 1) {
            throw new SpecException(spec.name(), "negative_slope must be in [0, 1), got " + LayerSpec.shown(s));
        }
        slope = (float) s;
    }

    @Override
    protected Shape infer(List<Shape> inputs) {
        return inputs.get(0);
    }

    @Override
    public RowWindow rowWindow() {
        return RowWindow.IDENTITY;
    }

    @Override
    public long flopsPerSample() {
        return outShape.elements();
    }

    @Override
    public boolean backwardReadsOutput() {
        return true;
    }

    @Override
    public boolean invertible() {
        return slope > 0;
    }

    @Override
    public String whyNotInvertible() {
        return type().equals("relu") ? "relu is not invertible (every negative input becomes 0); leaky_relu is"
                : "leaky_relu with negative_slope 0 is not invertible; give it a positive slope";
    }

    @Override
    public void inverse(Backend b, LayerCall c) {
        b.activationInverse(c.output(), c.in(0), slope);
    }

    @Override
    public void forward(Backend b, LayerCall c) {
        b.activationForward(c.in(0), c.output(), slope);
    }

    @Override
    public void backward(Backend b, LayerCall c) {
        b.activationBackward(c.output(), c.gradOut(), c.gradIn(0), slope, c.accumulateIn(0));
    }
}
