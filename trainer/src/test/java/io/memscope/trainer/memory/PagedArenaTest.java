package io.memscope.trainer.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The paged arena: pages counted while any block touches them, shared by small blocks, no external fragmentation. */
class PagedArenaTest {
    private static final long KIB = 1024;
    private static final long PAGE = 4 * KIB;

    @Test
    void smallBlocksShareAPageUntilTheLastOfThemIsFreed() {
        PagedArena paged = new PagedArena(4 * PAGE, PAGE);
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            blocks.add(paged.allocate(KIB));
        }
        assertEquals(List.of(0L, KIB, 2 * KIB, 3 * KIB), blocks, "best fit in the virtual space, as the arena places");
        assertEquals(1, paged.residentPages());
        assertEquals(PAGE, paged.usedBytes());
        assertEquals(4 * KIB, paged.blockBytes());
        for (int i = 0; i < 3; i++) {
            paged.free(blocks.get(i));
            assertEquals(1, paged.residentPages(), "one block still touches page 0");
        }
        assertEquals(KIB, paged.blockBytes());
        assertEquals(PAGE - KIB, paged.occupancy().wasteBytes());
        paged.free(blocks.get(3));
        assertEquals(0, paged.residentPages());
        assertEquals(0, paged.usedBytes());
    }

    @Test
    void aBlockHoldsEveryPageItTouchesAndSharesOnlyItsFirstAndLast() {
        PagedArena paged = new PagedArena(8 * PAGE, PAGE);
        long big = paged.allocate(6 * KIB); // pages 0 and 1
        assertEquals(2, paged.residentPages());
        long small = paged.allocate(KIB); // at 6 KiB: page 1, already resident
        assertEquals(6 * KIB, small);
        assertEquals(2, paged.residentPages());
        long across = paged.allocate(10 * KIB); // 7 KiB to 17 KiB: pages 1 to 4, page 1 shared
        assertEquals(7 * KIB, across);
        assertEquals(5, paged.residentPages());
        paged.free(big);
        assertEquals(4, paged.residentPages(), "page 0 goes; page 1 stays for the small block and the long one");
        paged.free(across);
        assertEquals(1, paged.residentPages(), "pages 2 to 4 go with the long block; page 1 stays for the small one");
        paged.free(small);
        assertEquals(0, paged.residentPages());
        assertThrows(IllegalStateException.class, () -> paged.free(small));
    }

    @Test
    void anAllocationFailsExactlyWhenTheNewPagesItNeedsAreMoreThanTheFreePages() {
        PagedArena paged = new PagedArena(4 * PAGE + 100, PAGE);
        assertEquals(4 * PAGE, paged.capacity(), "whole pages of the budget count");
        for (int i = 0; i < 3; i++) {
            assertEquals(i * PAGE, paged.allocate(PAGE));
        }
        long tail = paged.allocate(KIB); // page 3: the last free page
        assertEquals(4, paged.residentPages());
        assertEquals(0, paged.freeBytes());
        assertEquals(13 * KIB, paged.allocate(3 * KIB), "the rest of page 3 needs no new page");
        assertEquals(-1, paged.allocate(1), "one more byte needs a fifth page");
        assertEquals(4, paged.residentPages(), "a refused allocation takes nothing");
        assertTrue(paged.addressSpace() > 2 * paged.capacity(), "the virtual space has room; the pages do not");
        paged.free(tail);
        assertEquals(4, paged.residentPages(), "page 3 still holds the 3 KiB block");
        paged.free(0);
        assertEquals(3, paged.residentPages());
        assertEquals(0, paged.allocate(PAGE), "the freed page's range is reused");
        assertEquals(12 * KIB, paged.allocate(256), "the hole the 1 KiB block left, on a resident page");
        assertEquals(-1, paged.allocate(KIB), "768 B left there; anywhere else needs a fifth page");
    }

    /**
     * Every other 2 KiB block freed: 8 KiB free in 2 KiB holes. The arena cannot place 4 KiB; the paged arena, with
     * 2 KiB pages, maps it onto two of the free pages at a new virtual range.
     */
    @Test
    void whereFragmentationRefusesAnAllocationWithEnoughFreeBytesPagesTakeIt() {
        long block = 2 * KIB;
        Arena arena = new Arena(16 * KIB);
        PagedArena paged = new PagedArena(16 * KIB, block);
        for (DeviceAllocator a : List.<DeviceAllocator>of(arena, paged)) {
            long[] offsets = new long[8];
            for (int i = 0; i < 8; i++) {
                offsets[i] = a.allocate(block);
            }
            for (int i = 0; i < 8; i += 2) {
                a.free(offsets[i]);
            }
            assertEquals(8 * KIB, a.freeBytes());
        }
        assertEquals(0.75, arena.fragmentation(), 1e-12);
        assertEquals(-1, arena.allocate(4 * KIB), "8 KiB free, largest hole 2 KiB");
        long at = paged.allocate(4 * KIB);
        assertEquals(16 * KIB, at, "a fresh virtual range past the blocks in use");
        assertEquals(4 * KIB, paged.freeBytes());
        assertEquals(0, paged.occupancy().wasteBytes(), "blocks of whole pages waste nothing");
        assertTrue(paged.fragmentation() > 0, "the virtual space has holes, which cost nothing");
    }

    /** Through DeviceMemory: the same request is an OOM on the arena and a block at a virtual address when paged. */
    @Test
    void deviceMemoryRecordsTheVirtualAddressAndTheBlockSize() {
        Dims two = Dims.vector(512); // 2 KiB
        Dims four = Dims.vector(1024);
        DeviceMemory classic = new DeviceMemory(16 * KIB, new Trace(new TraceInfo("t", "baseline", "meta", 1, 16 * KIB, null), 64));
        DeviceMemory paged = new DeviceMemory(16 * KIB, new Trace(new TraceInfo("t", "baseline", "meta", 1, 16 * KIB, null), 64), new Paging(2 * KIB));
        for (DeviceMemory m : List.of(classic, paged)) {
            List<Tensor> ts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ts.add(m.allocate("t" + i, "", Category.ACTIVATION, two));
            }
            for (int i = 0; i < 8; i += 2) {
                m.free(ts.get(i));
            }
        }
        OutOfDeviceMemoryException oom = assertThrows(OutOfDeviceMemoryException.class,
                () -> classic.allocate("wide", "", Category.ACTIVATION, four));
        assertEquals(8 * KIB, oom.event().freeBytes());
        assertEquals(2 * KIB, oom.event().largestFreeBytes());
        Tensor wide = paged.allocate("wide", "", Category.ACTIVATION, four);
        MemoryEvent last = paged.trace().events().get(paged.trace().events().size() - 1);
        assertEquals(16 * KIB, last.offset(), "beyond the budget: a virtual address");
        assertEquals(4 * KIB, last.bytes());
        assertEquals(wide.offset(), last.offset());
        assertEquals(12 * KIB, paged.arena().usedBytes(), "four pages kept, two new");
    }

    @Test
    void thePeakCountsResidentPagesAndKeepsItsFullestMoment() {
        PagedArena paged = new PagedArena(8 * PAGE, PAGE);
        long a = paged.allocate(KIB);
        long b = paged.allocate(PAGE); // 1 KiB to 5 KiB: pages 0 and 1
        assertEquals(2 * PAGE, paged.peakBytes());
        DeviceAllocator.Occupancy at = paged.occupancyAtPeak();
        assertEquals(2 * PAGE, at.usedBytes());
        assertEquals(5 * KIB, at.blockBytes());
        assertEquals(3 * KIB, at.wasteBytes());
        long c = paged.allocate(KIB); // 5 KiB to 6 KiB: still pages 0 and 1
        assertEquals(2 * PAGE, paged.peakBytes());
        assertEquals(6 * KIB, paged.occupancyAtPeak().blockBytes(), "the peak's fullest moment");
        paged.free(b);
        paged.free(a);
        paged.free(c);
        assertEquals(2 * PAGE, paged.peakBytes());
        assertEquals(6 * KIB, paged.occupancyAtPeak().blockBytes());
        paged.resetPeak();
        assertEquals(0, paged.peakBytes());
        assertEquals(0, paged.occupancyAtPeak().usedBytes());
    }

    /**
     * Random allocations and frees against a count from the blocks alone: resident pages are the pages live
     * blocks touch, never more than the budget's, and an allocation is refused exactly when the range best fit
     * gives it (found on a twin arena of the virtual space's size) would need more new pages than are free.
     */
    @Test
    void randomTrafficMatchesACountFromTheBlocks() {
        for (long page : new long[] {256, 4 * KIB, 64 * KIB}) {
            Random r = new Random(page);
            long capacity = 64 * page + 3 * 256;
            PagedArena paged = new PagedArena(capacity, page);
            Arena twin = new Arena(PagedArena.virtualBytes(capacity, page));
            Map<Long, Long> live = new TreeMap<>();
            int refused = 0;
            for (int op = 0; op < 4000; op++) {
                if (live.isEmpty() || r.nextInt(100) < 55) {
                    long bytes = r.nextInt(4) == 0 ? 1 + r.nextInt((int) (6 * page)) : 1 + r.nextInt((int) page);
                    long expected = twin.allocate(bytes);
                    long newPages = expected < 0 ? 0 : pagesOf(expected, twin.sizeOf(expected), page).stream()
                            .filter(p -> !touched(live, page).contains(p)).count();
                    long offset = paged.allocate(bytes);
                    boolean fits = expected >= 0 && touched(live, page).size() + newPages <= paged.pages();
                    assertEquals(fits ? expected : -1, offset, "op " + op + ", page " + page);
                    if (offset >= 0) {
                        live.put(offset, paged.sizeOf(offset));
                    } else {
                        refused++;
                        if (expected >= 0) {
                            twin.free(expected);
                        }
                    }
                } else {
                    List<Long> keys = new ArrayList<>(live.keySet());
                    long offset = keys.get(r.nextInt(keys.size()));
                    assertEquals(live.remove(offset), paged.free(offset));
                    twin.free(offset);
                }
                Set<Long> touched = touched(live, page);
                assertEquals(touched.size(), paged.residentPages(), "op " + op + ", page " + page);
                assertEquals(live.values().stream().mapToLong(Long::longValue).sum(), paged.blockBytes());
                assertTrue(paged.usedBytes() <= paged.capacity());
                assertTrue(paged.occupancy().wasteBytes() >= 0);
            }
            assertTrue(refused > 50, "the budget was reached often: " + refused + " refusals, page " + page);
        }
    }

    @Test
    void pageSizesAreMultiplesOf256NoLargerThanTheBudget() {
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class, () -> new Paging(1000));
        assertTrue(odd.getMessage().contains("1000 bytes") && odd.getMessage().contains("multiple of 256"),
                odd.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Paging(-256));
        assertThrows(IllegalArgumentException.class, () -> new PagedArena(16 * KIB, 0));
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> Paging.pages().checkBudget(1L << 20));
        assertTrue(big.getMessage().contains("2.0 MiB (2097152 bytes)") && big.getMessage().contains("1.0 MiB budget")
                && big.getMessage().contains("--page-size 1MiB or less"), big.getMessage());
        assertEquals(Paging.NONE, new Paging(0));
        assertEquals(16 * KIB, Paging.NONE.addressSpace(16 * KIB + 7));
        assertEquals(2 * 16 * KIB + PAGE, new Paging(PAGE).addressSpace(16 * KIB + 7));
    }

    private static Set<Long> touched(Map<Long, Long> live, long page) {
        Set<Long> pages = new HashSet<>();
        live.forEach((o, s) -> pages.addAll(pagesOf(o, s, page)));
        return pages;
    }

    private static List<Long> pagesOf(long offset, long size, long page) {
        List<Long> out = new ArrayList<>();
        for (long p = offset / page; p <= (offset + size - 1) / page; p++) {
            out.add(p);
        }
        return out;
    }
}
