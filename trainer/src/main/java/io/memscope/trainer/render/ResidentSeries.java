package io.memscope.trainer.render;

import java.util.Arrays;
import java.util.Objects;

/**
 * Resident bytes per category after every event, stored as one (category, delta) pair per event plus a
 * snapshot of all categories every {@link #BLOCK} events. A dense table (categories x events) would cost nine
 * longs per event; this costs about one and still rebuilds any state from the nearest snapshot in at most
 * {@code BLOCK} steps.
 *
 * <p>States are numbered 0..n: state {@code j} is the resident bytes after the first {@code j} events, so state
 * 0 is before any event. Range queries over states answer the max and min of the <em>stacked</em> totals (the
 * sum of categories 0..k in stacking order) from a pyramid of per-block maxima and minima, so a query costs
 * O(BLOCK x levels) however many events it spans.
 *
 * <p>Values are kept relative to a per-category base that is only known after the last event (bytes that were
 * already resident before a truncated trace's first event); adding a constant to every state shifts each
 * stacked max and min by the same constant, so the base is applied when answering.
 *
 * <p>The {@link Builder} grows as events arrive and can hand out a series of its first events at any time
 * ({@link Builder#view(long[])}) without copying: a pyramid node is filled in once all its states are known and
 * never changes after, and a query only reads nodes that lie wholly inside its range, so a view keeps
 * answering for its own length while the builder goes on appending.
 */
final class ResidentSeries {
    static final int BLOCK = 64;

    private final int k;
    private final int events;
    private final byte[] category;
    private final long[] delta;
    /** State {@code b*BLOCK}, k values per snapshot. */
    private final long[] snapshots;
    /** Level L node i covers states [i*BLOCK^(L+1), (i+1)*BLOCK^(L+1)); k stacked values per node. */
    private final long[][] levelMax;
    private final long[][] levelMin;
    /** Per category: bytes already resident before the first event. */
    private final long[] base;
    private final long[] stackedBase;

    private ResidentSeries(Builder b, long[] base) {
        this.k = b.k;
        this.events = b.count;
        this.category = b.category;
        this.delta = b.delta;
        this.snapshots = b.snapshots;
        this.levelMax = Arrays.copyOf(b.levelMax, b.levels);
        this.levelMin = Arrays.copyOf(b.levelMin, b.levels);
        this.stackedBase = new long[k];
        long sum = 0;
        for (int i = 0; i < k; i++) {
            sum += base[i];
            stackedBase[i] = sum;
        }
        this.base = base.clone();
    }

    /** Number of events; states are 0..events. */
    int events() {
        return events;
    }

    /** Writes state {@code j} (per category, not stacked) into {@code out}. */
    void state(int j, long[] out) {
        Objects.checkIndex(j, events + 1);
        int b = j / BLOCK;
        System.arraycopy(snapshots, b * k, out, 0, k);
        for (int e = b * BLOCK; e < j; e++) {
            if (category[e] >= 0) {
                out[category[e]] += delta[e];
            }
        }
        for (int i = 0; i < k; i++) {
            out[i] += base[i];
        }
    }

    /**
     * Max and min of each stacked total over states {@code lo..hi} inclusive; {@code max[i]} is the largest
     * sum of categories 0..i seen in that range.
     */
    void stackedRange(int lo, int hi, long[] max, long[] min) {
        Objects.checkFromToIndex(lo, hi + 1, events + 1);
        Arrays.fill(max, 0, k, Long.MIN_VALUE);
        Arrays.fill(min, 0, k, Long.MAX_VALUE);
        range(-1, lo, hi, max, min);
        for (int i = 0; i < k; i++) {
            max[i] += stackedBase[i];
            min[i] += stackedBase[i];
        }
    }

    /** Elements of {@code level} (-1: single states) from lo to hi inclusive. */
    private void range(int level, int lo, int hi, long[] max, long[] min) {
        boolean top = level + 1 >= levelMax.length;
        int firstFull = (lo + BLOCK - 1) / BLOCK;
        int lastFull = (hi + 1) / BLOCK - 1;
        if (top || hi - lo < 2 * BLOCK || firstFull > lastFull) {
            scan(level, lo, hi, max, min);
            return;
        }
        if (lo < firstFull * BLOCK) {
            scan(level, lo, firstFull * BLOCK - 1, max, min);
        }
        if ((lastFull + 1) * BLOCK <= hi) {
            scan(level, (lastFull + 1) * BLOCK, hi, max, min);
        }
        range(level + 1, firstFull, lastFull, max, min);
    }

    private void scan(int level, int lo, int hi, long[] max, long[] min) {
        if (level >= 0) {
            long[] lMax = levelMax[level];
            long[] lMin = levelMin[level];
            for (int node = lo; node <= hi; node++) {
                for (int i = 0; i < k; i++) {
                    max[i] = Math.max(max[i], lMax[node * k + i]);
                    min[i] = Math.min(min[i], lMin[node * k + i]);
                }
            }
            return;
        }
        long[] s = new long[k];
        int b = lo / BLOCK;
        System.arraycopy(snapshots, b * k, s, 0, k);
        for (int e = b * BLOCK; e < lo; e++) {
            if (category[e] >= 0) {
                s[category[e]] += delta[e];
            }
        }
        for (int j = lo; ; j++) {
            long sum = 0;
            for (int i = 0; i < k; i++) {
                sum += s[i];
                max[i] = Math.max(max[i], sum);
                min[i] = Math.min(min[i], sum);
            }
            if (j == hi) {
                return;
            }
            if (category[j] >= 0) {
                s[category[j]] += delta[j];
            }
        }
    }

