package io.memscope.trainer.render;

import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Everything the memory timeline draws, built from a trace in one pass over its events: the resident bytes
 * per category as a step function over x, tensor lifetimes with their swapped / compressed stretches, phase
 * intervals, step boundaries and OOMs. Storage is primitive arrays, not an object per event: about 20 bytes
 * per event plus about 70 per tensor lifetime, so a trace of millions of events fits comfortably.
 *
 * <p>x is {@link XAxis#TIME_NS} or {@link XAxis#EVENT_INDEX}. Timestamps that go backwards (events recorded
 * from several threads) are clamped to their predecessor so that x never decreases and lookups can bisect.
 * The value of the step function at x includes every event at x.
 *
 * <p>A model comes from {@link #of} (every event at once) or from a {@link Live} builder (batches as they
 * arrive); both give the same answers for the same events. A model from {@link #of} is immutable and safe to
 * share between threads; one from {@link Live#snapshot()} never changes its answers either, but shares the
 * builder's arrays, so it must not be read while the builder appends.
 */
public final class TimelineModel {
    /**
     * Order in which categories are stacked, bottom first: what lives for the whole run (parameters, optimizer
     * state, gradients) at the bottom, so the per-step swing of activations and temporaries sits on top.
     */
    public static final List<Category> STACK_ORDER = List.of(
            Category.PARAMETER, Category.OPTIMIZER_STATE, Category.GRADIENT, Category.INPUT, Category.ACTIVATION,
            Category.ACTIVATION_GRAD, Category.COMPRESSED, Category.WORKSPACE, Category.TEMPORARY);

    private static final int K = STACK_ORDER.size();
    private static final int[] STACK_INDEX = new int[Category.values().length];

    static {
        for (int i = 0; i < K; i++) {
            STACK_INDEX[STACK_ORDER.get(i).ordinal()] = i;
        }
    }

    /** Receives the lifetime segments a query finds, without allocating per segment. */
    @FunctionalInterface
    public interface SegmentVisitor {
        void segment(long start, long end, long offset, long bytes, Category category, LifetimeState state);
    }

    private final TraceInfo info;
    private final XAxis axis;
    /** x of each event; only the first {@link #n} entries belong to this model. */
    private final long[] xs;
    private final int n;
    private final ResidentSeries series;
    private final LifetimeTable.Snapshot lifetimes;
    private final List<PhaseInterval> phases;
    private final List<StepBoundary> steps;
    private final List<OomMarker> ooms;
    private final long peakBytes;
    private final long peakX;
    private final long[] peakByCategory;
    private final long[] allocatedByCategory;
    private final Set<Category> categories;
    private final Set<LifetimeState> states;

    /** The model of the events {@code live} holds now; shares its arrays. */
    private TimelineModel(Live live) {
        this.info = live.info;
        this.axis = live.axis;
        this.n = live.n;
        this.xs = live.xs;
        long xEnd = n == 0 ? 0 : xs[n - 1];
        long[] base = live.base.clone();
        this.series = live.resident.view(base);
        this.lifetimes = live.table.snapshot(n, xEnd);
        this.phases = live.phaseRecorder.phases(xEnd);
        this.steps = live.phaseRecorder.steps();
        this.ooms = live.ooms.view();

        EnumSet<Category> seen = live.seen.clone();
        long baseTotal = 0;
        this.peakByCategory = new long[K];
        for (int k = 0; k < K; k++) {
            baseTotal += base[k];
            peakByCategory[k] = live.relativePeak[k] + base[k];
            if (base[k] > 0) {
                seen.add(STACK_ORDER.get(k));
            }
        }
        this.peakBytes = live.relativePeakTotal + baseTotal;
        this.peakX = n == 0 ? 0 : xs[Math.max(0, live.peakState - 1)];
        this.allocatedByCategory = live.allocated.clone();
        this.categories = Collections.unmodifiableSet(seen);
        this.states = Collections.unmodifiableSet(live.seenStates.clone());
    }

    /** Builds the model with time on the x axis. */
    public static TimelineModel of(TraceInfo info, List<MemoryEvent> events) {
        return of(info, events, XAxis.TIME_NS);
    }

    public static TimelineModel of(TraceInfo info, List<MemoryEvent> events, XAxis axis) {
        Objects.requireNonNull(events, "events");
        Live live = new Live(info, axis, events.size()).append(events);
        live.table.trim();
        return live.snapshot();
    }

    /**
     * Builds a model as events arrive, the way a live window receives them: {@link #append} a batch at a time,
     * {@link #snapshot} whenever a frame needs one. A snapshot answers every query exactly as {@link
     * TimelineModel#of} would over the events appended so far: tensors not yet freed and the phase still
     * running reach to the last event, the peak and the categories are those of the events so far.
     *
     * <p>Appending costs amortized O(1) per event (growing arrays, pyramid nodes filled in as they complete) and
     * a snapshot O(1) in the number of events: it shares the builder's arrays up to their length at that moment,
     * and keeps answering for that moment while the builder goes on. Not thread-safe: append and read snapshots
     * on one thread, or hand snapshots over only while nothing appends.
     */
    public static final class Live {
        private TraceInfo info;
        private final XAxis axis;
        private final int expectedEvents;
        private long version;
        private TimelineModel cached;

        private long[] xs;
        private int n;
        private long previous;
        private ResidentSeries.Builder resident;
        private LifetimeTable table;
        private LifetimeRecorder recorder;
        private PhaseRecorder phaseRecorder;
        private AppendList<OomMarker> ooms;
        private EnumSet<Category> seen;
        private EnumSet<LifetimeState> seenStates;
        private long[] base;
        private long[] relativePeak;
        private long[] allocated;
        private long total;
        private long relativePeakTotal;
        private int peakState;

        /** An empty model with time on the x axis. */
        public Live(TraceInfo info) {
            this(info, XAxis.TIME_NS);
        }

        public Live(TraceInfo info, XAxis axis) {
            this(info, axis, 0);
        }

        private Live(TraceInfo info, XAxis axis, int expectedEvents) {
            this.info = Objects.requireNonNull(info, "info");
            this.axis = Objects.requireNonNull(axis, "axis");
            this.expectedEvents = expectedEvents;
            reset();
        }

        private void reset() {
            xs = new long[Math.max(16, expectedEvents)];
            n = 0;
            previous = Long.MIN_VALUE;
            resident = new ResidentSeries.Builder(K, expectedEvents);
            table = new LifetimeTable(expectedEvents / 2);
            recorder = null;
            phaseRecorder = new PhaseRecorder();
            ooms = new AppendList<>();
            seen = EnumSet.noneOf(Category.class);
            seenStates = EnumSet.noneOf(LifetimeState.class);
            base = new long[K];
            relativePeak = new long[K];
            allocated = new long[K];
            total = 0;
            relativePeakTotal = 0;
            peakState = 0;
            cached = null;
        }

        public TraceInfo info() {
            return info;
        }

        public XAxis axis() {
            return axis;
        }

        /** Events appended since the builder was made or last cleared. */
        public int eventCount() {
            return n;
        }

        /** Grows by one with every change (a non-empty batch, a clear, a new budget): a frame's cue to redraw. */
        public long version() {
            return version;
        }

        /** Appends events that follow the ones already appended, in order. */
        public Live append(List<MemoryEvent> batch) {
            Objects.requireNonNull(batch, "batch");
            if (batch.isEmpty()) {
                return this;
            }
            for (MemoryEvent e : batch) {
                accept(e);
            }
            changed();
            return this;
        }

        /** Forgets every event, as for a new run; snapshots already taken keep their answers. */
        public void clear() {
            reset();
            changed();
        }

        /** Draws against another budget from now on (the events stay). */
        public void setBudget(long budgetBytes) {
            if (budgetBytes != info.budgetBytes()) {
                info = new TraceInfo(info.network(), info.mode(), info.backend(), info.batch(), budgetBytes,
                        info.extra());
                changed();
            }
        }

        /** The model of the events appended so far; the same instance until the next change. */
        public TimelineModel snapshot() {
            if (cached == null) {
                cached = new TimelineModel(this);
            }
            return cached;
        }

        private void changed() {
            version++;
            cached = null;
        }

        private long xOf(MemoryEvent e) {
            return axis == XAxis.TIME_NS ? e.timeNs() : e.seq();
        }

        private void accept(MemoryEvent e) {
            long x = Math.max(xOf(e), previous);
            if (recorder == null) {
                recorder = new LifetimeRecorder(table, x);
            }
            previous = x;
            if (n == xs.length) {
                xs = Arrays.copyOf(xs, n + (n >> 1) + 16);
            }
            xs[n] = x;
            long delta = e.residentDelta();
            int k = delta != 0 ? stackIndex(e.category()) : -1;
            resident.add(k, delta);
            table.beginEvent(n);
            n++;
            if (k >= 0) {
                seen.add(STACK_ORDER.get(k));
                total += delta;
                relativePeak[k] = Math.max(relativePeak[k], resident.current(k));
                if (total > relativePeakTotal) {
                    relativePeakTotal = total;
                    peakState = n;
                }
            }
            long residentBefore = recorder.accept(e, x);
            if (k >= 0) {
                base[k] += residentBefore;
            }
            switch (e.action()) {
                case ALLOC -> allocated[stackIndex(e.category())] += e.bytes();
                case SWAP_OUT, SWAP_IN -> seenStates.add(LifetimeState.SWAPPED_OUT);
                case COMPRESS, DECOMPRESS -> seenStates.add(LifetimeState.COMPRESSED);
                case OOM -> ooms.add(new OomMarker(x, e.tensorName(), e.layer(), e.category(),
                        e.requestedBytes(), e.freeBytes(), e.largestFreeBytes()));
                default -> { }
            }
            phaseRecorder.accept(e, x);
        }
    }

    /** Position of a category in {@link #STACK_ORDER}; events without a category count as temporaries. */
    public static int stackIndex(Category category) {
        return STACK_INDEX[(category == null ? Category.TEMPORARY : category).ordinal()];
    }

    // ---- trace facts ----------------------------------------------------------------------------------

    public TraceInfo info() {
        return info;
    }

    public XAxis axis() {
        return axis;
    }

    public int eventCount() {
        return n;
    }

    /** x of an event (after clamping to keep x non-decreasing). */
    public long x(int eventIndex) {
        Objects.checkIndex(eventIndex, n);
        return xs[eventIndex];
    }

    /** x of the first event, 0 for an empty trace. */
    public long xMin() {
        return n == 0 ? 0 : xs[0];
    }

    /** x of the last event, 0 for an empty trace. */
    public long xMax() {
        return n == 0 ? 0 : xs[n - 1];
    }

    /**
     * Where x labels count from: the first event on {@link XAxis#TIME_NS}, so a picture's time starts at 0
     * whatever the recorder did before its first allocation; 0 on {@link XAxis#EVENT_INDEX}, whose numbers
     * name events.
     */
    public long xOrigin() {
        return axis == XAxis.TIME_NS ? xMin() : 0;
    }

    /** Largest total resident bytes at any moment. */
    public long peakBytes() {
        return peakBytes;
    }

    /** x at which {@link #peakBytes()} was first reached. */
    public long peakX() {
        return peakX;
    }

    /** Largest resident bytes of one category at any moment. */
    public long peakBytes(Category category) {
        return peakByCategory[stackIndex(category)];
    }

    /** Sum of the sizes of every ALLOC of a category. */
    public long allocatedBytes(Category category) {
        return allocatedByCategory[stackIndex(category)];
    }

    /** Categories that ever held device memory in this trace. */
    public Set<Category> categoriesPresent() {
        return categories;
    }

    /** Non-resident states (swapped out, compressed) that occur in this trace. */
    public Set<LifetimeState> offDeviceStatesPresent() {
        return states;
    }

    /** One past the highest address any tensor occupied: the height the lifetime view needs. */
    public long addressEnd() {
        return lifetimes.addressEnd();
    }

    /**
     * One past the highest address occupied (resident or left behind by a swapped or compressed tensor) at
     * any moment in {@code [x0, x1]}: the arena's high-water mark there, 0 when nothing was allocated.
     */
    public long addressEndIn(long x0, long x1) {
        return lifetimes.addressEndIn(x0, x1);
    }

    public List<PhaseInterval> phases() {
        return phases;
    }

    public List<StepBoundary> steps() {
        return steps;
    }

    public List<OomMarker> ooms() {
        return ooms;
    }

    /** Phase intervals that overlap {@code [x0, x1]}, in time order. */
    public List<PhaseInterval> phasesIn(long x0, long x1) {
        int from = firstIndex(phases.size(), i -> phases.get(i).end() >= x0);
        int to = firstIndex(phases.size(), i -> phases.get(i).start() > x1);
        return phases.subList(from, Math.max(from, to));
    }

    /** Step boundaries inside {@code [x0, x1]}. */
    public List<StepBoundary> stepsIn(long x0, long x1) {
        int from = firstIndex(steps.size(), i -> steps.get(i).x() >= x0);
        int to = firstIndex(steps.size(), i -> steps.get(i).x() > x1);
        return steps.subList(from, Math.max(from, to));
    }

    /** OOM markers inside {@code [x0, x1]}. */
    public List<OomMarker> oomsIn(long x0, long x1) {
        int from = firstIndex(ooms.size(), i -> ooms.get(i).x() >= x0);
        int to = firstIndex(ooms.size(), i -> ooms.get(i).x() > x1);
        return ooms.subList(from, Math.max(from, to));
    }

    // ---- resident memory ------------------------------------------------------------------------------

    /** Resident bytes of one category at x, counting every event at or before x. */
    public long residentAt(long x, Category category) {
        return stateAt(upperBound(x))[stackIndex(category)];
    }

    /** Total resident bytes at x. */
    public long totalResidentAt(long x) {
        long sum = 0;
        for (long v : stateAt(upperBound(x))) {
            sum += v;
        }
        return sum;
    }

    /** Resident bytes of one category right after the given event. */
    public long residentAfter(int eventIndex, Category category) {
        Objects.checkIndex(eventIndex, n);
        return stateAt(eventIndex + 1)[stackIndex(category)];
    }

    private long[] stateAt(int state) {
        long[] out = new long[K];
        series.state(state, out);
        return out;
    }

    /**
     * Reduces {@code [x0, x1]} to {@code columns} pixel columns (see {@link Aggregate}). Costs O(columns) range
     * queries of O(log events) each, independent of how many events the range holds.
     */
    public Aggregate aggregate(long x0, long x1, int columns) {
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be at least 1, got " + columns);
        }
        if (x1 <= x0) {
            throw new IllegalArgumentException("empty x range [" + x0 + ", " + x1 + "]; x1 must exceed x0");
        }
        long[] max = new long[columns * K];
        long[] min = new long[columns * K];
        long[] colMax = new long[K];
        long[] colMin = new long[K];
        double width = (double) (x1 - x0);
        int lo = upperBound(x0);
        for (int c = 0; c < columns; c++) {
            int hi = c == columns - 1 ? upperBound(x1) : lowerBound(x0 + width * (c + 1) / columns);
            hi = Math.max(lo, hi);
            series.stackedRange(lo, hi, colMax, colMin);
            System.arraycopy(colMax, 0, max, c * K, K);
            System.arraycopy(colMin, 0, min, c * K, K);
            if (c + 1 < columns) {
                lo = upperBound(x0 + width * (c + 1) / columns);
            }
        }
        return new Aggregate(x0, x1, columns, K, max, min);
    }

    /** Number of events with x at or before {@code v}: the index of the state in effect at v. */
    private int upperBound(double v) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (xs[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Number of events with x before {@code v}. */
    private int lowerBound(double v) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (xs[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int firstIndex(int size, IntPredicate test) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (test.test(mid)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    // ---- lifetimes ------------------------------------------------------------------------------------

    public int lifetimeCount() {
        return lifetimes.lifetimeCount();
    }

    /** Lifetimes in the order their tensors were first seen. */
    public TensorLifetime lifetime(int index) {
        Objects.checkIndex(index, lifetimes.lifetimeCount());
        return lifetimes.lifetime(index);
    }

    /** Visits every lifetime segment that overlaps {@code [x0, x1]}, touching no other segment. */
    public void forEachSegment(long x0, long x1, SegmentVisitor visitor) {
        lifetimes.forEachOverlapping(x0, x1, s -> visitor.segment(lifetimes.start(s), lifetimes.end(s),
                lifetimes.offset(s), lifetimes.bytes(s), lifetimes.category(s), lifetimes.state(s)));
    }

    /** The tensor occupying {@code address} at {@code x}, as a click on the lifetime view asks. */
    public Optional<TensorLifetime> lifetimeAt(long x, long address) {
        return lifetimeIn(x, x, address, address);
    }

    /**
     * The tensor drawn on top within an x range and an address range (what one pixel covers when zoomed
     * out): a resident segment beats a swapped or compressed one, then the one that started last wins, as
     * in the drawing.
     */
    public Optional<TensorLifetime> lifetimeIn(long x0, long x1, long address0, long address1) {
        int[] best = {-1};
        lifetimes.forEachOverlapping(x0, x1, s -> {
            long offset = lifetimes.offset(s);
            if (offset > address1 || offset + lifetimes.bytes(s) <= address0) {
                return;
            }
            if (best[0] < 0 || ranksAbove(s, best[0])) {
                best[0] = s;
            }
        });
        return best[0] < 0 ? Optional.empty() : Optional.of(lifetimes.lifetime(lifetimes.lifetimeOf(best[0])));
    }

    private boolean ranksAbove(int s, int other) {
        boolean resident = lifetimes.state(s) == LifetimeState.RESIDENT;
        boolean otherResident = lifetimes.state(other) == LifetimeState.RESIDENT;
        if (resident != otherResident) {
            return resident;
        }
        return lifetimes.start(s) > lifetimes.start(other)
                || (lifetimes.start(s) == lifetimes.start(other) && s > other);
    }
}
