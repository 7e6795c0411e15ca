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
    SEGMENT
}
