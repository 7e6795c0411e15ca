package io.memscope.trainer.net.layers;

import io.memscope.trainer.memory.Dims;

/**
 * A tensor a layer's forward pass creates besides its output and keeps for its backward pass (batch-norm
 * statistics, a dropout mask, the loss's probabilities).
 */
public record SavedDef(String suffix, Dims dims) {
    public long bytes() {
        return dims.bytes();
    }
}
