package io.memscope.trainer.memory;

import java.util.HashMap;
import java.util.Map;

/**
 * Device memory as GPU virtual memory management maps it ({@code cuMemCreate}/{@code cuMemMap}, the out-of-core
 * paper's virtual addressing): every block gets a contiguous range of a virtual address space (best fit, 256-byte
 * aligned, an {@link Arena} of {@link #virtualBytes twice the budget and a page}), and the budget counts fixed-size
 * physical pages. A page is resident while a live block touches it, shared by the small blocks that lie on it.
 * An allocation fails only when the pages it adds exceed the free pages (or, seldom, when no virtual range fits):
 * free memory is never split into pieces too small for a block, and what this costs is page rounding, the
 * {@link Occupancy#wasteBytes() waste} of resident pages that blocks use only in part.
 *
 * <p>Only a block's first and last page can be shared: the pages strictly between them lie wholly inside it. So
 * the pages are counted without a table of them: the first and last page of every live block carry a count of
 * the blocks they are an end of, and the rest are counted per block.
 */
public final class PagedArena implements DeviceAllocator {
    private final long pageBytes;
    private final long pages;
    private final Arena virtual;
    /** Page index → how many live blocks start or end on it (a page met by a block there and nowhere else: 1). */
    private final Map<Long, Integer> endPages = new HashMap<>();
    /** Pages lying strictly between a live block's first and last page: each belongs to that block alone. */
    private long innerPages;
    private long peakBytes;
    private Occupancy atPeak;

    /**
     * A paged device of {@code capacityBytes} (whole pages of it count; a budget below one page holds none) with
     * pages of {@code pageBytes}, a positive multiple of 256.
     */
    public PagedArena(long capacityBytes, long pageBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("arena capacity must be positive, got " + capacityBytes + " bytes");
        }
        Paging.checkPageBytes(pageBytes);
        this.pageBytes = pageBytes;
        this.pages = capacityBytes / pageBytes;
        this.virtual = new Arena(virtualBytes(capacityBytes, pageBytes));
        this.atPeak = occupancy();
    }

    /**
     * The virtual space of a paged device: twice its pages' bytes and one page more. Blocks in use never hold more
     * than the budget, so at least as much again is free for best fit to find a range in.
     */
    public static long virtualBytes(long capacityBytes, long pageBytes) {
        return 2 * (capacityBytes / pageBytes) * pageBytes + pageBytes;
    }

    @Override
    public long allocate(long bytes) {
        long offset = virtual.allocate(bytes);
        if (offset < 0) {
            return -1;
        }
        long size = virtual.sizeOf(offset);
        long first = offset / pageBytes;
        long last = (offset + size - 1) / pageBytes;
        long added = last - first + 1 - (endPages.containsKey(first) ? 1 : 0)
                - (last != first && endPages.containsKey(last) ? 1 : 0);
        if (residentPages() + added > pages) {
            virtual.free(offset); // the free list merges back to what it was
            return -1;
        }
        endPages.merge(first, 1, Integer::sum);
        if (last != first) {
            endPages.merge(last, 1, Integer::sum);
        }
        innerPages += Math.max(0, last - first - 1);
        // pages can stay at their peak while blocks grow on them: keep the fullest moment of the peak
        if (usedBytes() > peakBytes || (usedBytes() == peakBytes && blockBytes() > atPeak.blockBytes())) {
            peakBytes = usedBytes();
            atPeak = occupancy();
        }
        return offset;
    }

    @Override
    public long free(long offset) {
        long size = virtual.free(offset);
        long first = offset / pageBytes;
        long last = (offset + size - 1) / pageBytes;
        release(first);
        if (last != first) {
            release(last);
        }
        innerPages -= Math.max(0, last - first - 1);
        return size;
    }

    private void release(long page) {
        endPages.computeIfPresent(page, (p, n) -> n == 1 ? null : n - 1);
    }

    @Override
    public long sizeOf(long offset) {
        return virtual.sizeOf(offset);
    }

    public long pageBytes() {
        return pageBytes;
    }

    /** Pages the budget holds. */
    public long pages() {
        return pages;
    }

    /** Pages that live blocks touch now. */
    public long residentPages() {
        return innerPages + endPages.size();
    }

    @Override
    public long capacity() {
        return pages * pageBytes;
    }

    @Override
    public long addressSpace() {
        return virtual.capacity();
    }

    /** The bytes of the resident pages. */
    @Override
    public long usedBytes() {
        return residentPages() * pageBytes;
    }

    @Override
    public long blockBytes() {
        return virtual.usedBytes();
    }

    @Override
    public long peakBytes() {
        return peakBytes;
    }

    @Override
    public void resetPeak() {
        peakBytes = usedBytes();
        atPeak = occupancy();
    }

    /**
     * The free pages' bytes, or the largest free virtual range when that is smaller. A block can get a little more
     * when it starts or ends on a page that is resident already.
     */
    @Override
    public long largestFreeBlock() {
        return Math.min(freeBytes(), virtual.largestFreeBlock());
    }

    /** Of the virtual space: physical pages map anywhere, so they have none. */
    @Override
    public double fragmentation() {
        return virtual.fragmentation();
    }

    @Override
    public Occupancy occupancy() {
        return new Occupancy(usedBytes(), blockBytes(), freeBytes(), largestFreeBlock(), fragmentation());
    }

    @Override
    public Occupancy occupancyAtPeak() {
        return atPeak;
    }
}
