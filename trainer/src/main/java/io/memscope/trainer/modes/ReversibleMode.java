package io.memscope.trainer.modes;

import io.memscope.trainer.net.Network;
import io.memscope.trainer.program.StepProgram;

/**
 * Reversible training (Hascoet et al., arXiv 1910.11127): invertible layers — coupling blocks, space-to-depth,
 * invertible batch norm, leaky ReLU — free their input as soon as their output exists, and backward rebuilds it
 * from the output, layer by layer from the top, just before that layer's gradient (a {@code recompute} phase),
 * freeing as it goes. Activation memory then stops growing with the depth of invertible chains. Every other
 * layer keeps what baseline keeps ({@link Reversibility} says which is which and why). The gradients equal
 * baseline's up to the reconstruction error, which the trainer can measure per rebuilt tensor.
 */
public final class ReversibleMode implements MemoryMode {
    public static final String ID = "reversible";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "invertible layers rebuild their input from their output in backward instead of storing it";
    }

    @Override
    public StepProgram compile(Network net, CompileOptions options) {
        return BaselineMode.compile(net, options, Reversibility.of(net).inverted(), id());
    }

    @Override
    public String layout(Network network) {
        return Reversibility.of(network).describe();
    }
}
