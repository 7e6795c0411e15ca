package io.memscope.trainer.memory;

import static io.memscope.trainer.memory.ArenaChecks.assertConsistent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ArenaTest {
    private static final long KIB = 1024;

    @Test
    void freeingNeighboursMergesThemIntoOneBlock() {
        Arena arena = new Arena(8 * KIB);
        long a = arena.allocate(KIB);
        long b = arena.allocate(KIB);
        long c = arena.allocate(KIB);
        assertEquals(List.of(0L, KIB, 2 * KIB), List.of(a, b, c));

        arena.free(b);
        assertEquals(Map.of(KIB, KIB, 3 * KIB, 5 * KIB), arena.freeBlocks());
        arena.free(a);
        assertEquals(Map.of(0L, 2 * KIB, 3 * KIB, 5 * KIB), arena.freeBlocks());
        assertConsistent(arena, "after freeing b, a");
        arena.free(c);
        assertEquals(Map.of(0L, 8 * KIB), arena.freeBlocks());
        assertEquals(0.0, arena.fragmentation());
    }

    @Test
    void everyFreeOrderEndsInOneBlock() {
        for (int blocks = 1; blocks <= 5; blocks++) {
            for (List<Integer> order : permutations(blocks)) {
                Arena arena = new Arena(8 * KIB);
                List<Long> offsets = new ArrayList<>();
                for (int i = 0; i < blocks; i++) {
                    // Different sizes, and the last one reaches the end of the arena when there are 5.
                    offsets.add(arena.allocate((i + 1) * 512L + (blocks == 5 && i == 4 ? 512 : 0)));
                }
                for (int i : order) {
                    arena.free(offsets.get(i));
                    assertConsistent(arena, "order " + order + ", freed " + i);
                }
                assertEquals(Map.of(0L, 8 * KIB), arena.freeBlocks(), "order " + order);
                assertEquals(0, arena.usedBytes());
            }
        }
    }

    @Test
    void bestFitPicksTheSmallestBlockThatFitsAndTheLowestAddressOnTies() {
        Arena arena = new Arena(16 * KIB);
        long[] blocks = new long[8];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = arena.allocate(2 * KIB);
        }
        arena.free(blocks[1]);
        arena.free(blocks[3]);
        arena.free(blocks[4]); // merges with 3: a 4 KiB hole at 6 KiB
        arena.free(blocks[6]);
        // Holes: 2 KiB at 2 KiB, 4 KiB at 6 KiB, 2 KiB at 12 KiB.
        assertEquals(6 * KIB, arena.allocate(3 * KIB), "only the 4 KiB hole fits 3 KiB");
        assertEquals(9 * KIB, arena.allocate(KIB), "the 1 KiB remainder at 9 KiB beats the 2 KiB holes");
        assertEquals(2 * KIB, arena.allocate(2 * KIB), "two 2 KiB holes: the lower one");
        assertEquals(12 * KIB, arena.allocate(2 * KIB));
        assertEquals(-1, arena.allocate(1));
        assertConsistent(arena, "full");
    }

    @Test
    void allocationsAreAlignedAndZeroBytesTakeOneUnit() {
        Arena arena = new Arena(4 * KIB);
        assertEquals(0, arena.allocate(0));
        assertEquals(256, arena.sizeOf(0));
        assertEquals(256, arena.allocate(1));
        assertEquals(256, arena.sizeOf(256));
        assertEquals(512, arena.allocate(257));
        assertEquals(512, arena.sizeOf(512));
        assertEquals(1024, arena.allocate(256));
        assertEquals(256, arena.sizeOf(1024));
        assertConsistent(arena, "mixed sizes");
    }

    @Test
    void capacityIsRoundedDownAndFillsExactly() {
        Arena arena = new Arena(4 * KIB + 255);
        assertEquals(4 * KIB, arena.capacity());
        assertEquals(0, arena.allocate(4 * KIB));
        assertEquals(-1, arena.allocate(0));
        assertEquals(0, arena.freeBytes());
        assertEquals(0.0, arena.fragmentation());
        assertConsistent(arena, "full");

        Arena tiny = new Arena(255);
        assertEquals(0, tiny.capacity());
        assertEquals(-1, tiny.allocate(1));
    }

    @Test
    void rejectsBadCapacityAndBadFrees() {
        assertThrows(IllegalArgumentException.class, () -> new Arena(0));
        assertThrows(IllegalArgumentException.class, () -> new Arena(-1));
        Arena arena = new Arena(4 * KIB);
        long a = arena.allocate(KIB);
        assertThrows(IllegalStateException.class, () -> arena.free(a + 256));
        arena.free(a);
        assertThrows(IllegalStateException.class, () -> arena.free(a));
        assertConsistent(arena, "after rejected frees");
    }

    @Test
    void peakRemembersTheHighestUseUntilReset() {
        Arena arena = new Arena(16 * KIB);
        long a = arena.allocate(KIB);
        long b = arena.allocate(2 * KIB);
        assertEquals(3 * KIB, arena.peakBytes());
        arena.free(b);
        arena.allocate(512);
        assertEquals(3 * KIB, arena.peakBytes());
        assertEquals(KIB + 512, arena.usedBytes());
        arena.resetPeak();
        assertEquals(KIB + 512, arena.peakBytes());
        arena.free(a);
        assertEquals(KIB + 512, arena.peakBytes());
    }

    @Test
    void fragmentationComparesTheLargestHoleWithAllFreeBytes() {
        Arena arena = new Arena(4 * KIB);
        long[] blocks = new long[4];
        for (int i = 0; i < 4; i++) {
            blocks[i] = arena.allocate(KIB);
        }
        arena.free(blocks[0]);
        arena.free(blocks[2]);
        assertEquals(0.5, arena.fragmentation(), 1e-12);
        assertEquals(new TreeMap<>(Map.of(0L, KIB, 2 * KIB, KIB)), arena.freeBlocks());
    }

    private static List<List<Integer>> permutations(int n) {
        List<List<Integer>> out = new ArrayList<>();
        permute(new ArrayList<>(), n, out);
        return out;
    }

    private static void permute(List<Integer> prefix, int n, List<List<Integer>> out) {
        if (prefix.size() == n) {
            out.add(List.copyOf(prefix));
            return;
        }
        for (int i = 0; i < n; i++) {
            if (!prefix.contains(i)) {
                prefix.add(i);
                permute(prefix, n, out);
                prefix.remove(prefix.size() - 1);
            }
        }
    }
}
