package io.memscope.trainer.memory;

/** Phase names of the trace (as {@link DeviceMemory#phase} records them) in the words a person reads. */
public final class Phases {
    private Phases() {}

    /**
     * {@code forward} → {@code training forward}, {@code recompute band 2/4} → {@code training backward (recompute
     * band 2/4)}, {@code eval} → {@code evaluation}, {@code setup} → {@code setup (parameters, gradients,
     * optimizer state)}.
     */
    public static String describe(String phase) {
        if (phase == null || phase.isEmpty() || phase.equals("step")) {
            return "training step";
        }
        if (phase.equals("setup")) {
            return "setup (parameters, gradients, optimizer state)";
        }
        if (phase.startsWith("eval")) {
            return "evaluation" + phase.substring(4);
        }
        if (phase.startsWith("recompute")) {
            return "training backward (" + phase + ")";
        }
        return "training " + phase;
    }
}
