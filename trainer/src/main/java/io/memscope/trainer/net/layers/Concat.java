package io.memscope.trainer.net.layers;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.Shape;
import java.util.List;

/** Concatenation of two or more inputs along channels; heights and widths must match. */
public final class Concat extends Layer {
    public Concat(LayerSpec spec) {
        super(spec);
    }

    @Override
    public int minInputs() {
        return 2;
    }

    @Override
    public int maxInputs() {
        return Integer.MAX_VALUE;
    }

    @Override
    protected Shape infer(List<Shape> inputs) {
        Shape first = inputs.get(0);
        long channels = 0;
        for (int i = 0; i < inputs.size(); i++) {
            Shape s = inputs.get(i);
            if (s.h() != first.h() || s.w() != first.w()) {
                throw error("cannot concatenate " + first + " (" + spec.inputs().get(0) + ") with " + s + " ("
                        + spec.inputs().get(i) + "): heights and widths must match");
            }
            channels += s.c();
        }
        return output(channels, first.h(), first.w());
    }

    @Override
    protected String sizeHint() {
        return "concatenate fewer or smaller inputs";
    }

    @Override
    public RowWindow rowWindow() {
        return RowWindow.IDENTITY;
    }

    @Override
    public void forward(Backend b, LayerCall c) {
        int at = 0;
        for (int i = 0; i < c.inputs().size(); i++) {
            int ch = in(i).c();
            b.copyChannels(c.in(i), 0, c.output(), at, ch, false);
            at += ch;
        }
    }

    @Override
    public void backward(Backend b, LayerCall c) {
        int at = 0;
        for (int i = 0; i < c.inputs().size(); i++) {
            int ch = in(i).c();
            if (c.gradIn(i) != null) {
                b.copyChannels(c.gradOut(), at, c.gradIn(i), 0, ch, c.accumulateIn(i));
            }
            at += ch;
        }
    }
}
