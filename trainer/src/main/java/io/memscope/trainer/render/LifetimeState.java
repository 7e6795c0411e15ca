package io.memscope.trainer.render;

/** Where a tensor's data is during one part of its lifetime. */
public enum LifetimeState {
    /** In device memory at the segment's address. */
    RESIDENT,
    /**
     * Copied to host memory by SWAP_OUT; the address shown is the one it left. The host copy is a block of its
     * own ({@code io.memscope.trainer.memory.Category#HOST}), among the timeline's host lifetimes.
     */
    SWAPPED_OUT,
    /** Replaced by its compressed form by COMPRESS; the address shown is the one it left. */
    COMPRESSED
}