    /**
     * Collects events in order, growing as they come; {@link #view(long[])} answers for the events so far,
     * {@link #build(long[])} for a builder that is done.
     */
    static final class Builder {
        private final int k;
        private byte[] category;
        private long[] delta;
        private long[] snapshots;
        /** Level 0 is the leaves (BLOCK states each); a node is folded into its parent once it is complete. */
        private long[][] levelMax = new long[4][];
        private long[][] levelMin = new long[4][];
        private int levels;
        private final long[] state;
        private int count;

        /** {@code events} is how many events to make room for; more may be added. */
        Builder(int categories, int events) {
            this.k = categories;
            int cap = Math.max(events, 16);
            this.category = new byte[cap];
            this.delta = new long[cap];
            int leaves = cap / BLOCK + 1;
            this.snapshots = new long[leaves * k];
            levelMax[0] = filled(leaves * k, Long.MIN_VALUE);
            levelMin[0] = filled(leaves * k, Long.MAX_VALUE);
            levels = 1;
            this.state = new long[k];
            recordState(0);
        }

        /** The next event changes category {@code stackIndex} (or nothing, when -1) by {@code bytes}. */
        void add(int stackIndex, long bytes) {
            if (count == category.length) {
                int cap = category.length + (category.length >> 1) + 16;
                category = Arrays.copyOf(category, cap);
                delta = Arrays.copyOf(delta, cap);
            }
            category[count] = (byte) stackIndex;
            delta[count] = bytes;
            if (stackIndex >= 0) {
                state[stackIndex] += bytes;
            }
            count++;
            recordState(count);
        }

        /** Current value of one category, before the base is known. */
        long current(int stackIndex) {
            return state[stackIndex];
        }

        int count() {
            return count;
        }

        /** The series of the events added so far, sharing this builder's arrays. */
        ResidentSeries view(long[] base) {
            return new ResidentSeries(this, base);
        }

        ResidentSeries build(long[] base) {
            return view(base);
        }

        private void recordState(int j) {
            int leaf = j / BLOCK;
            if (j % BLOCK == 0) {
                if ((leaf + 1) * k > snapshots.length) {
                    snapshots = Arrays.copyOf(snapshots, Math.max((leaf + 1) * k, snapshots.length * 2));
                }
                System.arraycopy(state, 0, snapshots, leaf * k, k);
                ensureNode(0, leaf);
            }
            long[] leafMax = levelMax[0];
            long[] leafMin = levelMin[0];
            long sum = 0;
            for (int i = 0; i < k; i++) {
                sum += state[i];
                leafMax[leaf * k + i] = Math.max(leafMax[leaf * k + i], sum);
                leafMin[leaf * k + i] = Math.min(leafMin[leaf * k + i], sum);
            }
            if (j % BLOCK == BLOCK - 1) {
                complete(0, leaf);
            }
        }

        /** Node {@code node} of {@code level} holds all its states: fold it into its parent. */
        private void complete(int level, int node) {
            int parent = node / BLOCK;
            if (level + 1 == levels) {
                if (levels == levelMax.length) {
                    levelMax = Arrays.copyOf(levelMax, levels * 2);
                    levelMin = Arrays.copyOf(levelMin, levels * 2);
                }
                levelMax[levels] = filled(4 * k, Long.MIN_VALUE);
                levelMin[levels] = filled(4 * k, Long.MAX_VALUE);
                levels++;
            }
            ensureNode(level + 1, parent);
            long[] cMax = levelMax[level];
            long[] cMin = levelMin[level];
            long[] pMax = levelMax[level + 1];
            long[] pMin = levelMin[level + 1];
            for (int i = 0; i < k; i++) {
                pMax[parent * k + i] = Math.max(pMax[parent * k + i], cMax[node * k + i]);
                pMin[parent * k + i] = Math.min(pMin[parent * k + i], cMin[node * k + i]);
            }
            if (node % BLOCK == BLOCK - 1) {
                complete(level + 1, parent);
            }
        }

        private void ensureNode(int level, int node) {
            int need = (node + 1) * k;
            int have = levelMax[level].length;
            if (need > have) {
                int cap = Math.max(need, have * 2);
                levelMax[level] = grow(levelMax[level], cap, Long.MIN_VALUE);
                levelMin[level] = grow(levelMin[level], cap, Long.MAX_VALUE);
            }
        }

        private static long[] grow(long[] a, int cap, long fill) {
            long[] out = Arrays.copyOf(a, cap);
            Arrays.fill(out, a.length, cap, fill);
            return out;
        }

        private static long[] filled(int n, long fill) {
            long[] a = new long[n];
            Arrays.fill(a, fill);
            return a;
        }
    }
}
