package io.memscope.trainer.memory;

import static io.memscope.trainer.memory.ArenaChecks.assertConsistent;
import static io.memscope.trainer.memory.ArenaChecks.bestFitOffset;
import static io.memscope.trainer.memory.ArenaChecks.blockSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Random allocate/free sequences, checking every invariant of the arena after every operation. */
class ArenaPropertyTest {
    private static final int OPERATIONS = 4000;
    private static final long[] EDGE_SIZES = {0, 1, 255, 256, 257, 511, 512, 513, 4096};

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7, 42, 1234, 99991, 20240607, -5})
    void randomOperationsKeepEveryInvariant(long seed) {
        Random random = new Random(seed);
        // Not a multiple of 256, so the arena must round it down.
        long capacity = ArenaChecks.ALIGN * (512 + random.nextInt(4096)) + random.nextInt(256);
        Arena arena = new Arena(capacity);
        assertEquals(capacity - capacity % ArenaChecks.ALIGN, arena.capacity());

        NavigableMap<Long, Long> live = new TreeMap<>();
        List<Long> liveOffsets = new ArrayList<>();
        long peak = 0;
        int failures = 0;
        for (int op = 0; op < OPERATIONS; op++) {
            String context = "seed " + seed + ", op " + op;
            if (op % 1000 == 999) {
                // Drain in random order: everything must coalesce back into one block.
                Collections.shuffle(liveOffsets, random);
                for (long offset : liveOffsets) {
                    assertEquals(live.remove(offset), arena.free(offset), context);
                    assertConsistent(arena, context + " (drain)");
                }
                liveOffsets.clear();
                assertEquals(1, arena.freeBlockCount(), context);
                assertEquals(arena.capacity(), arena.largestFreeBlock(), context);
                continue;
            }
            boolean allocate = liveOffsets.isEmpty() || random.nextDouble() < 0.55;
            if (allocate) {
                long bytes = randomSize(random, arena.capacity());
                long size = blockSize(bytes);
                NavigableMap<Long, Long> freeBefore = arena.freeBlocks();
                long expected = bestFitOffset(freeBefore, size);
                long offset = arena.allocate(bytes);
                assertEquals(expected, offset, context + ": allocate(" + bytes + ") with free list " + freeBefore);
                if (offset < 0) {
                    failures++;
                    assertEquals(freeBefore, arena.freeBlocks(), context + ": a failed allocation changed the free list");
                } else {
                    assertEquals(size, arena.sizeOf(offset), context);
                    for (long other : live.keySet()) {
                        long otherEnd = other + live.get(other);
                        assertTrue(offset + size <= other || otherEnd <= offset,
                                context + ": new block overlaps the live block at " + other);
                    }
                    live.put(offset, size);
                    liveOffsets.add(offset);
                }
            } else {
                int index = random.nextInt(liveOffsets.size());
                long offset = liveOffsets.remove(index);
                assertEquals(live.remove(offset), arena.free(offset), context + ": free returns the block size");
                assertEquals(-1, arena.sizeOf(offset), context);
            }
            assertEquals(live, arena.usedBlocks(), context + ": used blocks differ from the model");
            peak = Math.max(peak, arena.usedBytes());
            assertEquals(peak, arena.peakBytes(), context + ": peak");
            assertConsistent(arena, context);
        }
        // The size mix must have produced both outcomes, or the test proves little.
        assertTrue(failures > 0, "seed " + seed + ": no allocation ever failed");
        assertTrue(failures < OPERATIONS / 4, "seed " + seed + ": too many failed allocations: " + failures);
    }

    private static long randomSize(Random random, long capacity) {
        double kind = random.nextDouble();
        if (kind < 0.25) {
            return EDGE_SIZES[random.nextInt(EDGE_SIZES.length)];
        }
        if (kind < 0.70) {
            return random.nextInt(16 * 1024);
        }
        if (kind < 0.93) {
            return (long) (random.nextDouble() * capacity / 8);
        }
        // Large ones, some larger than the whole arena.
        return (long) (random.nextDouble() * capacity * 1.25);
    }
}
