package io.memscope.trainer.net.layers;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.Shape;
import java.util.List;

/** C×H×W → (C·H·W)×1×1. A view of its input's memory: no copy, no kernel, no allocation. */
public final class Flatten extends Layer {
    public Flatten(LayerSpec spec) {
        super(spec);
    }

    @Override
    protected Shape infer(List<Shape> inputs) {
        return new Shape(inputs.get(0).elements(), 1, 1);
    }

    @Override
    public boolean isView() {
        return true;
    }

    @Override
    public void forward(Backend b, LayerCall c) {
        // A view: the output tensor is the input tensor.
    }

    @Override
    public void backward(Backend b, LayerCall c) {
        // A view: the input's gradient is the output's gradient.
    }
}
