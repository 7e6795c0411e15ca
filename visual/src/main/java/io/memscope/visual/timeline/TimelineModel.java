package io.memscope.visual.timeline;

import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.render.PhaseKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Resident device memory over time, by category, kept so that drawing it costs the same whether it holds a
 * hundred events or millions.
 *
 * <p>Every event that changes resident memory becomes a point (time, category, signed bytes, total after it) in
 * primitive arrays. Two small indexes sit on top: the minimum and maximum total of each block of
 * {@value #BLOCK} points, and the bytes per category before every {@value #CHECKPOINT}th point. A query for
 * {@code n} screen columns then finds each column's points by binary search, its highest and lowest total
 * through the block index, and the categories at its highest point by replaying at most one checkpoint's
 * worth of points — per column, never per event. Peaks are never lost when zoomed out, because a column
 * reports its maximum, not a sample.
 *
 * <p>Phases (forward / backward / update per layer), step boundaries and OOM events are kept beside the points.
 * Not thread-safe: one thread (the UI's) appends and queries.
 */
public final class TimelineModel {
    static final int BLOCK = 64;
    static final int CHECKPOINT = 256;
    private static final int CATS = Category.values().length;

    /** A phase: from {@code startNs} until the next phase or step begins. */
    public record PhaseSpan(long startNs, String phase, String layer, int step) {}

    private long[] time = new long[1024];
    private long[] delta = new long[1024];
    private long[] total = new long[1024];
    private byte[] category = new byte[1024];
    private int points;

    private long[] blockMax = new long[16];
    private long[] blockMin = new long[16];
    private int[] blockMaxAt = new int[16];
    private long[][] checkpoints = new long[16][];

    private final long[] resident = new long[CATS];
    private final long[] maxByCategory = new long[CATS];
    private long current;
    private long peak;
    private long peakTimeNs;

    private final List<PhaseSpan> phases = new ArrayList<>();
    private long[] stepStarts = new long[64];
    private int steps;
    private final List<MemoryEvent> ooms = new ArrayList<>();

    private long firstNs = Long.MAX_VALUE;
    private long originNs;
    private long lastNs;
    private long events;
    private long budgetBytes;
    private long version;
    private final Set<PhaseKind> phaseKinds = EnumSet.noneOf(PhaseKind.class);

    public void clear() {
        phaseKinds.clear();
        points = 0;
        Arrays.fill(resident, 0);
        Arrays.fill(maxByCategory, 0);
        current = 0;
        peak = 0;
        peakTimeNs = 0;
        phases.clear();
        steps = 0;
        ooms.clear();
        firstNs = Long.MAX_VALUE;
        originNs = 0;
        lastNs = 0;
        events = 0;
        version++;
    }

    public void setBudgetBytes(long budgetBytes) {
        this.budgetBytes = budgetBytes;
        version++;
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    /** The kinds of phase the events so far went through (for the legend). */
    public Set<PhaseKind> phaseKinds() {
        return Collections.unmodifiableSet(phaseKinds);
    }

    public void addAll(List<MemoryEvent> batch) {
        for (MemoryEvent e : batch) {
            add(e);
        }
    }

    public void add(MemoryEvent e) {
        events++;
        version++;
        long t = e.timeNs();
        if (events == 1) {
            originNs = t;
        }
        firstNs = Math.min(firstNs, t);
        lastNs = Math.max(lastNs, t);
        switch (e.action()) {
            case PHASE -> {
                phases.add(new PhaseSpan(t, e.phase(), e.layer(), e.step()));
                phaseKinds.add(PhaseKind.of(e.phase()));
            }
            case SEGMENT -> {
                if (steps == stepStarts.length) {
                    stepStarts = Arrays.copyOf(stepStarts, steps * 2);
                }
                stepStarts[steps++] = t;
                phases.add(new PhaseSpan(t, "step", "", e.step()));
            }
            case OOM -> ooms.add(e);
            default -> {
                long d = e.residentDelta();
                if (d != 0 && e.category() != null) {
                    addPoint(t, e.category(), d);
                }
            }
        }
    }

    private void addPoint(long t, Category c, long d) {
        int i = points;
        if (i == time.length) {
            int cap = i * 2;
            time = Arrays.copyOf(time, cap);
            delta = Arrays.copyOf(delta, cap);
            total = Arrays.copyOf(total, cap);
            category = Arrays.copyOf(category, cap);
        }
        if (i % CHECKPOINT == 0) {
            int k = i / CHECKPOINT;
            if (k == checkpoints.length) {
                checkpoints = Arrays.copyOf(checkpoints, k * 2);
            }
            checkpoints[k] = resident.clone();
        }
        resident[c.ordinal()] += d;
        maxByCategory[c.ordinal()] = Math.max(maxByCategory[c.ordinal()], resident[c.ordinal()]);
        current += d;
        time[i] = t;
        delta[i] = d;
        total[i] = current;
        category[i] = (byte) c.ordinal();
        int b = i / BLOCK;
        if (b == blockMax.length) {
            blockMax = Arrays.copyOf(blockMax, b * 2);
            blockMin = Arrays.copyOf(blockMin, b * 2);
            blockMaxAt = Arrays.copyOf(blockMaxAt, b * 2);
        }
        if (i % BLOCK == 0 || current > blockMax[b]) {
            blockMax[b] = current;
            blockMaxAt[b] = i;
        }
        if (i % BLOCK == 0 || current < blockMin[b]) {
            blockMin[b] = current;
        }
        if (current > peak) {
            peak = current;
            peakTimeNs = t;
        }
        points = i + 1;
    }

    /** Events seen, of every kind. */
    public long events() {
        return events;
    }

    /** Points that changed resident memory. */
    public int points() {
        return points;
    }

    /** Changes whenever the content changes; a view redraws only when it moved. */
    public long version() {
        return version;
    }

    public boolean isEmpty() {
        return events == 0;
    }

    public long firstNs() {
        return events == 0 ? 0 : firstNs;
    }

    /**
     * Where the window counts time from: the time of the first event, 0 before any (the exported picture's
     * origin too, {@code render.TimelineModel.xOrigin()}).
     */
    public long originNs() {
        return originNs;
    }

    public long lastNs() {
        return lastNs;
    }

    public long peakBytes() {
        return peak;
    }

    public long peakTimeNs() {
        return peakTimeNs;
    }

    public long currentBytes() {
        return current;
    }

    public long currentBytes(Category c) {
        return resident[c.ordinal()];
    }

    /** The most a category ever held. */
    public long maxBytes(Category c) {
        return maxByCategory[c.ordinal()];
    }

    public List<PhaseSpan> phases() {
        return phases;
    }

    public int steps() {
        return steps;
    }

    public long stepStartNs(int i) {
        return stepStarts[i];
    }

    public List<MemoryEvent> ooms() {
        return ooms;
    }

    /** Index of the first point at or after {@code t}. */
    int firstPointAtOrAfter(long t) {
        int lo = 0;
        int hi = points;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (time[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Index of the first phase span starting at or after {@code t}. */
    public int firstPhaseAtOrAfter(long t) {
        int lo = 0;
        int hi = phases.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (phases.get(mid).startNs() < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Index of the first step starting at or after {@code t}. */
    public int firstStepAtOrAfter(long t) {
        int lo = 0;
        int hi = steps;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (stepStarts[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Bytes per category right after point {@code i} (i = -1: before any point). */
    void stateAfter(int i, long[] out) {
        if (i < 0) {
            Arrays.fill(out, 0);
            return;
        }
        int k = i / CHECKPOINT;
        System.arraycopy(checkpoints[k], 0, out, 0, CATS);
        for (int j = k * CHECKPOINT; j <= i; j++) {
            out[category[j]] += delta[j];
        }
    }

    /**
     * Fills {@code out} with {@code out.columns()} columns covering {@code [fromNs, toNs)}: for each, the lowest and
     * highest total and the bytes per category at the highest point. Columns after the last event are marked
     * empty. Costs O(columns × ({@value #BLOCK} + {@value #CHECKPOINT})) plus the blocks a column spans.
     */
    public void sample(long fromNs, long toNs, TimelineColumns out) {
        int n = out.columns();
        out.reset(fromNs, toNs);
        if (points == 0 || toNs <= fromNs) {
            return;
        }
        double width = (double) (toNs - fromNs) / n;
        long[] state = new long[CATS];
        int start = firstPointAtOrAfter(fromNs);
        for (int c = 0; c < n; c++) {
            long a = fromNs + (long) Math.floor(c * width);
            long b = fromNs + (long) Math.floor((c + 1) * width);
            if (a > lastNs) {
                break;
            }
            int end = firstPointAtOrAfter(b);
            // The level carried into the column from the last point before it.
            int maxAt = start - 1;
            long max = start > 0 ? total[start - 1] : 0;
            long min = max;
            int i = start;
            while (i < end) {
                if (i % BLOCK == 0 && i + BLOCK <= end) {
                    int blk = i / BLOCK;
                    if (blockMax[blk] > max) {
                        max = blockMax[blk];
                        maxAt = blockMaxAt[blk];
                    }
                    min = Math.min(min, blockMin[blk]);
                    i += BLOCK;
                } else {
                    long v = total[i];
                    if (v > max) {
                        max = v;
                        maxAt = i;
                    }
                    min = Math.min(min, v);
                    i++;
                }
            }
            stateAfter(maxAt, state);
            out.set(c, min, max, state);
            start = end;
        }
    }
}
