package io.memscope.trainer.render;

import io.memscope.trainer.memory.Category;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tensor lifetimes and their segments (stretches in one {@link LifetimeState}) in parallel primitive arrays,
 * plus an index that finds the segments overlapping an x range without looking at the others.
 *
 * <p>The index groups segments in creation order into blocks of {@link #BLOCK} and keeps, per block, the
 * earliest start and the latest end, then blocks of blocks. Creation order is almost start order, so a query
 * descends only into blocks that can overlap; long-lived tensors (parameters) widen only the blocks they are in.
 */
final class LifetimeTable {
    static final int BLOCK = 64;
    private static final long OPEN = Long.MIN_VALUE;
    private static final byte OPEN_START = 1;
    private static final byte OPEN_END = 2;
    private static final Category[] CATEGORIES = Category.values();
    private static final LifetimeState[] STATES = LifetimeState.values();

    /** Receives the segments a query finds. */
    @FunctionalInterface
    interface SegmentConsumer {
        void accept(int segment);
    }

    private long[] segStart;
    private long[] segEnd;
    private long[] segOffset;
    private long[] segBytes;
    private int[] segLifetime;
    private int[] segNext;
    private byte[] segState;
    private int segments;

    private long[] tensorId;
    private String[] name;
    private String[] layer;
    private byte[] category;
    private int[] first;
    private int[] last;
    private byte[] flags;
    private int lifetimes;

    private long[][] levelMinStart;
    private long[][] levelMaxEnd;
    /** Per index node: one past the highest address of its segments. */
    private long[][] levelAddressEnd;
    private long addressEnd;

    LifetimeTable(int expectedLifetimes) {
        int cap = Math.max(16, expectedLifetimes);
        segStart = new long[cap];
        segEnd = new long[cap];
        segOffset = new long[cap];
        segBytes = new long[cap];
        segLifetime = new int[cap];
        segNext = new int[cap];
        segState = new byte[cap];
        tensorId = new long[cap];
        name = new String[cap];
        layer = new String[cap];
        category = new byte[cap];
        first = new int[cap];
        last = new int[cap];
        flags = new byte[cap];
    }

    // ---- building -------------------------------------------------------------------------------------

    /** Starts a lifetime with no segment yet; returns its index. */
    int open(long id, String tensorName, String tensorLayer, Category c, boolean openStart) {
        if (lifetimes == tensorId.length) {
            int cap = tensorId.length + (tensorId.length >> 1) + 16;
            tensorId = Arrays.copyOf(tensorId, cap);
            name = Arrays.copyOf(name, cap);
            layer = Arrays.copyOf(layer, cap);
            category = Arrays.copyOf(category, cap);
            first = Arrays.copyOf(first, cap);
            last = Arrays.copyOf(last, cap);
            flags = Arrays.copyOf(flags, cap);
        }
        int i = lifetimes++;
        tensorId[i] = id;
        name[i] = tensorName;
        layer[i] = tensorLayer;
        category[i] = (byte) (c == null ? Category.TEMPORARY : c).ordinal();
        first[i] = -1;
        last[i] = -1;
        flags[i] = openStart ? OPEN_START : 0;
        return i;
    }

    /** Ends the lifetime's current segment at {@code x} and starts a new one in {@code state}. */
    void startSegment(int lifetime, long x, long offset, long bytes, LifetimeState state) {
        endSegment(lifetime, x);
        if (segments == segStart.length) {
            int cap = segStart.length + (segStart.length >> 1) + 16;
            segStart = Arrays.copyOf(segStart, cap);
            segEnd = Arrays.copyOf(segEnd, cap);
            segOffset = Arrays.copyOf(segOffset, cap);
            segBytes = Arrays.copyOf(segBytes, cap);
            segLifetime = Arrays.copyOf(segLifetime, cap);
            segNext = Arrays.copyOf(segNext, cap);
            segState = Arrays.copyOf(segState, cap);
        }
        int s = segments++;
        int prev = last[lifetime];
        segStart[s] = x;
        segEnd[s] = OPEN;
        segOffset[s] = offset < 0 && prev >= 0 ? segOffset[prev] : Math.max(0, offset);
        segBytes[s] = bytes <= 0 && prev >= 0 ? segBytes[prev] : Math.max(0, bytes);
        segLifetime[s] = lifetime;
        segNext[s] = -1;
        segState[s] = (byte) state.ordinal();
        if (prev >= 0) {
            segNext[prev] = s;
        } else {
            first[lifetime] = s;
        }
        last[lifetime] = s;
        addressEnd = Math.max(addressEnd, segOffset[s] + segBytes[s]);
    }

    /** Ends the lifetime's current segment (if one is open) at {@code x}. */
    void endSegment(int lifetime, long x) {
        int s = last[lifetime];
        if (s >= 0 && segEnd[s] == OPEN) {
            segEnd[s] = Math.max(x, segStart[s]);
        }
    }

    /** Ends every segment still open at the trace's last x, trims the arrays and builds the overlap index. */
    void finish(long xEnd) {
        trim();
        for (int i = 0; i < lifetimes; i++) {
            int s = last[i];
            if (s >= 0 && segEnd[s] == OPEN) {
                segEnd[s] = Math.max(xEnd, segStart[s]);
                flags[i] |= OPEN_END;
            }
        }
        buildIndex();
    }

    /** Capacity grows ahead of need while reading; a finished table keeps only what it holds. */
    private void trim() {
        segStart = Arrays.copyOf(segStart, segments);
        segEnd = Arrays.copyOf(segEnd, segments);
        segOffset = Arrays.copyOf(segOffset, segments);
        segBytes = Arrays.copyOf(segBytes, segments);
        segLifetime = Arrays.copyOf(segLifetime, segments);
        segNext = Arrays.copyOf(segNext, segments);
        segState = Arrays.copyOf(segState, segments);
        tensorId = Arrays.copyOf(tensorId, lifetimes);
        name = Arrays.copyOf(name, lifetimes);
        layer = Arrays.copyOf(layer, lifetimes);
        category = Arrays.copyOf(category, lifetimes);
        first = Arrays.copyOf(first, lifetimes);
        last = Arrays.copyOf(last, lifetimes);
        flags = Arrays.copyOf(flags, lifetimes);
    }

    private void buildIndex() {
        List<long[]> mins = new ArrayList<>();
        List<long[]> maxs = new ArrayList<>();
        List<long[]> addresses = new ArrayList<>();
        long[] childMin = segStart;
        long[] childMax = segEnd;
        long[] childAddress = new long[segments];
        for (int s = 0; s < segments; s++) {
            childAddress[s] = segOffset[s] + segBytes[s];
        }
        int children = segments;
        do {
            int parents = (children + BLOCK - 1) / BLOCK;
            long[] pMin = new long[parents];
            long[] pMax = new long[parents];
            long[] pAddress = new long[parents];
            Arrays.fill(pMin, Long.MAX_VALUE);
            Arrays.fill(pMax, Long.MIN_VALUE);
            for (int c = 0; c < children; c++) {
                pMin[c / BLOCK] = Math.min(pMin[c / BLOCK], childMin[c]);
                pMax[c / BLOCK] = Math.max(pMax[c / BLOCK], childMax[c]);
                pAddress[c / BLOCK] = Math.max(pAddress[c / BLOCK], childAddress[c]);
            }
            mins.add(pMin);
            maxs.add(pMax);
            addresses.add(pAddress);
            childMin = pMin;
            childMax = pMax;
            childAddress = pAddress;
            children = parents;
        } while (children > 1);
        levelMinStart = mins.toArray(long[][]::new);
        levelMaxEnd = maxs.toArray(long[][]::new);
        levelAddressEnd = addresses.toArray(long[][]::new);
    }

    // ---- queries --------------------------------------------------------------------------------------

    /** Visits every segment with {@code start <= x1 && end >= x0}. */
    void forEachOverlapping(long x0, long x1, SegmentConsumer consumer) {
        if (segments == 0) {
            return;
        }
        int top = levelMinStart.length - 1;
        for (int node = 0; node < levelMinStart[top].length; node++) {
            descend(top, node, x0, x1, consumer);
        }
    }

    private void descend(int level, int node, long x0, long x1, SegmentConsumer consumer) {
        if (levelMinStart[level][node] > x1 || levelMaxEnd[level][node] < x0) {
            return;
        }
        int from = node * BLOCK;
        if (level == 0) {
            int to = Math.min(segments, from + BLOCK);
            for (int s = from; s < to; s++) {
                if (segStart[s] <= x1 && segEnd[s] >= x0) {
                    consumer.accept(s);
                }
            }
            return;
        }
        int to = Math.min(levelMinStart[level - 1].length, from + BLOCK);
        for (int child = from; child < to; child++) {
            descend(level - 1, child, x0, x1, consumer);
        }
    }

    /**
     * One past the highest address of any segment with {@code start <= x1 && end >= x0}, 0 when none: the
     * high-water mark of the arena over that range. Skips every index node that cannot raise the answer, so
     * it costs far less than visiting the segments.
     */
    long addressEndIn(long x0, long x1) {
        long best = 0;
        if (segments == 0) {
            return best;
        }
        int top = levelMinStart.length - 1;
        for (int node = 0; node < levelMinStart[top].length; node++) {
            best = addressEndIn(top, node, x0, x1, best);
        }
        return best;
    }

    private long addressEndIn(int level, int node, long x0, long x1, long best) {
        if (levelAddressEnd[level][node] <= best || levelMinStart[level][node] > x1
                || levelMaxEnd[level][node] < x0) {
            return best;
        }
        int from = node * BLOCK;
        if (level == 0) {
            int to = Math.min(segments, from + BLOCK);
            for (int s = from; s < to; s++) {
                if (segStart[s] <= x1 && segEnd[s] >= x0) {
                    best = Math.max(best, segOffset[s] + segBytes[s]);
                }
            }
            return best;
        }
        int to = Math.min(levelMinStart[level - 1].length, from + BLOCK);
        for (int child = from; child < to; child++) {
            best = addressEndIn(level - 1, child, x0, x1, best);
        }
        return best;
    }

    int lifetimeCount() {
        return lifetimes;
    }

    long start(int segment) {
        return segStart[segment];
    }

    long end(int segment) {
        return segEnd[segment];
    }

    long offset(int segment) {
        return segOffset[segment];
    }

    long bytes(int segment) {
        return segBytes[segment];
    }

    LifetimeState state(int segment) {
        return STATES[segState[segment]];
    }

    int lifetimeOf(int segment) {
        return segLifetime[segment];
    }

    Category category(int segment) {
        return CATEGORIES[category[segLifetime[segment]]];
    }

    /** One past the highest address any segment used. */
    long addressEnd() {
        return addressEnd;
    }

    TensorLifetime lifetime(int i) {
        List<LifetimeSegment> parts = new ArrayList<>();
        for (int s = first[i]; s >= 0; s = segNext[s]) {
            parts.add(new LifetimeSegment(segStart[s], segEnd[s], segOffset[s], segBytes[s], STATES[segState[s]]));
        }
        LifetimeSegment head = parts.get(0);
        return new TensorLifetime(tensorId[i], name[i], layer[i], CATEGORIES[category[i]], head.offset(),
                head.bytes(), head.start(), parts.get(parts.size() - 1).end(), (flags[i] & OPEN_START) != 0,
                (flags[i] & OPEN_END) != 0, parts);
    }
}
