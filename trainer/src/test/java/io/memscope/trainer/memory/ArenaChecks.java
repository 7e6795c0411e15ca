package io.memscope.trainer.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/** Checks an arena's state from its block lists alone, without trusting its own counters. */
final class ArenaChecks {
    static final long ALIGN = 256;

    private ArenaChecks() {}

    /** The block size an allocation of {@code bytes} must take: a multiple of 256, at least 256. */
    static long blockSize(long bytes) {
        return bytes <= ALIGN ? ALIGN : (bytes + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** The offset best fit must choose: the smallest free block that fits, the lowest address on ties; -1 if none. */
    static long bestFitOffset(NavigableMap<Long, Long> free, long size) {
        long bestOffset = -1;
        long bestSize = Long.MAX_VALUE;
        for (Map.Entry<Long, Long> b : free.entrySet()) {
            if (b.getValue() >= size && b.getValue() < bestSize) {
                bestOffset = b.getKey();
                bestSize = b.getValue();
            }
        }
        return bestOffset;
    }

    static void assertConsistent(Arena arena, String context) {
        NavigableMap<Long, Long> used = arena.usedBlocks();
        NavigableMap<Long, Long> free = arena.freeBlocks();
        long capacity = arena.capacity();
        assertEquals(0, capacity % ALIGN, context + ": capacity not aligned");

        long usedSum = 0;
        for (Map.Entry<Long, Long> b : used.entrySet()) {
            assertBlock(b, capacity, "used", context);
            usedSum += b.getValue();
        }
        long freeSum = 0;
        long largest = 0;
        for (Map.Entry<Long, Long> b : free.entrySet()) {
            assertBlock(b, capacity, "free", context);
            freeSum += b.getValue();
            largest = Math.max(largest, b.getValue());
        }

        // Used and free blocks together tile [0, capacity) exactly, and no two free blocks touch.
        List<long[]> all = new ArrayList<>();
        used.forEach((o, s) -> all.add(new long[] {o, s, 0}));
        free.forEach((o, s) -> all.add(new long[] {o, s, 1}));
        all.sort((a, b) -> Long.compare(a[0], b[0]));
        long cursor = 0;
        boolean previousFree = false;
        for (long[] b : all) {
            if (b[0] != cursor) {
                fail(context + ": " + (b[0] > cursor ? "gap" : "overlap") + " at " + cursor + ", next block at " + b[0]);
            }
            boolean isFree = b[2] == 1;
            if (isFree && previousFree) {
                fail(context + ": two adjacent free blocks meet at " + b[0] + " (not coalesced)");
            }
            previousFree = isFree;
            cursor += b[1];
        }
        assertEquals(capacity, cursor, context + ": blocks do not reach the capacity");

        assertEquals(usedSum, arena.usedBytes(), context + ": usedBytes");
        assertEquals(freeSum, arena.freeBytes(), context + ": freeBytes");
        assertEquals(capacity, arena.usedBytes() + arena.freeBytes(), context + ": used + free");
        assertEquals(largest, arena.largestFreeBlock(), context + ": largestFreeBlock");
        assertEquals(used.size(), arena.usedBlockCount(), context + ": usedBlockCount");
        assertEquals(free.size(), arena.freeBlockCount(), context + ": freeBlockCount");
        double fragmentation = freeSum == 0 ? 0.0 : 1.0 - (double) largest / freeSum;
        assertEquals(fragmentation, arena.fragmentation(), 1e-12, context + ": fragmentation");
        assertTrue(arena.peakBytes() >= arena.usedBytes(), context + ": peak below used");
    }

    private static void assertBlock(Map.Entry<Long, Long> b, long capacity, String kind, String context) {
        long offset = b.getKey();
        long size = b.getValue();
        assertEquals(0, offset % ALIGN, context + ": " + kind + " block at " + offset + " not aligned");
        assertEquals(0, size % ALIGN, context + ": " + kind + " block at " + offset + " has size " + size);
        assertTrue(size > 0, context + ": empty " + kind + " block at " + offset);
        assertTrue(offset >= 0 && offset + size <= capacity,
                context + ": " + kind + " block [" + offset + ", " + (offset + size) + ") outside capacity " + capacity);
    }
}
