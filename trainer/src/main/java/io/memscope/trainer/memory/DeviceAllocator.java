package io.memscope.trainer.memory;

/**
 * What {@link DeviceMemory} allocates from: the classic {@link Arena} (offsets are physical addresses, the
 * budget is its size) or the {@link PagedArena} (offsets are virtual addresses, the budget counts the fixed-size
 * pages that live blocks touch). Which one a run uses is its {@link Paging}, a choice independent of the memory
 * mode. Offsets are 256-byte aligned in both and lie in {@code [0, addressSpace())}.
 */
public interface DeviceAllocator {
    /** Allocates an aligned block, or returns -1 when it does not fit. Zero bytes take one alignment unit. */
    long allocate(long bytes);

    /** Frees the block at {@code offset}; returns the block's size. */
    long free(long offset);

    /** Size of the allocated block at {@code offset}, or -1. */
    long sizeOf(long offset);

    /** The bytes the budget allows: the arena's size, or the paged arena's whole pages. */
    long capacity();

    /** One past the highest address a block may end at: the capacity, or the paged arena's virtual space. */
    long addressSpace();

    /** Bytes counted against the capacity: the blocks' bytes, or the bytes of the resident pages. */
    long usedBytes();

    /** Bytes in allocated blocks (aligned sizes); what the trace's events add up to. */
    long blockBytes();

    default long freeBytes() {
        return capacity() - usedBytes();
    }

    /** The most {@link #usedBytes()} held since the start or the last {@link #resetPeak()}. */
    long peakBytes();

    void resetPeak();

    /** The largest block one allocation can get now (about, for the paged arena: see there). */
    long largestFreeBlock();

    /**
     * External fragmentation of the address space blocks are placed in, 1 − largest free block / free bytes:
     * the device memory itself for the arena, the virtual space for the paged arena (whose pages have none).
     */
    double fragmentation();

    /** The allocator's state now. */
    Occupancy occupancy();

    /**
     * The state when {@link #peakBytes()} was reached (at the reset, when nothing rose since); for the paged
     * arena, whose pages can stay at their peak while blocks come and go, the moment of it with the most in blocks.
     */
    Occupancy occupancyAtPeak();

    /**
     * A snapshot of the allocator.
     *
     * @param usedBytes     counted against the capacity (resident pages when paged)
     * @param blockBytes    in allocated blocks
     * @param freeBytes     capacity − used
     * @param largestFree   {@link #largestFreeBlock()}
     * @param fragmentation {@link #fragmentation()}
     */
    record Occupancy(long usedBytes, long blockBytes, long freeBytes, long largestFree, double fragmentation) {
        /** Bytes counted but held by no block: page rounding; 0 for the arena. */
        public long wasteBytes() {
            return usedBytes - blockBytes;
        }
    }
}
