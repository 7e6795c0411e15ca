package io.memscope.trainer.backend;

/** The three convolution kernels, each of which may need its own workspace. */
public enum ConvPass {
    FORWARD,
    BACKWARD_DATA,
    BACKWARD_FILTER
}
