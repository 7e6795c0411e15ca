package io.memscope.trainer.memory;

/** What happened to device memory. The meaning of each action never changes; new ones are only appended. */
public enum Action {
    ALLOC,
    FREE,
    SWAP_OUT,
    SWAP_IN,
    COMPRESS,
    DECOMPRESS,
    RECOMPUTE,
    /** An allocation that did not fit; see {@link MemoryEvent#requestedBytes()} and friends. */
    OOM,
    /** Start of a phase (forward / backward / update of a layer); the name is in {@link MemoryEvent#phase()}. */
    PHASE,
    /** The start of one training step; {@link MemoryEvent#step()} is the new step. */
    SEGMENT,
    /**
     * The tensor's owner let go of it but its memory is not free yet (PyTorch's {@code free_requested}: a stream
     * that used the block may still be running). The block stays resident until its FREE.
     */
    FREE_REQUESTED,
    /**
     * The allocator reserved {@code bytes} of device memory at {@code offset} from the device (PyTorch's
     * {@code segment_alloc} and {@code segment_map}); blocks are carved out of reserved memory. No tensor.
     */
    RESERVE,
    /** Reserved memory given back to the device (PyTorch's {@code segment_free} and {@code segment_unmap}). */
    UNRESERVE
}
