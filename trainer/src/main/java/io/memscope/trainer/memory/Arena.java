package io.memscope.trainer.memory;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Device memory allocator: best-fit over a free list, coalescing free neighbours, 256-byte alignment, a hard
 * capacity. Offsets are the addresses. It knows nothing of tensors or events; {@link DeviceMemory} wraps it.
 * It is also the virtual address space of the {@link PagedArena}.
 *
 * <p>Free blocks are kept twice: by offset (to find neighbours when coalescing) and by (size, offset) (to find
 * the best fit in O(log n)). Among equally good fits the lowest address wins, so layouts are deterministic.
 */
public final class Arena implements DeviceAllocator {
    public static final long ALIGNMENT = 256;

    private final long capacity;
    private final NavigableMap<Long, Long> freeByOffset = new TreeMap<>();
    private final TreeSet<long[]> freeBySize = new TreeSet<>((a, b) ->
            a[1] != b[1] ? Long.compare(a[1], b[1]) : Long.compare(a[0], b[0]));
    private final Map<Long, Long> used = new TreeMap<>();
    private long usedBytes;
    private long peakBytes;
    private Occupancy atPeak;

    public Arena(long capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("arena capacity must be positive, got " + capacityBytes + " bytes");
        }
        this.capacity = capacityBytes - capacityBytes % ALIGNMENT;
        if (capacity > 0) {
            addFree(0, capacity);
        }
        atPeak = occupancy();
    }

    public static long align(long bytes) {
        return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** Allocates an aligned block, or returns -1 when no free block is large enough. Zero bytes take one unit. */
    @Override
    public long allocate(long bytes) {
        if (bytes < 0 || bytes > capacity) {
            if (bytes < 0) {
                throw new IllegalArgumentException("cannot allocate a negative size: " + bytes + " bytes");
            }
            return -1;
        }
        long size = Math.max(ALIGNMENT, align(bytes));
        long[] best = freeBySize.ceiling(new long[] {-1, size});
        if (best == null) {
            return -1;
        }
        long offset = best[0];
        long blockSize = best[1];
        removeFree(offset, blockSize);
        if (blockSize > size) {
            addFree(offset + size, blockSize - size);
        }
        used.put(offset, size);
        usedBytes += size;
        if (usedBytes > peakBytes) {
            peakBytes = usedBytes;
            atPeak = occupancy();
        }
        return offset;
    }

    /** Frees the block at {@code offset}, merging it with free neighbours. Returns the block's size. */
    @Override
    public long free(long offset) {
        Long size = used.remove(offset);
        if (size == null) {
            throw new IllegalStateException("no allocated block at offset " + offset);
        }
        usedBytes -= size;
        long start = offset;
        long end = offset + size;
        Map.Entry<Long, Long> before = freeByOffset.floorEntry(offset);
        if (before != null && before.getKey() + before.getValue() == start) {
            removeFree(before.getKey(), before.getValue());
            start = before.getKey();
        }
        Long afterSize = freeByOffset.get(end);
        if (afterSize != null) {
            removeFree(end, afterSize);
            end += afterSize;
        }
        addFree(start, end - start);
        return size;
    }

    /** Size of the allocated block at {@code offset}, or -1. */
    @Override
    public long sizeOf(long offset) {
        Long size = used.get(offset);
        return size == null ? -1 : size;
    }

    @Override
    public long capacity() {
        return capacity;
    }

    /** The addresses are the device memory: as large as the capacity. */
    @Override
    public long addressSpace() {
        return capacity;
    }

    @Override
    public long usedBytes() {
        return usedBytes;
    }

    @Override
    public long blockBytes() {
        return usedBytes;
    }

    @Override
    public long freeBytes() {
        return capacity - usedBytes;
    }

    @Override
    public long peakBytes() {
        return peakBytes;
    }

    @Override
    public void resetPeak() {
        peakBytes = usedBytes;
        atPeak = occupancy();
    }

    @Override
    public long largestFreeBlock() {
        return freeBySize.isEmpty() ? 0 : freeBySize.last()[1];
    }

    public int freeBlockCount() {
        return freeByOffset.size();
    }

    public int usedBlockCount() {
        return used.size();
    }

    /** External fragmentation: 1 − largest free block / free bytes; 0 when everything free is one block. */
    @Override
    public double fragmentation() {
        long free = freeBytes();
        return free == 0 ? 0.0 : 1.0 - (double) largestFreeBlock() / free;
    }

    @Override
    public Occupancy occupancy() {
        return new Occupancy(usedBytes, usedBytes, freeBytes(), largestFreeBlock(), fragmentation());
    }

    @Override
    public Occupancy occupancyAtPeak() {
        return atPeak;
    }

    /** A copy of the free list, offset → size, in address order (for tests and the lifetime view). */
    public NavigableMap<Long, Long> freeBlocks() {
        return new TreeMap<>(freeByOffset);
    }

    /** A copy of the allocated blocks, offset → size, in address order. */
    public NavigableMap<Long, Long> usedBlocks() {
        return new TreeMap<>(used);
    }

    private void addFree(long offset, long size) {
        freeByOffset.put(offset, size);
        freeBySize.add(new long[] {offset, size});
    }

    private void removeFree(long offset, long size) {
        freeByOffset.remove(offset);
        freeBySize.remove(new long[] {offset, size});
    }
}
