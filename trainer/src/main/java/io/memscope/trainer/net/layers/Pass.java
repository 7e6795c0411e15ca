package io.memscope.trainer.net.layers;

/** The passes of a layer. */
public enum Pass {
    FORWARD,
    BACKWARD,
    /** The input rebuilt from the output, for an invertible layer in reversible mode ({@link Layer#inverse}). */
    INVERSE;

    public String label() {
        return name().toLowerCase();
    }
}
