package io.memscope.trainer.net.layers;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.Shape;
import java.util.List;

/** Element-wise sum of two inputs of the same shape (residual connections). Backward reads nothing. */
public final class Add extends Layer {
    public Add(LayerSpec spec) {
        super(spec);
    }

    @Override
    public int minInputs() {
        return 2;
    }

    @Override
    public int maxInputs() {
        return 2;
    }

    @Override
    protected Shape infer(List<Shape> inputs) {
        if (!inputs.get(0).equals(inputs.get(1))) {
            throw error("cannot add " + inputs.get(0) + " and " + inputs.get(1) + " (inputs "
                    + spec.inputs().get(0) + " and " + spec.inputs().get(1) + "): shapes must match");
        }
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
    public void forward(Backend b, LayerCall c) {
        b.add(c.in(0), c.in(1), c.output());
    }

    @Override
    public void backward(Backend b, LayerCall c) {
        for (int i = 0; i < 2; i++) {
            if (c.gradIn(i) == null) {
                continue;
            }
            if (c.accumulateIn(i)) {
                b.axpy(1f, c.gradOut(), c.gradIn(i));
            } else {
                b.copy(c.gradOut(), c.gradIn(i));
            }
        }
    }
}
