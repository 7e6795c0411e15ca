package io.memscope.trainer.net.layers;

/** The passes of a layer. */
public enum Pass {
    FORWARD,
    BACKWARD;

    public String label() {
        return name().toLowerCase();
    }
}
