package io.memscope.trainer.render;

import io.memscope.trainer.memory.Action;
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
 * <p>Host memory ({@link Category#HOST}, the out-of-core mode's second tier) is never stacked with device
 * memory: its blocks live in the host's own address space. The model keeps it apart, as a host series (bytes
 * held in host memory over x, with its peak: {@link #hostBytesAt}, {@link #hostAggregate}) and host lifetimes
 * ({@link #forEachHostSegment}, {@link #hostLifetimeIn}), and answers every device query without it. A tensor
 * swapped out to the host shows on the device side as a {@link LifetimeState#SWAPPED_OUT} segment; its host
 * copy is a lifetime of its own on the host side.
 *
 * <p>Reserved memory (RESERVE and UNRESERVE events: an imported PyTorch trace's segments, which its blocks are
 * carved from) is a series of its own too ({@link #reservedBytesAt}, {@link #reservedAggregate}, {@link
 * #reservedPeakBytes}), drawn as a line over the stacked categories; traces without it have none ({@link
 * #hasReserved}). A block pending free (FREE_REQUESTED before its FREE) still counts as resident.
 *
 * <p>x is {@link XAxis#TIME_NS}, {@link XAxis#EVENT_INDEX} or {@link XAxis#ENTRY_ORDER} (the time field of a
 * trace without a clock). Timestamps that go backwards (events recorded
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
            Category.ACTIVATION_GRAD, Category.COMPRESSED, Category.WORKSPACE, Category.TEMPORARY, Category.UNKNOWN);

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
    /** Host memory over the host events (a HOST block's ALLOC or FREE). */
    private final Counter host;
    private final LifetimeTable.Snapshot hostLifetimes;
    private final long hostAllocated;
    /** Reserved memory over the RESERVE / UNRESERVE events. */
    private final Counter reserved;

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

        long firstX = n == 0 ? 0 : xs[0];
        this.host = live.host.snapshot(live.hostBase, firstX);
        this.hostLifetimes = live.hostTable.snapshot(n, xEnd);
        this.hostAllocated = live.hostAllocated;
        this.reserved = live.reserved.snapshot(live.reservedBase, firstX);
    }

    /**
     * One byte count over its own events (host memory, reserved memory), as the finished model reads it: the x of
     * each of its first {@code n} events, the bytes after each, the largest count and where it was first reached.
     */
    private record Counter(long[] xs, int n, ResidentSeries series, long peakBytes, long peakX) {
        long bytesAt(long x) {
            long[] out = new long[1];
            series.state(upperBound(xs, n, x), out);
            return out[0];
        }
    }

    /** What a {@link Counter} is built from, event by event. */
    private static final class CounterBuilder {
        private long[] xs = new long[16];
        private int n;
        private final ResidentSeries.Builder series = new ResidentSeries.Builder(1, 16);
        private long relativePeak;
        private int peakState;

        /** An event at x that changes the count by {@code delta} (0: a state with the count unchanged). */
        void add(long x, long delta) {
            if (n == xs.length) {
                xs = Arrays.copyOf(xs, n + (n >> 1) + 16);
            }
            xs[n++] = x;
            series.add(delta != 0 ? 0 : -1, delta);
            if (current() > relativePeak) {
                relativePeak = current();
                peakState = n;
            }
        }

        /** The count now, relative to the start. */
        long current() {
            return series.current(0);
        }

        /** The counter so far, on top of {@code base} bytes held before the first event. */
        Counter snapshot(long base, long firstX) {
            return new Counter(xs, n, series.view(new long[] {base}), relativePeak + base,
                    peakState > 0 ? xs[peakState - 1] : firstX);
        }
    }

    /** Builds the model with time on the x axis. */
    public static TimelineModel of(TraceInfo info, List<MemoryEvent> events) {
        return of(info, events, XAxis.TIME_NS);
    }

    public static TimelineModel of(TraceInfo info, List<MemoryEvent> events, XAxis axis) {
        Objects.requireNonNull(events, "events");
        Live live = new Live(info, axis, events.size()).append(events);
        live.table.trim();
        live.hostTable.trim();
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
        private CounterBuilder host;
        private LifetimeTable hostTable;
        private LifetimeRecorder hostRecorder;
        private long hostBase;
        private long hostAllocated;
        private CounterBuilder reserved;
        /** Bytes that must have been reserved before the first event: what an UNRESERVE gave back unseen. */
        private long reservedBase;

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
            host = new CounterBuilder();
            hostTable = new LifetimeTable(16);
            hostRecorder = null;
            hostBase = 0;
            hostAllocated = 0;
            reserved = new CounterBuilder();
            reservedBase = 0;
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
            return axis.countsEvents() ? e.seq() : e.timeNs();
        }

        private void accept(MemoryEvent e) {
            long x = Math.max(xOf(e), previous);
            if (recorder == null) {
                recorder = new LifetimeRecorder(table, x);
                hostRecorder = new LifetimeRecorder(hostTable, x);
            }
            previous = x;
            if (n == xs.length) {
                xs = Arrays.copyOf(xs, n + (n >> 1) + 16);
            }
            xs[n] = x;
            boolean onHost = e.category() == Category.HOST;
            long delta = e.residentDelta();
            if (e.action() == Action.FREE && recorder.offDevice(e.tensorId())) {
                // freed while swapped out or compressed: its device block was returned when it left
                delta = 0;
            }
            int k = delta != 0 ? stackIndex(e.category()) : -1;
            resident.add(k, delta);
            int index = n++;
            if (onHost) {
                acceptHost(e, x, index);
            } else {
                acceptDevice(e, x, index, k, delta);
            }
            switch (e.action()) {
                case SWAP_OUT, SWAP_IN -> seenStates.add(LifetimeState.SWAPPED_OUT);
                case COMPRESS, DECOMPRESS -> seenStates.add(LifetimeState.COMPRESSED);
                case FREE_REQUESTED -> seenStates.add(LifetimeState.PENDING_FREE);
                case RESERVE, UNRESERVE -> acceptReserved(e, x);
                case OOM -> ooms.add(new OomMarker(x, e.tensorName(), e.layer(), e.category(),
                        e.requestedBytes(), e.freeBytes(), e.largestFreeBytes()));
                default -> { }
            }
            phaseRecorder.accept(e, x);
        }

        private void acceptDevice(MemoryEvent e, long x, int index, int k, long delta) {
            table.beginEvent(index);
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
            if (residentBefore != 0) {
                // a FREE_REQUESTED moves no bytes but may still say they were resident before the trace began
                int kb = stackIndex(e.category());
                base[kb] += residentBefore;
                seen.add(STACK_ORDER.get(kb));
            }
            if (e.action() == Action.ALLOC) {
                allocated[stackIndex(e.category())] += e.bytes();
            }
        }

        /** Reserved memory: its own series, never stacked with the blocks. */
        private void acceptReserved(MemoryEvent e, long x) {
            reserved.add(x, e.reservedDelta());
            reservedBase = Math.max(reservedBase, -reserved.current());
        }

        /** A block of host memory: the host series and the host lifetimes, in the host's address space. */
        private void acceptHost(MemoryEvent e, long x, int index) {
            host.add(x, e.hostDelta());
            hostTable.beginEvent(index);
            hostBase += hostRecorder.accept(e, x);
            if (e.action() == Action.ALLOC) {
                hostAllocated += e.bytes();
            }
        }
    }

    /**
     * Position of a category in {@link #STACK_ORDER}; events without a category count as temporaries. Host
     * memory is not stacked with device memory and has no position.
     *
     * @throws IllegalArgumentException for {@link Category#HOST}
     */
    public static int stackIndex(Category category) {
        if (category == Category.HOST) {
            throw new IllegalArgumentException("host memory is not stacked with device memory; ask the host queries");
        }
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

    /** Largest resident device bytes of one category at any moment; 0 for {@link Category#HOST}. */
    public long peakBytes(Category category) {
        return category == Category.HOST ? 0 : peakByCategory[stackIndex(category)];
    }

    /** Sum of the sizes of every ALLOC of a category ({@link Category#HOST}: of host memory). */
    public long allocatedBytes(Category category) {
        return category == Category.HOST ? hostAllocated : allocatedByCategory[stackIndex(category)];
    }

    /** Categories that ever held device memory in this trace (never {@link Category#HOST}). */
    public Set<Category> categoriesPresent() {
        return categories;
    }

    /** States other than resident (swapped out, compressed, pending free) that occur in this trace. */
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

    /**
     * Resident device bytes of one category at x, counting every event at or before x; 0 for {@link
     * Category#HOST}, which is never on the device ({@link #hostBytesAt} counts it).
     */
    public long residentAt(long x, Category category) {
        return category == Category.HOST ? 0 : stateAt(upperBound(xs, n, x))[stackIndex(category)];
    }

    /** Total resident device bytes at x. */
    public long totalResidentAt(long x) {
        long sum = 0;
        for (long v : stateAt(upperBound(xs, n, x))) {
            sum += v;
        }
        return sum;
    }

    /** Resident device bytes of one category right after the given event; 0 for {@link Category#HOST}. */
    public long residentAfter(int eventIndex, Category category) {
        Objects.checkIndex(eventIndex, n);
        return category == Category.HOST ? 0 : stateAt(eventIndex + 1)[stackIndex(category)];
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
        return aggregate(series, xs, n, K, x0, x1, columns);
    }

    private static Aggregate aggregate(ResidentSeries series, long[] xs, int n, int k, long x0, long x1,
                                       int columns) {
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be at least 1, got " + columns);
        }
        if (x1 <= x0) {
            throw new IllegalArgumentException("empty x range [" + x0 + ", " + x1 + "]; x1 must exceed x0");
        }
        long[] max = new long[columns * k];
        long[] min = new long[columns * k];
        long[] colMax = new long[k];
        long[] colMin = new long[k];
        double width = (double) (x1 - x0);
        int lo = upperBound(xs, n, x0);
        for (int c = 0; c < columns; c++) {
            int hi = c == columns - 1 ? upperBound(xs, n, x1) : lowerBound(xs, n, x0 + width * (c + 1) / columns);
            hi = Math.max(lo, hi);
            series.stackedRange(lo, hi, colMax, colMin);
            System.arraycopy(colMax, 0, max, c * k, k);
            System.arraycopy(colMin, 0, min, c * k, k);
            if (c + 1 < columns) {
                lo = upperBound(xs, n, x0 + width * (c + 1) / columns);
            }
        }
        return new Aggregate(x0, x1, columns, k, max, min);
    }

    /** Number of the first {@code n} x values at or before {@code v}: the index of the state in effect at v. */
    private static int upperBound(long[] xs, int n, double v) {
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

    /** Number of the first {@code n} x values before {@code v}. */
    private static int lowerBound(long[] xs, int n, double v) {
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

    /** Visits every device lifetime segment that overlaps {@code [x0, x1]}, touching no other segment. */
    public void forEachSegment(long x0, long x1, SegmentVisitor visitor) {
        forEachSegment(lifetimes, x0, x1, visitor);
    }

    private static void forEachSegment(LifetimeTable.Snapshot table, long x0, long x1, SegmentVisitor visitor) {
        table.forEachOverlapping(x0, x1, s -> visitor.segment(table.start(s), table.end(s), table.offset(s),
                table.bytes(s), table.category(s), table.state(s)));
    }

    /** The tensor occupying device {@code address} at {@code x}, as a click on the lifetime view asks. */
    public Optional<TensorLifetime> lifetimeAt(long x, long address) {
        return lifetimeIn(x, x, address, address);
    }

    /**
     * The tensor drawn on top within an x range and a device address range (what one pixel covers when zoomed
     * out): a resident segment beats a swapped or compressed one, then the one that started last wins, as
     * in the drawing.
     */
    public Optional<TensorLifetime> lifetimeIn(long x0, long x1, long address0, long address1) {
        return lifetimeIn(lifetimes, x0, x1, address0, address1);
    }

    private static Optional<TensorLifetime> lifetimeIn(LifetimeTable.Snapshot table, long x0, long x1,
                                                       long address0, long address1) {
        int[] best = {-1};
        table.forEachOverlapping(x0, x1, s -> {
            long offset = table.offset(s);
            if (offset > address1 || offset + table.bytes(s) <= address0) {
                return;
            }
            if (best[0] < 0 || ranksAbove(table, s, best[0])) {
                best[0] = s;
            }
        });
        return best[0] < 0 ? Optional.empty() : Optional.of(table.lifetime(table.lifetimeOf(best[0])));
    }

    private static boolean ranksAbove(LifetimeTable.Snapshot table, int s, int other) {
        boolean resident = table.state(s).onDevice();
        boolean otherResident = table.state(other).onDevice();
        if (resident != otherResident) {
            return resident;
        }
        return table.start(s) > table.start(other) || (table.start(s) == table.start(other) && s > other);
    }

    // ---- reserved memory ------------------------------------------------------------------------------

    /** Whether the trace says how much memory was reserved (RESERVE / UNRESERVE events). */
    public boolean hasReserved() {
        return reserved.n() > 0;
    }

    /** Largest number of bytes reserved at any moment; 0 without reserved memory. */
    public long reservedPeakBytes() {
        return reserved.peakBytes();
    }

    /** x at which {@link #reservedPeakBytes()} was first reached. */
    public long reservedPeakX() {
        return reserved.peakX();
    }

    /** Bytes reserved at x, counting every event at or before x. */
    public long reservedBytesAt(long x) {
        return reserved.bytesAt(x);
    }

    /**
     * The reserved series reduced to {@code columns} pixel columns, as {@link #aggregate} does for the blocks: an
     * {@link Aggregate} of one series whose {@link Aggregate#totalMax} and {@link Aggregate#totalMin} are the
     * reserved bytes of each column.
     */
    public Aggregate reservedAggregate(long x0, long x1, int columns) {
        return aggregate(reserved.series(), reserved.xs(), reserved.n(), 1, x0, x1, columns);
    }

    // ---- host memory ----------------------------------------------------------------------------------

    /** Whether the trace holds any host-memory event (an ALLOC or FREE of a {@link Category#HOST} block). */
    public boolean hasHostEvents() {
        return host.n() > 0;
    }

    /** Events about host-memory blocks. */
    public int hostEventCount() {
        return host.n();
    }

    /** Largest number of bytes held in host memory at any moment. */
    public long hostPeakBytes() {
        return host.peakBytes();
    }

    /** x at which {@link #hostPeakBytes()} was first reached. */
    public long hostPeakX() {
        return host.peakX();
    }

    /** Bytes held in host memory at x, counting every event at or before x. */
    public long hostBytesAt(long x) {
        return host.bytesAt(x);
    }

    /**
     * The host series reduced to {@code columns} pixel columns, as {@link #aggregate} does for device memory:
     * an {@link Aggregate} of one category, host memory, whose {@link Aggregate#totalMax} and {@link
     * Aggregate#totalMin} are the host bytes of each column.
     */
    public Aggregate hostAggregate(long x0, long x1, int columns) {
        return aggregate(host.series(), host.xs(), host.n(), 1, x0, x1, columns);
    }

    /** One past the highest host address any host block occupied: the height a host lane needs. */
    public long hostAddressEnd() {
        return hostLifetimes.addressEnd();
    }

    /** One past the highest host address occupied at any moment in {@code [x0, x1]}, 0 when none was. */
    public long hostAddressEndIn(long x0, long x1) {
        return hostLifetimes.addressEndIn(x0, x1);
    }

    public int hostLifetimeCount() {
        return hostLifetimes.lifetimeCount();
    }

    /** Host blocks in the order they were first seen. */
    public TensorLifetime hostLifetime(int index) {
        Objects.checkIndex(index, hostLifetimes.lifetimeCount());
        return hostLifetimes.lifetime(index);
    }

    /** Visits every host block overlapping {@code [x0, x1]}; offsets are host addresses. */
    public void forEachHostSegment(long x0, long x1, SegmentVisitor visitor) {
        forEachSegment(hostLifetimes, x0, x1, visitor);
    }

    /** The host block occupying host {@code address} at {@code x}. */
    public Optional<TensorLifetime> hostLifetimeAt(long x, long address) {
        return hostLifetimeIn(x, x, address, address);
    }

    /** The host block drawn on top within an x range and a host address range (see {@link #lifetimeIn}). */
    public Optional<TensorLifetime> hostLifetimeIn(long x0, long x1, long address0, long address1) {
        return lifetimeIn(hostLifetimes, x0, x1, address0, address1);
    }
}
