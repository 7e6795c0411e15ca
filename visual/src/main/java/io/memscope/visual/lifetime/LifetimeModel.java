package io.memscope.visual.lifetime;

import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Tensor lifetimes as blocks of address × time: one block from a tensor's allocation (or swap-in, or
 * decompression) to its free (or swap-out, or compression), at its offset in the arena. Blocks are kept in
 * primitive arrays in the order they start; an index of the latest end per chunk of {@value #CHUNK} blocks lets a
 * query skip every chunk that ended before the visible range, so a frame visits the blocks on screen plus one
 * entry per chunk. Not thread-safe: the UI thread appends and queries.
 */
public final class LifetimeModel {
    static final int CHUNK = 512;
    /** End time of a block still resident. */
    public static final long OPEN = Long.MAX_VALUE;

    /** How a block began or ended, beyond a plain allocation and free. */
    public static final int SWAPPED_IN = 1;
    public static final int SWAPPED_OUT = 2;
    public static final int DECOMPRESSED = 4;
    public static final int COMPRESSED = 8;

    private long[] start = new long[1024];
    private long[] end = new long[1024];
    private long[] offset = new long[1024];
    private long[] bytes = new long[1024];
    private byte[] category = new byte[1024];
    private byte[] flags = new byte[1024];
    private MemoryEvent[] origin = new MemoryEvent[1024];
    private int blocks;

    private long[] chunkMaxEnd = new long[8];
    private boolean[] chunkDirty = new boolean[8];
    private final Map<Long, Integer> openById = new HashMap<>();
    private long highestAddress;
    private long lastNs;
    private long originNs;
    private boolean seenEvent;
    private long version;

    public void clear() {
        blocks = 0;
        openById.clear();
        highestAddress = 0;
        lastNs = 0;
        originNs = 0;
        seenEvent = false;
        Arrays.fill(origin, null);
        version++;
    }

    public void add(MemoryEvent e) {
        if (!seenEvent) {
            seenEvent = true;
            originNs = e.timeNs();
            version++;
        }
        lastNs = Math.max(lastNs, e.timeNs());
        switch (e.action()) {
            case ALLOC -> open(e, 0);
            case SWAP_IN -> open(e, SWAPPED_IN);
            case DECOMPRESS -> open(e, DECOMPRESSED);
            case FREE -> close(e, 0);
            case SWAP_OUT -> close(e, SWAPPED_OUT);
            case COMPRESS -> close(e, COMPRESSED);
            default -> {
                return;
            }
        }
        version++;
    }

    public void addAll(Iterable<MemoryEvent> events) {
        for (MemoryEvent e : events) {
            add(e);
        }
    }

    private void open(MemoryEvent e, int flag) {
        if (e.category() == null || e.offset() < 0) {
            return;
        }
        int i = blocks;
        if (i == start.length) {
            int cap = i * 2;
            start = Arrays.copyOf(start, cap);
            end = Arrays.copyOf(end, cap);
            offset = Arrays.copyOf(offset, cap);
            bytes = Arrays.copyOf(bytes, cap);
            category = Arrays.copyOf(category, cap);
            flags = Arrays.copyOf(flags, cap);
            origin = Arrays.copyOf(origin, cap);
        }
        int chunk = i / CHUNK;
        if (chunk == chunkMaxEnd.length) {
            chunkMaxEnd = Arrays.copyOf(chunkMaxEnd, chunk * 2);
            chunkDirty = Arrays.copyOf(chunkDirty, chunk * 2);
        }
        start[i] = e.timeNs();
        end[i] = OPEN;
        offset[i] = e.offset();
        bytes[i] = e.bytes();
        category[i] = (byte) e.category().ordinal();
        flags[i] = (byte) flag;
        origin[i] = e;
        chunkMaxEnd[chunk] = OPEN;
        blocks = i + 1;
        highestAddress = Math.max(highestAddress, e.offset() + e.bytes());
        openById.put(e.tensorId(), i);
    }

    private void close(MemoryEvent e, int flag) {
        Integer i = openById.remove(e.tensorId());
        if (i == null) {
            return;
        }
        end[i] = e.timeNs();
        flags[i] |= (byte) flag;
        chunkDirty[i / CHUNK] = true;
    }

    public int blocks() {
        return blocks;
    }

    public long version() {
        return version;
    }

    /** The highest address any block reached: the height of the picture. */
    public long highestAddress() {
        return highestAddress;
    }

    /** The time of the first event, where the view counts time from (as the memory chart and the picture). */
    public long originNs() {
        return originNs;
    }

    public long lastNs() {
        return lastNs;
    }

    public long start(int i) {
        return start[i];
    }

    /** End time, or {@link #OPEN} while resident. */
    public long end(int i) {
        return end[i];
    }

    public long offset(int i) {
        return offset[i];
    }

    public long bytes(int i) {
        return bytes[i];
    }

    public Category category(int i) {
        return Category.values()[category[i]];
    }

    public int flags(int i) {
        return flags[i];
    }

    /** The event that began block {@code i}: its tensor's name, layer, step and phase. */
    public MemoryEvent origin(int i) {
        return origin[i];
    }

    /** Calls {@code visit} with every block that overlaps {@code [fromNs, toNs]}, in start order. */
    public void forEachVisible(long fromNs, long toNs, IntConsumer visit) {
        int chunks = (blocks + CHUNK - 1) / CHUNK;
        for (int c = 0; c < chunks; c++) {
            int first = c * CHUNK;
            if (start[first] > toNs) {
                break;
            }
            if (maxEnd(c) < fromNs) {
                continue;
            }
            int last = Math.min(blocks, first + CHUNK);
            for (int i = first; i < last; i++) {
                if (start[i] <= toNs && end[i] >= fromNs) {
                    visit.accept(i);
                }
            }
        }
    }

    private long maxEnd(int chunk) {
        if (chunkDirty[chunk]) {
            long m = 0;
            int last = Math.min(blocks, (chunk + 1) * CHUNK);
            for (int i = chunk * CHUNK; i < last; i++) {
                m = Math.max(m, end[i]);
            }
            chunkMaxEnd[chunk] = m;
            chunkDirty[chunk] = false;
        }
        return chunkMaxEnd[chunk];
    }

    /** The block drawn at time {@code ns} and address {@code address}, or -1. The latest block wins. */
    public int blockAt(long ns, long address) {
        int[] hit = {-1};
        forEachVisible(ns, ns, i -> {
            if (address >= offset[i] && address < offset[i] + bytes[i]) {
                hit[0] = i;
            }
        });
        return hit[0];
    }
}
