package io.memscope.trainer.render;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 */
final class ResidentSeries {
    static final int BLOCK = 64;

    private final int k;
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
        this.category = b.category;
        this.delta = b.delta;
        this.snapshots = b.snapshots;
        List<long[]> maxLevels = new ArrayList<>();
        List<long[]> minLevels = new ArrayList<>();
        maxLevels.add(b.leafMax);
        minLevels.add(b.leafMin);
        while (maxLevels.get(maxLevels.size() - 1).length > k) {
            long[] childMax = maxLevels.get(maxLevels.size() - 1);
            long[] childMin = minLevels.get(minLevels.size() - 1);
            int children = childMax.length / k;
            int parents = (children + BLOCK - 1) / BLOCK;
            long[] pMax = new long[parents * k];
            long[] pMin = new long[parents * k];
            Arrays.fill(pMax, Long.MIN_VALUE);
            Arrays.fill(pMin, Long.MAX_VALUE);
            for (int c = 0; c < children; c++) {
                int p = c / BLOCK;
                for (int i = 0; i < k; i++) {
                    pMax[p * k + i] = Math.max(pMax[p * k + i], childMax[c * k + i]);
                    pMin[p * k + i] = Math.min(pMin[p * k + i], childMin[c * k + i]);
                }
            }
            maxLevels.add(pMax);
            minLevels.add(pMin);
        }
        this.levelMax = maxLevels.toArray(long[][]::new);
        this.levelMin = minLevels.toArray(long[][]::new);
        this.stackedBase = new long[k];
        long sum = 0;
        for (int i = 0; i < k; i++) {
            sum += base[i];
            stackedBase[i] = sum;
        }
        this.base = base.clone();
    }

    /** Writes state {@code j} (per category, not stacked) into {@code out}. */
    void state(int j, long[] out) {
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

    /** Collects events in order; {@link #build(long[])} seals the series. */
    static final class Builder {
        private final int k;
        private final int capacity;
        private final byte[] category;
        private final long[] delta;
        private final long[] snapshots;
        private final long[] leafMax;
        private final long[] leafMin;
        private final long[] state;
        private int count;

        Builder(int categories, int events) {
            this.k = categories;
            this.capacity = events;
            this.category = new byte[events];
            this.delta = new long[events];
            int leaves = events / BLOCK + 1;
            this.snapshots = new long[leaves * k];
            this.leafMax = new long[leaves * k];
            this.leafMin = new long[leaves * k];
            Arrays.fill(leafMax, Long.MIN_VALUE);
            Arrays.fill(leafMin, Long.MAX_VALUE);
            this.state = new long[k];
            recordState(0);
        }

        /** The next event changes category {@code stackIndex} (or nothing, when -1) by {@code bytes}. */
        void add(int stackIndex, long bytes) {
            if (count == capacity) {
                throw new IllegalStateException("more events than announced (" + capacity + ")");
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

        ResidentSeries build(long[] base) {
            if (count != capacity) {
                throw new IllegalStateException("announced " + capacity + " events, got " + count);
            }
            return new ResidentSeries(this, base);
        }

        private void recordState(int j) {
            int leaf = j / BLOCK;
            if (j % BLOCK == 0) {
                System.arraycopy(state, 0, snapshots, leaf * k, k);
            }
            long sum = 0;
            for (int i = 0; i < k; i++) {
                sum += state[i];
                leafMax[leaf * k + i] = Math.max(leafMax[leaf * k + i], sum);
                leafMin[leaf * k + i] = Math.min(leafMin[leaf * k + i], sum);
            }
        }
    }
}
