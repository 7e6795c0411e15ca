package io.memscope.trainer.render;

/** Where a tensor's data is during one part of its lifetime. */
public enum LifetimeState {
    /** In device memory at the segment's address. */
    RESIDENT,
    /** Copied to host memory by SWAP_OUT; the address shown is the one it left. */
    SWAPPED_OUT,
    /** Replaced by its compressed form by COMPRESS; the address shown is the one it left. */
    COMPRESSED
}
