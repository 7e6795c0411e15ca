package io.memscope.trainer.render;

import io.memscope.trainer.memory.Category;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Tensor lifetimes and their segments (stretches in one {@link LifetimeState}) in parallel primitive arrays,
 * plus an index that finds the segments overlapping an x range without looking at the others.
 *
 * <p>The index groups segments in creation order into blocks of {@link #BLOCK} and keeps, per block, the
 * earliest start, the latest end and one past the highest address, then blocks of blocks. Creation order is
 * almost start order, so a query descends only into blocks that can overlap; long-lived tensors (parameters)
 * widen only the blocks they are in.
 *
 * <p>The table grows as events arrive. A segment still open has no end yet: its index nodes count it as open
 * and reach to any x, and a {@link Snapshot} draws it up to the snapshot's last x. The index is kept up to
 * date per segment (a start or an end touches one node per level), and a snapshot shares the arrays with a
 * length bound, so taking one costs nothing however many segments there are. What the table learns after a
 * snapshot only ever widens the nodes the snapshot reads (an earlier start, a later end, a higher address),
 * which costs it a look at a block but never a wrong answer, since segments are checked one by one with the
 * snapshot's own bounds.
 */
final class LifetimeTable {
    static final int BLOCK = 64;
    private static final byte OPEN_START = 1;
    private static final int NOT_CLOSED = Integer.MAX_VALUE;
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
    /** Index of the event that ended the segment, {@link #NOT_CLOSED} while it is open. */
    private int[] segClosedAt;
    private int segments;

    private long[] tensorId;
    private String[] name;
    private String[] layer;
    private byte[] category;
    private int[] first;
    private int[] last;
    private byte[] flags;
    private int[] openedAt;
    private int lifetimes;

    /** Level L node i covers segments [i*BLOCK^(L+1), (i+1)*BLOCK^(L+1)). */
    private long[][] levelMinStart = new long[0][];
    /** Latest end of the node's closed segments. */
    private long[][] levelMaxEnd = new long[0][];
    /** How many of the node's segments are still open. */
    private int[][] levelOpen = new int[0][];
    /** One past the highest address of the node's segments. */
    private long[][] levelAddressEnd = new long[0][];
    private long addressEnd;
    /** Index of the event being applied. */
    private int clock;

    LifetimeTable(int expectedLifetimes) {
        int cap = Math.max(16, expectedLifetimes);
        segStart = new long[cap];
        segEnd = new long[cap];
        segOffset = new long[cap];
        segBytes = new long[cap];
        segLifetime = new int[cap];
        segNext = new int[cap];
        segState = new byte[cap];
        segClosedAt = new int[cap];
        tensorId = new long[cap];
        name = new String[cap];
        layer = new String[cap];
        category = new byte[cap];
        first = new int[cap];
        last = new int[cap];
        flags = new byte[cap];
        openedAt = new int[cap];
    }

    // ---- building -------------------------------------------------------------------------------------

    /** The calls that follow apply the event with this index. */
    void beginEvent(int eventIndex) {
        clock = eventIndex;
    }

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
            openedAt = Arrays.copyOf(openedAt, cap);
        }
        int i = lifetimes++;
        openedAt[i] = clock;
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
            segClosedAt = Arrays.copyOf(segClosedAt, cap);
        }
        int s = segments++;
        int prev = last[lifetime];
        segStart[s] = x;
        segEnd[s] = x;
        segOffset[s] = offset < 0 && prev >= 0 ? segOffset[prev] : Math.max(0, offset);
        segBytes[s] = bytes <= 0 && prev >= 0 ? segBytes[prev] : Math.max(0, bytes);
        segLifetime[s] = lifetime;
        segNext[s] = -1;
        segState[s] = (byte) state.ordinal();
        segClosedAt[s] = NOT_CLOSED;
        if (prev >= 0) {
            segNext[prev] = s;
        } else {
            first[lifetime] = s;
        }
        last[lifetime] = s;
        addressEnd = Math.max(addressEnd, segOffset[s] + segBytes[s]);
        indexAdded(s);
    }

    /** The state of the lifetime's latest segment; {@link LifetimeState#RESIDENT} before it has one. */
    LifetimeState currentState(int lifetime) {
        int s = last[lifetime];
        return s < 0 ? LifetimeState.RESIDENT : STATES[segState[s]];
    }

    /** Ends the lifetime's current segment (if one is open) at {@code x}. */
    void endSegment(int lifetime, long x) {
        int s = last[lifetime];
        if (s >= 0 && segClosedAt[s] == NOT_CLOSED) {
            segEnd[s] = Math.max(x, segStart[s]);
            segClosedAt[s] = clock;
            indexClosed(s);
        }
    }

    private void indexAdded(int s) {
        if (levelMinStart.length == 0 || s == span(levelMinStart.length)) {
            addLevel();
        }
        long address = segOffset[s] + segBytes[s];
        int node = s;
        for (int l = 0; l < levelMinStart.length; l++) {
            node /= BLOCK;
            if (node == levelMinStart[l].length) {
                int cap = node * 2;
                levelMinStart[l] = grow(levelMinStart[l], cap, Long.MAX_VALUE);
                levelMaxEnd[l] = grow(levelMaxEnd[l], cap, Long.MIN_VALUE);
                levelOpen[l] = Arrays.copyOf(levelOpen[l], cap);
                levelAddressEnd[l] = Arrays.copyOf(levelAddressEnd[l], cap);
            }
            levelMinStart[l][node] = Math.min(levelMinStart[l][node], segStart[s]);
            levelOpen[l][node]++;
            levelAddressEnd[l][node] = Math.max(levelAddressEnd[l][node], address);
        }
    }

    private void indexClosed(int s) {
        int node = s;
        for (int l = 0; l < levelMinStart.length; l++) {
            node /= BLOCK;
            levelOpen[l][node]--;
            levelMaxEnd[l][node] = Math.max(levelMaxEnd[l][node], segEnd[s]);
        }
    }

    /** A new top level whose one node holds what the old top node held. */
    private void addLevel() {
        int l = levelMinStart.length;
        levelMinStart = Arrays.copyOf(levelMinStart, l + 1);
        levelMaxEnd = Arrays.copyOf(levelMaxEnd, l + 1);
        levelOpen = Arrays.copyOf(levelOpen, l + 1);
        levelAddressEnd = Arrays.copyOf(levelAddressEnd, l + 1);
        levelMinStart[l] = grow(new long[0], 1, Long.MAX_VALUE);
        levelMaxEnd[l] = grow(new long[0], 1, Long.MIN_VALUE);
        levelOpen[l] = new int[1];
        levelAddressEnd[l] = new long[1];
        if (l > 0) {
            levelMinStart[l][0] = levelMinStart[l - 1][0];
            levelMaxEnd[l][0] = levelMaxEnd[l - 1][0];
            levelOpen[l][0] = levelOpen[l - 1][0];
            levelAddressEnd[l][0] = levelAddressEnd[l - 1][0];
        }
    }

    /** Segments one node of {@code levels - 1} covers: BLOCK^levels. */
    private static long span(int levels) {
        long span = 1;
        for (int l = 0; l < levels; l++) {
            span *= BLOCK;
        }
        return span;
    }

    private static long[] grow(long[] a, int cap, long fill) {
        long[] out = Arrays.copyOf(a, cap);
        Arrays.fill(out, a.length, cap, fill);
        return out;
    }

    /** Capacity grows ahead of need while reading; a table that is done keeps only what it holds. */
    void trim() {
        segStart = Arrays.copyOf(segStart, segments);
        segEnd = Arrays.copyOf(segEnd, segments);
        segOffset = Arrays.copyOf(segOffset, segments);
        segBytes = Arrays.copyOf(segBytes, segments);
        segLifetime = Arrays.copyOf(segLifetime, segments);
        segNext = Arrays.copyOf(segNext, segments);
        segState = Arrays.copyOf(segState, segments);
        segClosedAt = Arrays.copyOf(segClosedAt, segments);
        tensorId = Arrays.copyOf(tensorId, lifetimes);
        name = Arrays.copyOf(name, lifetimes);
        layer = Arrays.copyOf(layer, lifetimes);
        category = Arrays.copyOf(category, lifetimes);
        first = Arrays.copyOf(first, lifetimes);
        last = Arrays.copyOf(last, lifetimes);
        flags = Arrays.copyOf(flags, lifetimes);
        openedAt = Arrays.copyOf(openedAt, lifetimes);
    }

    /** The table as it stands after {@code events} events, the last at {@code xEnd}; shares the arrays. */
    Snapshot snapshot(int events, long xEnd) {
        return new Snapshot(this, events, xEnd);
    }

    // ---- queries --------------------------------------------------------------------------------------

    /**
     * The first segments and lifetimes of a table, with segments open at the last event ending there. Answers
     * the same while the table grows, as long as nothing appends while it is read.
     */
    static final class Snapshot {
        private final long[] segStart;
        private final long[] segEnd;
        private final long[] segOffset;
        private final long[] segBytes;
        private final int[] segLifetime;
        private final int[] segNext;
        private final byte[] segState;
        private final int[] segClosedAt;
        private final int segments;
        private final long[] tensorId;
        private final String[] name;
        private final String[] layer;
        private final byte[] category;
        private final int[] first;
        private final byte[] flags;
        private final int[] openedAt;
        private final int lifetimes;
        private final long[][] levelMinStart;
        private final long[][] levelMaxEnd;
        private final int[][] levelOpen;
        private final long[][] levelAddressEnd;
        private final long addressEnd;
        private final int events;
        private final long xEnd;

        private Snapshot(LifetimeTable t, int events, long xEnd) {
            segStart = t.segStart;
            segEnd = t.segEnd;
            segOffset = t.segOffset;
            segBytes = t.segBytes;
            segLifetime = t.segLifetime;
            segNext = t.segNext;
            segState = t.segState;
            segClosedAt = t.segClosedAt;
            segments = t.segments;
            tensorId = t.tensorId;
            name = t.name;
            layer = t.layer;
            category = t.category;
            first = t.first;
            flags = t.flags;
            openedAt = t.openedAt;
            lifetimes = t.lifetimes;
            levelMinStart = t.levelMinStart.clone();
            levelMaxEnd = t.levelMaxEnd.clone();
            levelOpen = t.levelOpen.clone();
            levelAddressEnd = t.levelAddressEnd.clone();
            addressEnd = t.addressEnd;
            this.events = events;
            this.xEnd = xEnd;
        }

        private boolean open(int segment) {
            return segClosedAt[segment] >= events;
        }

        /** Nodes of {@code level} that hold any of this snapshot's segments. */
        private int nodes(int level) {
            long span = span(level + 1);
            return (int) ((segments + span - 1) / span);
        }

        private boolean misses(int level, int node, long x0, long x1) {
            return levelMinStart[level][node] > x1 || (levelOpen[level][node] == 0 && levelMaxEnd[level][node] < x0);
        }

        /** Visits every segment with {@code start <= x1 && end >= x0}. */
        void forEachOverlapping(long x0, long x1, SegmentConsumer consumer) {
            if (segments == 0) {
                return;
            }
            int top = levelMinStart.length - 1;
            for (int node = 0; node < nodes(top); node++) {
                descend(top, node, x0, x1, consumer);
            }
        }

        private void descend(int level, int node, long x0, long x1, SegmentConsumer consumer) {
            if (misses(level, node, x0, x1)) {
                return;
            }
            int from = node * BLOCK;
            if (level == 0) {
                int to = Math.min(segments, from + BLOCK);
                for (int s = from; s < to; s++) {
                    if (segStart[s] <= x1 && end(s) >= x0) {
                        consumer.accept(s);
                    }
                }
                return;
            }
            int to = Math.min(nodes(level - 1), from + BLOCK);
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
            for (int node = 0; node < nodes(top); node++) {
                best = addressEndIn(top, node, x0, x1, best);
            }
            return best;
        }

        private long addressEndIn(int level, int node, long x0, long x1, long best) {
            if (levelAddressEnd[level][node] <= best || misses(level, node, x0, x1)) {
                return best;
            }
            int from = node * BLOCK;
            if (level == 0) {
                int to = Math.min(segments, from + BLOCK);
                for (int s = from; s < to; s++) {
                    if (segStart[s] <= x1 && end(s) >= x0) {
                        best = Math.max(best, segOffset[s] + segBytes[s]);
                    }
                }
                return best;
            }
            int to = Math.min(nodes(level - 1), from + BLOCK);
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

        /** The segment's end; one still open at the last event ends there. */
        long end(int segment) {
            return open(segment) ? Math.max(xEnd, segStart[segment]) : segEnd[segment];
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
            Objects.checkIndex(i, lifetimes);
            List<LifetimeSegment> parts = new ArrayList<>();
            int tail = -1;
            for (int s = first[i]; s >= 0 && s < segments; s = segNext[s]) {
                parts.add(new LifetimeSegment(segStart[s], end(s), segOffset[s], segBytes[s], STATES[segState[s]]));
                tail = s;
            }
            LifetimeSegment head = parts.get(0);
            return new TensorLifetime(tensorId[i], name[i], layer[i], CATEGORIES[category[i]], head.offset(),
                    head.bytes(), head.start(), parts.get(parts.size() - 1).end(), (flags[i] & OPEN_START) != 0,
                    open(tail), parts, openedAt[i]);
        }
    }
}
