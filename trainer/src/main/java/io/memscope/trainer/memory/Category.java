package io.memscope.trainer.memory;

/** What a block of device memory holds. The names match PyTorch's memory profiler categories where they overlap. */
public enum Category {
    INPUT,
    PARAMETER,
    GRADIENT,
    OPTIMIZER_STATE,
    ACTIVATION,
    ACTIVATION_GRAD,
    WORKSPACE,
    COMPRESSED,
    TEMPORARY
}
