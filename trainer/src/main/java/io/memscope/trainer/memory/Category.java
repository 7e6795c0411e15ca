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
    TEMPORARY,
    /**
     * A copy in host memory, the second tier (out-of-core mode): a block of the host's own address space, never
     * counted as device memory. A swapped-out tensor's host copy is a tensor of its own, named
     * {@code <tensor>@host}, allocated when its SWAP_OUT copy starts and freed when it is no longer needed.
     */
    HOST,
    /**
     * A block whose purpose the recording does not say: a PyTorch snapshot's allocation whose stack matches none
     * of the import's rules (docs/PYTORCH_IMPORT.md).
     */
    UNKNOWN
}
