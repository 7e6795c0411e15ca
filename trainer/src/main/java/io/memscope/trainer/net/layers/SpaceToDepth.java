package io.memscope.trainer.net.layers;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.Shape;
import java.util.List;

/**
 * Invertible downsampling: each {@code block}×{@code block} (2) square of pixels becomes {@code block}² channels,
 * c×h×w → (c·block²)×(h/block)×(w/block), every value kept (PyTorch's {@code pixel_unshuffle} order). Nothing is
 * saved for backward, which rearranges the gradient back; the inverse rearranges the output back into the input.
 */
public final class SpaceToDepth extends Layer {
    private final int block;

    public SpaceToDepth(LayerSpec spec) {
        super(spec);
        block = spec.positiveInt("block", 2);
    }

    @Override
    protected Shape infer(List<Shape> inputs) {
        Shape x = inputs.get(0);
        if (x.h() % block != 0 || x.w() % block != 0) {
            throw error("input " + x + " does not split into " + block + "x" + block + " blocks: its height and width"
                    + " must be multiples of block (" + block + ")");
        }
        return output((long) x.c() * block * block, x.h() / block, x.w() / block);
    }

    @Override
    protected String sizeHint() {
        return "lower block (" + block + ")";
    }

    public int block() {
        return block;
    }

    @Override
    public boolean invertible() {
        return true;
    }

    @Override
    public void forward(Backend b, LayerCall c) {
        b.spaceToDepth(c.in(0), c.output(), block);
    }

    @Override
    public void backward(Backend b, LayerCall c) {
        if (c.gradIn(0) != null) {
            b.depthToSpace(c.gradOut(), c.gradIn(0), block, c.accumulateIn(0));
        }
    }

    @Override
    public void inverse(Backend b, LayerCall c) {
        b.depthToSpace(c.output(), c.in(0), block, false);
    }
}
