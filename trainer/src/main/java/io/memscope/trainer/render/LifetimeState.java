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
    COMPRESSED,
    /**
     * Still in device memory at the segment's address, but its owner has let go of it (FREE_REQUESTED, PyTorch's
     * {@code free_requested}) and it waits for its FREE, when the streams that used it are done with it.
     */
    PENDING_FREE;

    /** Whether the tensor's bytes are in device memory during the segment: resident or pending free. */
    public boolean onDevice() {
        return this == RESIDENT || this == PENDING_FREE;
    }
}
