package io.memscope.trainer.pytorch;

import io.memscope.trainer.export.TraceFile;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceDetails;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.render.LongIntMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns one device of a {@link Snapshot} into a MemScope trace: events, their details (stacks, streams, notes)
 * and what the trace was recorded from.
 *
 * <ul>
 *   <li>{@code alloc} is an ALLOC of a new tensor, {@code free_requested} a FREE_REQUESTED of it (the block waits
 *       for its stream, still resident), {@code free_completed} its FREE: one lifetime from alloc to
 *       free_completed. Blocks are matched by address. Sizes are the entries' sizes: what was asked for, as
 *       PyTorch's trace records it, not the allocator's rounded block.
 *   <li>{@code segment_alloc} and {@code segment_map} are RESERVE, {@code segment_free} and {@code segment_unmap}
 *       UNRESERVE: reserved memory, a series of its own over the blocks. What was reserved before the first
 *       entry (the snapshot's segments less what the trace reserved) is one RESERVE at the start.
 *   <li>{@code oom} is an OOM with the entry's size requested and its {@code device_free} as the free bytes (the
 *       largest free block is not known). {@code snapshot} entries mark nothing.
 *   <li>A block the trace frees but never allocates, and a block in use at the snapshot whose address the trace
 *       never mentions, were allocated before the trace's first entry (the ring buffer wrapped, or recording
 *       started late): each is an ALLOC at the start, so it is alive from the start.
 *   <li>Categories come from the allocating stack ({@link CategoryRules}); a block allocated before the trace
 *       has the snapshot's stack for it, or none ({@link Category#UNKNOWN}).
 *   <li>Addresses are made relative to the lowest address of the device's segments (and entries), so the
 *       lifetime view starts at 0; the base is kept in the trace's info ({@code pytorch.addressBase}).
 *   <li>Times: {@code time_us} (PyTorch 2.2 and later) from the first entry, in nanoseconds, never going back;
 *       without it an event's time is its entry's number from 1 (what existed before the trace at 0), and the
 *       info says there is no clock ({@link TraceInfo#CLOCK}), so views count entries
 *       ({@link io.memscope.trainer.render.XAxis#ENTRY_ORDER}).
 * </ul>
 */
public final class SnapshotImport {
    /** The name given to a block allocated before the trace began, when nothing tells where it came from. */
    public static final String BEFORE_TRACE = "(allocated before the trace)";
    /** The name of the RESERVE at the start that holds what was reserved before the trace. */
    public static final String RESERVED_BEFORE = "reserved before the trace";
    /** {@link TraceInfo} extra keys. */
    public static final String ADDRESS_BASE = "pytorch.addressBase";
    public static final String DEVICE = "pytorch.device";
    private static final Category[] CATEGORIES = Category.values();

    /** A trace made from a snapshot. */
    public record Result(TraceInfo info, List<MemoryEvent> events, TraceDetails details, Summary summary) {
        /** The trace as MemScope reads trace files. */
        public TraceFile.LoadedTrace trace() {
            return new TraceFile.LoadedTrace(info, events, details);
        }
    }

    /** One device of the snapshot: its trace entries and segments. */
    public record DeviceSummary(int device, int entries, int segments, long reservedBytes) {}

    /**
     * What an import found, for the message that goes with it.
     *
     * @param aliveBeforeTrace blocks allocated before the first entry: {@code freedNotAllocated} (the trace frees
     *                         them) plus {@code aliveNotAllocated} (in use at the snapshot, never in the trace)
     * @param unmatchedFrees   frees of an address whose block the trace had freed already (skipped)
     * @param allocsOverLive   allocs at the address of a block still alive (it is freed there first)
     * @param timeClamps       entries whose {@code time_us} went back, kept at the time before them
     */
    public record Summary(String source, int device, List<DeviceSummary> devices,
                          Map<DeviceTrace.Kind, Integer> entries, Map<String, Integer> unknownActions, int events,
                          int lifetimes, int aliveBeforeTrace, int freedNotAllocated, int aliveNotAllocated,
                          int unmatchedFrees, int allocsOverLive, int inconsistentBlocks, long peakAllocatedBytes,
                          long peakX, long reservedPeakBytes, long reservedBeforeTraceBytes, long reservedAtEndBytes,
                          boolean timed, int timeClamps, long addressBase, Map<Category, Integer> categories,
                          int ooms, int streams, int externalAnnotations) {
        public int entryCount() {
            return entries.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** The other devices that have anything, for "choose with --device N". */
        public List<DeviceSummary> otherDevices() {
            return devices.stream().filter(d -> d.device() != device).toList();
        }

        /** What the import did, in a few lines. */
        public List<String> lines() {
            List<String> out = new ArrayList<>();
            StringBuilder counts = new StringBuilder();
            entries.forEach((k, n) -> counts.append(counts.length() == 0 ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%,d %s", n, k.pytorchName)));
            out.add(String.format(Locale.ROOT, "device %d: %,d trace entries%s -> %,d events, %,d tensor lifetimes",
                    device, entryCount(), counts.length() == 0 ? "" : " (" + counts + ")", events, lifetimes));
            if (!unknownActions.isEmpty()) {
                out.add("left out entries of actions this version does not know: " + unknownActions);
            }
            if (aliveBeforeTrace > 0) {
                out.add(String.format(Locale.ROOT, "%,d blocks were allocated before the first entry (%,d freed in "
                        + "the trace, %,d still in use at the snapshot): alive from the start", aliveBeforeTrace,
                        freedNotAllocated, aliveNotAllocated));
            }
            out.add("peak allocated " + Bytes.format(peakAllocatedBytes) + (reservedPeakBytes > 0
                    ? ", peak reserved " + Bytes.format(reservedPeakBytes) + " (" + Bytes.format(reservedAtEndBytes)
                    + " at the snapshot)" : "") + (ooms > 0 ? ", " + ooms + " OOM" + (ooms == 1 ? "" : "s") : ""));
            StringBuilder cats = new StringBuilder();
            categories.forEach((c, n) -> cats.append(cats.length() == 0 ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%,d %s", n, c.name().toLowerCase(Locale.ROOT).replace('_', ' '))));
            if (cats.length() > 0) {
                out.add("categories from the stacks: " + cats);
            }
            if (entryCount() == 0) {
                out.add("the snapshot has no trace entries for this device (memory history was not recorded): only "
                        + "the blocks in use at the snapshot are shown");
            } else {
                out.add(timed ? "times from time_us" + (timeClamps > 0 ? " (" + timeClamps + " that went back kept "
                        + "at the time before)" : "")
                        : "no time_us in this snapshot (PyTorch before 2.2): times are trace entry numbers");
            }
            out.add(String.format(Locale.ROOT, "addresses from 0x%x, the lowest of the device's segments; %d stream%s",
                    addressBase, streams, streams == 1 ? "" : "s"));
            if (unmatchedFrees > 0 || allocsOverLive > 0 || inconsistentBlocks > 0) {
                out.add(String.format(Locale.ROOT, "the trace contradicts itself here and there: %,d frees of blocks "
                        + "already freed (left out), %,d allocs over a live block (freed there first), %,d blocks in "
                        + "use at the snapshot that the trace freed last (left out)", unmatchedFrees, allocsOverLive,
                        inconsistentBlocks));
            }
            List<DeviceSummary> others = otherDevices();
            if (!others.isEmpty()) {
                StringBuilder sb = new StringBuilder("other devices in the snapshot: ");
                for (int i = 0; i < others.size(); i++) {
                    DeviceSummary d = others.get(i);
                    sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%d (%,d entries, %d segment%s)",
                            d.device(), d.entries(), d.segments(), d.segments() == 1 ? "" : "s"));
                }
                out.add(sb.toString());
            }
            if (externalAnnotations > 0) {
                out.add(externalAnnotations + " external annotations are not shown");
            }
            return out;
        }
    }

    private SnapshotImport() {}

    /** The device with the most trace entries (then the most reserved bytes, then the lowest number). */
    public static int busiestDevice(Snapshot s) {
        int best = -1;
        long bestEntries = -1;
        long bestReserved = -1;
        for (DeviceSummary d : devices(s)) {
            if (d.entries() > bestEntries || (d.entries() == bestEntries && d.reservedBytes() > bestReserved)) {
                best = d.device();
                bestEntries = d.entries();
                bestReserved = d.reservedBytes();
            }
        }
        return Math.max(0, best);
    }

    /** Each device the snapshot says anything about. */
    public static List<DeviceSummary> devices(Snapshot s) {
        List<DeviceSummary> out = new ArrayList<>();
        for (int d : s.devices()) {
            List<Snapshot.Segment> segs = s.segments(d);
            out.add(new DeviceSummary(d, s.trace(d).size(), segs.size(),
                    segs.stream().mapToLong(Snapshot.Segment::totalSize).sum()));
        }
        return out;
    }

    /** Imports the busiest device. */
    public static Result of(Snapshot s) {
        return of(s, busiestDevice(s));
    }

    /**
     * Imports one device.
     *
     * @throws IllegalArgumentException when the snapshot has nothing for that device
     */
    public static Result of(Snapshot s, int device) {
        if (!s.devices().contains(device)) {
            throw new IllegalArgumentException(s.source() + " has no trace entries or segments for device " + device
                    + (s.devices().isEmpty() ? "; it holds no device at all"
                    : "; it has device" + (s.devices().size() == 1 ? " " : "s ") + joined(s.devices())));
        }
        return new Conversion(s, device).run();
    }

    private static String joined(java.util.Collection<Integer> devices) {
        return String.join(", ", devices.stream().map(String::valueOf).toList());
    }

    /** One import: two passes over the device's entries. */
    private static final class Conversion {
        private final Snapshot s;
        private final int device;
        private final DeviceTrace t;
        private final List<Snapshot.Segment> segments;
        private final List<String> names = new ArrayList<>();
        private final Map<String, Integer> nameIds = new HashMap<>();
        private final byte[] stackCategory;
        private final int[] stackName;
        private final TraceDetails.Builder details = new TraceDetails.Builder();
        private EventColumns events;
        private long base;
        // per tensor
        private byte[] tCategory = new byte[64];
        private long[] tOffset = new long[64];
        private long[] tBytes = new long[64];
        private int[] tName = new int[64];
        private int[] tStream = new int[64];
        private int tensors;
        // running figures
        private long allocated;
        private long peak;
        private long peakX;
        private long reserved;
        private long reservedPeak;
        private final Map<Category, Integer> categories = new EnumMap<>(Category.class);
        private int ooms;

        Conversion(Snapshot s, int device) {
            this.s = s;
            this.device = device;
            this.t = s.trace(device);
            this.segments = s.segments(device);
            this.stackCategory = new byte[s.stacks().stackCount()];
            Arrays.fill(stackCategory, (byte) -1);
            this.stackName = new int[s.stacks().stackCount()];
            Arrays.fill(stackName, -1);
            name("");
        }

        Result run() {
            int m = t.size();
            base = addressBase();

            // pass 0: which blocks were allocated before the first entry, and what the trace reserved
            LongIntMap state = new LongIntMap(); // address -> 1 alive, 0 freed
            int[] freedUnseen = new int[16];
            int freedCount = 0;
            long reservedDelta = 0;
            for (int i = 0; i < m; i++) {
                long addr = t.addr(i);
                switch (t.action(i)) {
                    case ALLOC -> state.put(addr, 1);
                    case FREE_REQUESTED, FREE_COMPLETED -> {
                        int st = state.get(addr);
                        if (st < 0) {
                            if (freedCount == freedUnseen.length) {
                                freedUnseen = Arrays.copyOf(freedUnseen, freedCount * 2);
                            }
                            freedUnseen[freedCount++] = i;
                            state.put(addr, 1);
                            st = 1;
                        }
                        if (st == 1 && t.action(i) == DeviceTrace.Kind.FREE_COMPLETED) {
                            state.put(addr, 0);
                        }
                    }
                    case SEGMENT_ALLOC, SEGMENT_MAP -> reservedDelta += t.size(i);
                    case SEGMENT_FREE, SEGMENT_UNMAP -> reservedDelta -= t.size(i);
                    default -> { }
                }
            }
            List<Snapshot.Block> untraced = new ArrayList<>();
            List<Integer> untracedStream = new ArrayList<>();
            int inconsistent = 0;
            long reservedEnd = 0;
            for (Snapshot.Segment seg : segments) {
                reservedEnd += seg.totalSize();
                for (Snapshot.Block b : seg.blocks()) {
                    if (!b.inUse()) {
                        continue;
                    }
                    int st = state.get(b.address());
                    if (st < 0) {
                        untraced.add(b);
                        untracedStream.add(seg.stream());
                    } else if (st == 0) {
                        inconsistent++;
                    }
                }
            }
            long reservedBefore = Math.max(0, reservedEnd - reservedDelta);

            int prefix = (reservedBefore > 0 ? 1 : 0) + freedCount + untraced.size();
            events = new EventColumns(prefix + m, names);
            details.expectEvents(prefix + m);
            copyTables();
            boolean timed = t.timed();
            long t0 = timed ? t.timeUs(0) : 0;

            // the start: what existed before the first entry
            if (reservedBefore > 0) {
                reserve(Action.RESERVE, 0, 0, reservedBefore, name(RESERVED_BEFORE), -1, -1, -1);
            }
            LongIntMap live = new LongIntMap(); // address -> tensor
            for (int k = 0; k < freedCount; k++) {
                int i = freedUnseen[k];
                int id = tensor(Category.UNKNOWN, t.addr(i) - base, t.size(i), name(BEFORE_TRACE), t.stream(i));
                live.put(t.addr(i), id);
                alloc(0, id, -1, -1);
            }
            for (int k = 0; k < untraced.size(); k++) {
                Snapshot.Block b = untraced.get(k);
                int stack = b.stack();
                int nameId = stack < 0 ? name(BEFORE_TRACE) : stackName(stack);
                int id = tensor(category(stack), b.address() - base, b.requestedSize(), nameId, untracedStream.get(k));
                live.put(b.address(), id);
                alloc(0, id, stack, -1);
            }

            // pass 1: the entries
            int unmatched = 0;
            int overLive = 0;
            int clamps = 0;
            long previous = 0;
            for (int i = 0; i < m; i++) {
                long x;
                if (timed) {
                    x = (t.timeUs(i) - t0) * 1000;
                    if (x < previous) {
                        clamps++;
                        x = previous;
                    }
                } else {
                    x = i + 1L; // the entry's number; what existed before the first entry is at 0
                }
                previous = x;
                long addr = t.addr(i);
                int stack = t.stack(i);
                int stream = t.stream(i);
                int note = t.note(i);
                switch (t.action(i)) {
                    case ALLOC -> {
                        int old = live.get(addr);
                        if (old >= 0) {
                            overLive++;
                            free(x, old, -1, stream, -1);
                        }
                        Category c = category(stack);
                        int id = tensor(c, addr - base, t.size(i), stack < 0 ? 0 : stackName(stack), stream);
                        live.put(addr, id);
                        alloc(x, id, stack, note);
                        categories.merge(c, 1, Integer::sum);
                    }
                    case FREE_REQUESTED -> {
                        int id = live.get(addr);
                        if (id < 0) {
                            unmatched++;
                        } else {
                            event(x, Action.FREE_REQUESTED, id, stack, stream, note);
                        }
                    }
                    case FREE_COMPLETED -> {
                        int id = live.get(addr);
                        if (id < 0) {
                            unmatched++;
                        } else {
                            free(x, id, stack, stream, note);
                            live.remove(addr);
                        }
                    }
                    case SEGMENT_ALLOC, SEGMENT_MAP -> reserve(Action.RESERVE, x, addr - base, t.size(i),
                            name(t.action(i).pytorchName), stack, stream, note);
                    case SEGMENT_FREE, SEGMENT_UNMAP -> reserve(Action.UNRESERVE, x, addr - base, t.size(i),
                            name(t.action(i).pytorchName), stack, stream, note);
                    case OOM -> {
                        ooms++;
                        events.add(x, Action.OOM, -1, category(stack), t.deviceFree(i), t.size(i),
                                stack < 0 ? 0 : stackName(stack));
                        details.event(stack, stream, note);
                    }
                    case SNAPSHOT -> { }
                }
            }
            events.trim();
            TraceDetails built = details.build();
            List<DeviceSummary> devices = devices(s);
            Summary summary = new Summary(s.source(), device, devices, t.counts(), t.unknownActions(),
                    events.size(), tensors, freedCount + untraced.size(), freedCount, untraced.size(), unmatched,
                    overLive, inconsistent, peak, peakX, reservedPeak, reservedBefore, reservedEnd, timed, clamps, base,
                    categories, ooms, streamsUsed(built), s.externalAnnotations());
            return new Result(info(timed, devices), events, built, summary);
        }

        /** The lowest address of the device's segments, blocks and entries. */
        private long addressBase() {
            long low = Long.MAX_VALUE;
            for (Snapshot.Segment seg : segments) {
                low = Math.min(low, seg.address());
                for (Snapshot.Block b : seg.blocks()) {
                    low = Math.min(low, b.address());
                }
            }
            for (int i = 0; i < t.size(); i++) {
                switch (t.action(i)) {
                    case OOM, SNAPSHOT -> { }
                    default -> low = Math.min(low, t.addr(i));
                }
            }
            return low == Long.MAX_VALUE ? 0 : low;
        }

        private void copyTables() {
            StackTable st = s.stacks();
            for (int f = 0; f < st.frameCount(); f++) {
                details.frame(st.frame(f));
            }
            for (int k = 0; k < st.stackCount(); k++) {
                details.stack(st.stack(k));
            }
            for (long stream : s.streams()) {
                details.stream(stream);
            }
            for (String note : s.notes()) {
                details.note(note);
            }
        }

        private int tensor(Category c, long offset, long bytes, int nameId, int stream) {
            if (tensors == tCategory.length) {
                int cap = tensors * 2;
                tCategory = Arrays.copyOf(tCategory, cap);
                tOffset = Arrays.copyOf(tOffset, cap);
                tBytes = Arrays.copyOf(tBytes, cap);
                tName = Arrays.copyOf(tName, cap);
                tStream = Arrays.copyOf(tStream, cap);
            }
            tCategory[tensors] = (byte) c.ordinal();
            tOffset[tensors] = offset;
            tBytes[tensors] = bytes;
            tName[tensors] = nameId;
            tStream[tensors] = stream;
            return tensors++;
        }

        private void alloc(long x, int id, int stack, int note) {
            event(x, Action.ALLOC, id, stack, tStream[id], note);
            allocated += tBytes[id];
            if (allocated > peak) {
                peak = allocated;
                peakX = x;
            }
        }

        private void free(long x, int id, int stack, int stream, int note) {
            event(x, Action.FREE, id, stack, stream, note);
            allocated -= tBytes[id];
        }

        private void event(long x, Action a, int id, int stack, int stream, int note) {
            events.add(x, a, id, CATEGORIES[tCategory[id]], tOffset[id], tBytes[id], tName[id]);
            details.event(stack, stream, note);
        }

        private void reserve(Action a, long x, long offset, long bytes, int nameId, int stack, int stream, int note) {
            events.add(x, a, -1, null, Math.max(0, offset), bytes, nameId);
            details.event(stack, stream, note);
            reserved += a == Action.RESERVE ? bytes : -bytes;
            reservedPeak = Math.max(reservedPeak, reserved);
        }

        private Category category(int stack) {
            if (stack < 0) {
                return Category.UNKNOWN;
            }
            if (stackCategory[stack] < 0) {
                stackCategory[stack] = (byte) CategoryRules.of(s.frames(stack)).ordinal();
            }
            return CATEGORIES[stackCategory[stack]];
        }

        private int stackName(int stack) {
            if (stackName[stack] < 0) {
                stackName[stack] = name(Frames.label(s.frames(stack)));
            }
            return stackName[stack];
        }

        private int name(String n) {
            return nameIds.computeIfAbsent(n, k -> {
                names.add(k);
                return names.size() - 1;
            });
        }

        private static int streamsUsed(TraceDetails d) {
            java.util.BitSet used = new java.util.BitSet();
            for (int i = 0; i < d.eventCount(); i++) {
                int st = d.streamOf(i);
                if (st >= 0) {
                    used.set(st);
                }
            }
            return used.cardinality();
        }

        private TraceInfo info(boolean timed, List<DeviceSummary> devices) {
            Map<String, String> extra = new TreeMap<>();
            extra.put("source", Path.of(s.source()).getFileName().toString());
            extra.put(DEVICE, Integer.toString(device));
            extra.put(ADDRESS_BASE, String.format(Locale.ROOT, "0x%x", base));
            extra.put("pytorch.devices", joined(devices.stream().map(DeviceSummary::device).toList()));
            extra.put("pytorch.layout", s.blockHistory() ? "2.0 (blocks with history)" : "2.1+ (blocks with frames)");
            if (!timed) {
                extra.put(TraceInfo.CLOCK, "none");
            }
            Map<String, String> settings = new LinkedHashMap<>(s.allocatorSettings());
            settings.forEach((k, v) -> extra.put("pytorch.allocator." + k, v));
            String stem = Path.of(s.source()).getFileName().toString().replaceFirst("\\.(pickle|pkl)(\\.gz)?$", "");
            return new TraceInfo(stem, "PyTorch snapshot", "cuda:" + device, 0, 0, extra);
        }
    }
}
