package io.memscope.trainer.export;

import com.google.gson.FormattingStyle;
import com.google.gson.stream.JsonWriter;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.Steps;
import io.memscope.trainer.memory.TraceInfo;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes a trace as Chrome trace-event JSON (the object form), which ui.perfetto.dev and chrome://tracing open.
 *
 * <ul>
 *   <li>Everything belongs to pid 1, named after the run. Threads: {@value #TID_STEPS} steps,
 *       {@value #TID_PHASES} phases, {@value #TID_TENSORS} tensors, {@value #TID_MEMORY} memory, and for a trace
 *       with host memory {@value #TID_HOST} host memory.
 *   <li>Counters ({@code ph:"C"}): {@value #MEMORY_COUNTER} has one series per category that ever holds memory,
 *       in lower case. chrome://tracing stacks the series of one counter, so the total and the budget are
 *       counters of their own ({@value #TOTAL_COUNTER}, {@value #BUDGET_COUNTER}, series {@code bytes});
 *       stacked with the categories they would count twice. A sample is written at the first timestamp and
 *       whenever resident bytes change, one per timestamp, showing the state after all events at that time.
 *   <li>Host memory (blocks of {@link Category#HOST}, the out-of-core mode's swapped-out copies) is never
 *       device memory: it has a counter of its own, {@value #HOST_COUNTER} (series {@code bytes}), sampled
 *       whenever host bytes change, and its blocks are async slices with {@code cat} {@code host} on the
 *       {@value #TID_HOST} track; their {@code offset} is an address in host memory. A tensor freed while swapped
 *       out or compressed returns nothing to the device counters: it left the device when it went.
 *   <li>Tensor lifetimes are async slices ({@code b}/{@code e}) from ALLOC to FREE with {@code id} = tensor id,
 *       {@code cat} = category, {@code name} = tensor name, args layer, bytes, offset, step and phase.
 *   <li>SWAP_OUT..SWAP_IN and COMPRESS..DECOMPRESS are child slices {@value #SWAPPED_OUT} and
 *       {@value #COMPRESSED}, nested in the lifetime (same id and cat), so the time a tensor spent off the
 *       device shows as a length, which an instant would not. FREE_REQUESTED..FREE (an imported PyTorch trace's
 *       block waiting for its stream) is a child slice {@value #PENDING_FREE}; the block stays resident.
 *   <li>Reserved memory (RESERVE, UNRESERVE: an imported PyTorch trace's segments) is a counter of its own,
 *       {@value #RESERVED_COUNTER} (series {@code bytes}), sampled whenever it changes. RECOMPUTE, and a SWAP_IN or DECOMPRESS that
 *       nothing in the lifetime started, are async instants ({@code n}) on the tensor's track.
 *   <li>Phases are complete events ({@code X}) named like {@code forward conv1}; a phase lasts until the next
 *       PHASE or SEGMENT event or the end. Steps are {@code X} events {@code step N} until the next SEGMENT.
 *   <li>OOM is a global instant ({@code ph:"i", s:"g"}) with args requested, free and largest (bytes).
 *   <li>Slices still open at the end are closed at the last timestamp. A trace from a ring buffer that dropped
 *       its oldest events holds tensors whose ALLOC is missing: their slices start at the first timestamp, and
 *       those whose first event takes them off the device count as resident from then on, so every
 *       {@code b} has its {@code e} and no counter goes below zero.
 * </ul>
 *
 * {@code ts} and {@code dur} are microseconds, as the format defines, with nanoseconds as three decimals.
 * {@code "displayTimeUnit":"ns"} asks the viewer to label time in nanoseconds; it does not change the unit of ts.
 * Events are written one per line as they are produced, not sorted by time; both viewers sort on load.
 */
public final class PerfettoExporter {
    public static final int PID = 1;
    public static final int TID_STEPS = 1;
    public static final int TID_PHASES = 2;
    public static final int TID_TENSORS = 3;
    public static final int TID_MEMORY = 4;
    public static final int TID_HOST = 5;
    public static final String MEMORY_COUNTER = "device memory";
    public static final String TOTAL_COUNTER = "device memory total";
    public static final String BUDGET_COUNTER = "device memory budget";
    public static final String HOST_COUNTER = "host memory";
    public static final String SWAPPED_OUT = "swapped out";
    public static final String COMPRESSED = "compressed";
    public static final String PENDING_FREE = "pending free";
    public static final String RESERVED_COUNTER = "device memory reserved";

    /** In place of a tid: the metadata event names the process, not a thread. */
    private static final int PROCESS_WIDE = -1;
    private static final FormattingStyle ON_NEW_LINE = FormattingStyle.COMPACT.withNewline("\n").withIndent("");

    private PerfettoExporter() {}

    /** Writes the export to {@code out}, gzip-compressed when the name ends in {@code .gz}. */
    public static void export(Path out, TraceInfo info, List<MemoryEvent> events) throws IOException {
        ExportFiles.writeText(out, writer -> export(writer, info, events));
    }

    /** Writes the export to {@code out} and flushes it; the writer stays open. */
    public static void export(Writer out, TraceInfo info, List<MemoryEvent> events) throws IOException {
        new Export(new JsonWriter(out), info, events).write();
        out.write('\n');
        out.flush();
    }

    /** Nanoseconds as microseconds with up to three decimals, exactly; never in exponent notation. */
    static String micros(long ns) {
        long whole = ns / 1000;
        long fraction = Math.abs(ns % 1000);
        if (fraction == 0) {
            return Long.toString(whole);
        }
        String sign = ns < 0 && whole == 0 ? "-" : "";
        String digits = String.valueOf(1000 + fraction).substring(1);
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        return sign + whole + "." + digits.substring(0, end);
    }

    private static String categoryName(Category category) {
        return category == null ? "uncategorized" : category.name().toLowerCase(Locale.ROOT);
    }

    /** A tensor whose lifetime slice is open, with its open child slice if any. */
    private static final class OpenTensor {
        final String id;
        final String name;
        final String cat;
        final int tid;
        String child;

        OpenTensor(MemoryEvent e) {
            this.id = Long.toString(e.tensorId());
            this.name = e.tensorName().isEmpty() ? "tensor " + e.tensorId() : e.tensorName();
            this.cat = categoryName(e.category());
            this.tid = e.category() == Category.HOST ? TID_HOST : TID_TENSORS;
        }
    }

    /** One export run: walks the events once and keeps what is open. */
    private static final class Export {
        private final JsonWriter json;
        private final TraceInfo info;
        private final List<MemoryEvent> events;
        private final long firstNs;
        private final long lastNs;
        private final List<Category> shownCategories;
        /** Bytes per category: resident on the device, or for {@link Category#HOST} held in host memory. */
        private final long[] resident = new long[Category.values().length];
        private final boolean hasHost;
        private final Map<Long, OpenTensor> open = new LinkedHashMap<>();
        private MemoryEvent phase;
        private MemoryEvent step;
        private boolean samplePending;
        private boolean hostSamplePending;
        private boolean reservedSamplePending;
        private long reserved;
        private long reservedBase;
        private long sampleNs;

        Export(JsonWriter json, TraceInfo info, List<MemoryEvent> events) {
            this.json = json;
            this.info = info;
            this.events = events;
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            Set<Category> holding = EnumSet.noneOf(Category.class);
            Set<Long> seen = new HashSet<>();
            boolean host = false;
            for (MemoryEvent e : events) {
                host |= e.category() == Category.HOST;
                first = Math.min(first, e.timeNs());
                last = Math.max(last, e.timeNs());
                if (e.residentDelta() != 0 && e.category() != null) {
                    holding.add(e.category());
                }
                if (e.reservedDelta() != 0) {
                    reserved += e.reservedDelta();
                    reservedBase = Math.max(reservedBase, -reserved);
                }
                if (e.tensorId() >= 0 && seen.add(e.tensorId()) && residentBeforeWindow(e)) {
                    resident[e.category().ordinal()] += e.bytes();
                }
            }
            this.firstNs = events.isEmpty() ? 0 : first;
            this.lastNs = events.isEmpty() ? 0 : last;
            this.shownCategories = new ArrayList<>(holding);
            this.hasHost = host;
            // what an UNRESERVE gave back that the trace never reserved was reserved before its first event
            this.reserved = reservedBase;
            this.hasReserved = events.stream().anyMatch(e -> e.action() == Action.RESERVE
                    || e.action() == Action.UNRESERVE);
        }

        private final boolean hasReserved;

        /**
         * Whether a tensor was on the device before the first event, judged by its first event in the trace:
         * one that frees it, moves it off the device or uses it means its ALLOC fell out of the ring buffer.
         */
        private static boolean residentBeforeWindow(MemoryEvent first) {
            return first.category() != null && switch (first.action()) {
                case FREE, FREE_REQUESTED, SWAP_OUT, COMPRESS, RECOMPUTE -> true;
                default -> false;
            };
        }

        void write() throws IOException {
            json.setFormattingStyle(FormattingStyle.COMPACT);
            json.beginObject();
            json.name("traceEvents").beginArray();
            writeNames();
            if (!events.isEmpty()) {
                budgetSample(firstNs);
                // The first sample shows the state after every event at the first timestamp.
                samplePending = true;
                hostSamplePending = hasHost;
                reservedSamplePending = hasReserved;
                sampleNs = firstNs;
                for (MemoryEvent e : events) {
                    if ((samplePending || hostSamplePending || reservedSamplePending) && e.timeNs() != sampleNs) {
                        writePendingSamples();
                    }
                    apply(e);
                }
                writePendingSamples();
                closeEverything(lastNs);
                budgetSample(lastNs);
            }
            json.setFormattingStyle(ON_NEW_LINE);
            json.endArray();
            json.name("displayTimeUnit").value("ns");
            json.name("metadata");
            writeMetadata();
            json.endObject();
            json.flush();
        }

        private void apply(MemoryEvent e) throws IOException {
            long delta = e.residentDelta();
            if (e.action() == Action.FREE && offDevice(e)) {
                delta = 0;
            }
            if (delta != 0 && e.category() != null) {
                resident[e.category().ordinal()] += delta;
                samplePending = true;
                sampleNs = e.timeNs();
            }
            if (e.hostDelta() != 0) {
                resident[Category.HOST.ordinal()] += e.hostDelta();
                hostSamplePending = true;
                sampleNs = e.timeNs();
            }
            if (e.reservedDelta() != 0) {
                reserved += e.reservedDelta();
                reservedSamplePending = true;
                sampleNs = e.timeNs();
            }
            long t = e.timeNs();
            switch (e.action()) {
                case ALLOC -> {
                    if (e.tensorId() >= 0) {
                        OpenTensor stale = open.remove(e.tensorId());
                        if (stale != null) {
                            endLifetime(stale, t);
                        }
                        beginLifetime(e, t);
                    }
                }
                case FREE -> {
                    OpenTensor tensor = tensor(e);
                    if (tensor != null) {
                        endLifetime(tensor, t);
                        open.remove(e.tensorId());
                    }
                }
                case FREE_REQUESTED -> {
                    OpenTensor tensor = tensor(e);
                    if (tensor != null && tensor.child == null) {
                        beginChild(tensor, PENDING_FREE, e, t);
                    }
                }
                case SWAP_OUT -> beginChild(tensor(e), SWAPPED_OUT, e, t);
                case COMPRESS -> beginChild(tensor(e), COMPRESSED, e, t);
                case SWAP_IN -> returnToDevice(e, SWAPPED_OUT);
                case DECOMPRESS -> returnToDevice(e, COMPRESSED);
                case RECOMPUTE -> instant(tensor(e), e);
                case OOM -> oom(e);
                case PHASE -> {
                    endPhase(t);
                    phase = e;
                }
                case SEGMENT -> {
                    endPhase(t);
                    endStep(t);
                    step = e;
                }
            }
        }

        /** Whether the tensor's lifetime is open in a swapped-out or compressed slice: it is not on the device. */
        private boolean offDevice(MemoryEvent e) {
            OpenTensor tensor = e.tensorId() < 0 ? null : open.get(e.tensorId());
            return tensor != null && tensor.child != null && !PENDING_FREE.equals(tensor.child);
        }

        /** The tensor's open lifetime; one that started before the first event starts at the first timestamp. */
        private OpenTensor tensor(MemoryEvent e) throws IOException {
            if (e.tensorId() < 0) {
                return null;
            }
            OpenTensor tensor = open.get(e.tensorId());
            return tensor != null ? tensor : beginLifetime(e, firstNs);
        }

        private OpenTensor beginLifetime(MemoryEvent e, long t) throws IOException {
            OpenTensor tensor = new OpenTensor(e);
            open.put(e.tensorId(), tensor);
            asyncEvent("b", tensor, tensor.name, t);
            json.name("args").beginObject();
            json.name("layer").value(e.layer());
            json.name("bytes").value(e.bytes());
            json.name("offset").value(e.offset());
            step(e.step());
            json.name("phase").value(e.phase());
            json.endObject();
            json.endObject();
            return tensor;
        }

        private void endLifetime(OpenTensor tensor, long t) throws IOException {
            endChild(tensor, t);
            asyncEvent("e", tensor, tensor.name, t);
            json.endObject();
        }

        private void beginChild(OpenTensor tensor, String state, MemoryEvent e, long t) throws IOException {
            if (tensor == null) {
                return;
            }
            endChild(tensor, t);
            tensor.child = state;
            asyncEvent("b", tensor, state, t);
            json.name("args").beginObject();
            json.name("bytes").value(e.bytes());
            json.name("offset").value(e.offset());
            json.endObject();
            json.endObject();
        }

        /** SWAP_IN or DECOMPRESS: ends the child slice {@code state}. */
        private void returnToDevice(MemoryEvent e, String state) throws IOException {
            if (e.tensorId() < 0) {
                return;
            }
            OpenTensor tensor = open.get(e.tensorId());
            if (tensor == null) {
                // The tensor left the device before the first recorded event, and was allocated before that.
                tensor = beginLifetime(e, firstNs);
                beginChild(tensor, state, e, firstNs);
            } else if (!state.equals(tensor.child)) {
                // Nothing says the tensor left the device; a slice would have no start, so mark the moment.
                instant(tensor, e);
                return;
            }
            endChild(tensor, e.timeNs());
        }

        private void endChild(OpenTensor tensor, long t) throws IOException {
            if (tensor.child != null) {
                asyncEvent("e", tensor, tensor.child, t);
                json.endObject();
                tensor.child = null;
            }
        }

        /** An async instant on the tensor's track, named after the action ("recompute", "swap in"). */
        private void instant(OpenTensor tensor, MemoryEvent e) throws IOException {
            if (tensor != null) {
                asyncEvent("n", tensor, e.action().name().toLowerCase(Locale.ROOT).replace('_', ' '), e.timeNs());
                json.endObject();
            }
        }

        private void oom(MemoryEvent e) throws IOException {
            String what = e.tensorName().isEmpty() ? "OOM" : "OOM " + e.tensorName();
            startEvent("i", what, e.timeNs(), TID_MEMORY);
            json.name("s").value("g");
            json.name("args").beginObject();
            json.name("tensor").value(e.tensorName());
            json.name("layer").value(e.layer());
            json.name("category").value(categoryName(e.category()));
            json.name("requested").value(e.requestedBytes());
            json.name("free").value(e.freeBytes());
            json.name("largest").value(e.largestFreeBytes());
            step(e.step());
            json.name("phase").value(e.phase());
            json.endObject();
            json.endObject();
        }

        private void endPhase(long t) throws IOException {
            if (phase == null) {
                return;
            }
            String name = phase.layer().isEmpty() ? phase.phase() : phase.phase() + " " + phase.layer();
            complete(name, phase.timeNs(), t, TID_PHASES);
            json.name("args").beginObject();
            json.name("phase").value(phase.phase());
            json.name("layer").value(phase.layer());
            step(phase.step());
            json.endObject();
            json.endObject();
            phase = null;
        }

        /** The step argument, numbered from 1 as everywhere a step is shown; left out during setup. */
        private void step(int traceStep) throws IOException {
            if (traceStep >= 0) {
                json.name("step").value(Steps.shown(traceStep));
            }
        }

        private void endStep(long t) throws IOException {
            if (step == null) {
                return;
            }
            complete("step " + Steps.shown(step.step()), step.timeNs(), t, TID_STEPS);
            json.name("args").beginObject();
            step(step.step());
            json.endObject();
            json.endObject();
            step = null;
        }

        private void closeEverything(long t) throws IOException {
            for (OpenTensor tensor : open.values()) {
                endLifetime(tensor, t);
            }
            open.clear();
            endPhase(t);
            endStep(t);
        }

        private void writePendingSamples() throws IOException {
            if (samplePending) {
                counterSample(sampleNs);
                samplePending = false;
            }
            if (hostSamplePending) {
                startEvent("C", HOST_COUNTER, sampleNs, TID_MEMORY);
                json.name("args").beginObject().name("bytes").value(resident[Category.HOST.ordinal()]).endObject();
                json.endObject();
                hostSamplePending = false;
            }
            if (reservedSamplePending) {
                startEvent("C", RESERVED_COUNTER, sampleNs, TID_MEMORY);
                json.name("args").beginObject().name("bytes").value(reserved).endObject();
                json.endObject();
                reservedSamplePending = false;
            }
        }

        private void counterSample(long t) throws IOException {
            long total = 0;
            if (!shownCategories.isEmpty()) {
                startEvent("C", MEMORY_COUNTER, t, TID_MEMORY);
                json.name("args").beginObject();
                for (Category c : shownCategories) {
                    json.name(categoryName(c)).value(resident[c.ordinal()]);
                    total += resident[c.ordinal()];
                }
                json.endObject();
                json.endObject();
            }
            startEvent("C", TOTAL_COUNTER, t, TID_MEMORY);
            json.name("args").beginObject().name("bytes").value(total).endObject();
            json.endObject();
        }

        private void budgetSample(long t) throws IOException {
            if (info.budgetBytes() > 0) {
                startEvent("C", BUDGET_COUNTER, t, TID_MEMORY);
                json.name("args").beginObject().name("bytes").value(info.budgetBytes()).endObject();
                json.endObject();
            }
        }

        /** X event; a phase that would end before it starts (events out of time order) gets duration 0. */
        private void complete(String name, long startNs, long endNs, int tid) throws IOException {
            startEvent("X", name, startNs, tid);
            json.name("dur").jsonValue(micros(Math.max(0, endNs - startNs)));
        }

        private void asyncEvent(String ph, OpenTensor tensor, String name, long t) throws IOException {
            startEvent(ph, name, t, tensor.tid);
            json.name("cat").value(tensor.cat);
            json.name("id").value(tensor.id);
        }

        /** Opens an event object with the fields every event has; the caller adds the rest and closes it. */
        private void startEvent(String ph, String name, long t, int tid) throws IOException {
            json.setFormattingStyle(ON_NEW_LINE);
            json.beginObject();
            json.setFormattingStyle(FormattingStyle.COMPACT);
            json.name("name").value(name);
            json.name("ph").value(ph);
            json.name("ts").jsonValue(micros(t));
            json.name("pid").value(PID);
            json.name("tid").value(tid);
        }

        private void writeNames() throws IOException {
            String run = "MemScope " + Objects.toString(info.network(), "?") + " (" + Objects.toString(info.mode(), "?")
                    + ", " + Objects.toString(info.backend(), "?") + ")";
            metadataEvent("process_name", PROCESS_WIDE, "name", run);
            String[] threads = {"steps", "phases", "tensors", "memory", "host memory"};
            for (int tid = TID_STEPS; tid <= (hasHost ? TID_HOST : TID_MEMORY); tid++) {
                metadataEvent("thread_name", tid, "name", threads[tid - 1]);
                metadataEvent("thread_sort_index", tid, "sort_index", tid);
            }
        }

        private void metadataEvent(String name, int tid, String key, Object value) throws IOException {
            json.setFormattingStyle(ON_NEW_LINE);
            json.beginObject();
            json.setFormattingStyle(FormattingStyle.COMPACT);
            json.name("name").value(name);
            json.name("ph").value("M");
            json.name("pid").value(PID);
            if (tid != PROCESS_WIDE) {
                json.name("tid").value(tid);
            }
            json.name("args").beginObject();
            if (value instanceof Number n) {
                json.name(key).value(n);
            } else {
                json.name(key).value(String.valueOf(value));
            }
            json.endObject();
            json.endObject();
        }

        private void writeMetadata() throws IOException {
            json.beginObject();
            json.setFormattingStyle(FormattingStyle.COMPACT);
            json.name("producer").value("MemScope");
            json.name("network").value(info.network());
            json.name("mode").value(info.mode());
            json.name("backend").value(info.backend());
            json.name("batch").value(info.batch());
            json.name("budgetBytes").value(info.budgetBytes());
            json.name("events").value(events.size());
            json.name("extra").beginObject();
            for (Map.Entry<String, String> e : new TreeMap<>(info.extra()).entrySet()) {
                json.name(e.getKey()).value(e.getValue());
            }
            json.endObject();
            json.endObject();
            json.setFormattingStyle(ON_NEW_LINE);
        }
    }
}
