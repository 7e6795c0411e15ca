package io.memscope.trainer.net.layers;

import io.memscope.trainer.memory.Dims;

/**
 * A persistent tensor a layer owns: a trainable parameter (weight, bias, gamma, beta), or a buffer that is
 * updated but not trained (batch norm's running statistics).
 *
 * @param suffix    name after the layer's, e.g. {@code weight} for {@code conv1.weight}
 * @param dims      its shape
 * @param init      how it starts
 * @param fanIn     inputs feeding one output (for He initialization); 0 when unused
 * @param trainable whether it gets a gradient and optimizer state
 */
public record ParamDef(String suffix, Dims dims, Init init, int fanIn, boolean trainable) {
    public enum Init {
        /** He (Kaiming) normal: N(0, 2/fanIn), suited to ReLU networks. */
        HE_NORMAL,
        ZEROS,
        ONES
    }
}
