package io.memscope.trainer.modes;

import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.Node;
import io.memscope.trainer.program.Instruction;
import io.memscope.trainer.program.StepProgram;

/**
 * Forward only, in inference mode (running batch-norm statistics, no dropout), freeing every activation at its
 * last use: the program that measures accuracy on held-out data. Its setup declares the same persistent tensors
 * as the training program, which must already be allocated.
 */
public final class InferenceProgram {
    public static final String MODE = StepProgram.INFERENCE_MODE;

    private InferenceProgram() {}

    public static StepProgram compile(Network net, CompileOptions options) {
        Lowering low = new Lowering(net, options);
        BaselineMode.Liveness live = new BaselineMode.Liveness(net, low, false);
        low.emit(new Instruction.Alloc(Lowering.INPUT)).emit(new Instruction.Alloc(Lowering.LABELS))
                .emit(new Instruction.Load(Lowering.INPUT, Lowering.LABELS));
        for (Node node : net.nodes()) {
            if (!node.layer().isView()) {
                BaselineMode.emitForward(low, live, node, false);
            }
        }
        return low.build(MODE);
    }
}
