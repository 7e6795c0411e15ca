package io.memscope.trainer.program;

import io.memscope.trainer.memory.Dims;

/**
 * Turns a tensor's values into a byte stream that the program keeps in device memory, and back: the compressed
 * mode's lossy compressor, with the error bound it chooses per tensor. {@link ProgramRunner} calls it for the
 * COMPRESS and DECOMPRESS instructions; on a backend that computes nothing it asks only for the planned size.
 */
public interface ActivationCodec {
    /** A stream and the absolute error bound it keeps (0 when lossless). */
    record Encoded(byte[] stream, double errorBound) {}

    /** The stream for a tensor's values at a training step (trace numbering, from 0). */
    Encoded encode(String tensor, Dims dims, float[] values, int step);

    /** Decodes a stream {@link #encode} made back into {@code values}, the tensor's size. */
    void decode(String tensor, byte[] stream, float[] values);

    /** The bytes a tensor's stream is planned to take, where nothing is computed (the meta backend, the planner). */
    long plannedBytes(String tensor, Dims dims);

    /** Whether the backward passes of this step should report their gradients' norms ({@link #gradients}). */
    default boolean observesGradients(int step) {
        return false;
    }

    /**
     * A backward pass of a layer with weights that read {@code input}: the norms of its output's gradient and of
     * its first weight's gradient, and the gain g from an error in the input to that weight gradient, in the
     * sense E‖ΔdW‖² = σ²·g²·‖dY‖² for independent input errors of variance σ²: √fanIn for a convolution or a
     * linear layer, the batch's 1/std (root mean square over channels) for a batch norm.
     */
    default void gradients(String input, String layer, double outGradNorm, double weightGradNorm, double gain,
                           int step) {}
}
