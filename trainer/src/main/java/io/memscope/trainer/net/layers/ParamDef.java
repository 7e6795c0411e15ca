package io.memscope.trainer.net.layers;

import io.memscope.trainer.memory.Dims;

/**
 * A persistent tensor a layer owns: a trainable parameter (weight, bias, gamma, beta), or a buffer that is
 * updated but not trained (batch norm's running statistics).
 *
 * @param suffix    name after the layer's, e.g. {@code weight} for {@code conv1.weight}
 * @param dims      its shape
 * @param init      how it starts
 * @param fanIn     inputs feeding one output (the bound of {@link Init#UNIFORM_FAN_IN}); 0 when unused
 * @param trainable whether it gets a gradient and optimizer state
 */
public record ParamDef(String suffix, Dims dims, Init init, int fanIn, boolean trainable) {
    /** How a parameter starts; the defaults of PyTorch's layers, so that first losses and runs compare. */
    public enum Init {
        /**
         * Uniform on [−b, b] with b = 1/√fanIn. PyTorch's default for the weights of {@code Conv2d} and
         * {@code Linear} ({@code kaiming_uniform_} with a = √5: b = gain·√(3/fanIn), gain = √(2/(1 + a²)) = √(1/3))
         * and for their biases (b = 1/√fanIn). For a convolution fanIn is in_channels · kernel²; for a linear
         * layer, in_features.
         */
        UNIFORM_FAN_IN,
        ZEROS,
        ONES;

        /** The bound b of {@link #UNIFORM_FAN_IN} for a fan-in: 1/√fanIn (a fan-in below 1 counts as 1). */
        public static double uniformBound(int fanIn) {
            return 1.0 / Math.sqrt(Math.max(1, fanIn));
        }
    }
}
