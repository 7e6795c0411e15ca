package io.memscope.trainer.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.memscope.trainer.HostTierEvents;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.OutOfDeviceMemoryException;
import io.memscope.trainer.memory.Tensor;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PerfettoExporterTest {
    private static final long MIB = 1 << 20;
    private static final TraceInfo INFO = new TraceInfo("tiny-cnn", "compressed", "meta", 8, 64 * MIB,
            Map.of("seed", "3"));

    @TempDir
    Path dir;

    /** A short run through the real allocator: swaps, compression, recompute, phases, steps and one OOM. */
    private static List<MemoryEvent> recordedRun() {
        Trace trace = new Trace(INFO, 10_000);
        DeviceMemory memory = new DeviceMemory(INFO.budgetBytes(), trace);
        memory.allocate("conv1.weight", "conv1", Category.PARAMETER, Dims.of(64, 3, 3, 3));
        for (int step = 0; step < 3; step++) {
            memory.beginStep(step);
            memory.phase("forward", "conv1");
            Tensor a1 = memory.allocate("conv1.out", "conv1", Category.ACTIVATION, Dims.of(8, 64, 32, 32));
            memory.phase("forward", "conv2");
            Tensor a2 = memory.allocate("conv2.out", "conv2", Category.ACTIVATION, Dims.of(8, 64, 32, 32));
            memory.mark(Action.SWAP_OUT, a1);
            memory.mark(Action.COMPRESS, a2);
            if (step == 1) {
                assertThrows(OutOfDeviceMemoryException.class,
                        () -> memory.allocate("conv2.ws", "conv2", Category.WORKSPACE, Dims.of(64, 64, 64, 64)));
            }
            memory.phase("backward", "conv2");
            memory.mark(Action.DECOMPRESS, a2);
            Tensor g2 = memory.allocate("conv2.grad", "conv2", Category.ACTIVATION_GRAD, Dims.of(8, 64, 32, 32));
            memory.free(a2);
            memory.free(g2);
            memory.phase("backward", "conv1");
            memory.mark(Action.SWAP_IN, a1);
            memory.mark(Action.RECOMPUTE, a1);
            memory.free(a1);
            memory.phase("update", "");
            Tensor ws = memory.allocate("sgd.tmp", "", Category.TEMPORARY, Dims.vector(1000));
            memory.free(ws);
        }
        // conv1.weight stays allocated: its lifetime must be closed at the last timestamp.
        return trace.events();
    }

    @Test
    void recordedRunExportsAConsistentTrace() throws IOException {
        List<MemoryEvent> events = recordedRun();
        List<JsonObject> out = export(events);
        assertBeginsMatchEnds(out);
        assertCountersFollowResidentBytes(out, events);
        assertPhasesAndSteps(out, events);

        MemoryEvent oom = events.stream().filter(e -> e.action() == Action.OOM).findFirst().orElseThrow();
        List<JsonObject> instants = ofPh(out, "i");
        assertEquals(1, instants.size());
        JsonObject instant = instants.get(0);
        assertEquals("g", instant.get("s").getAsString());
        assertEquals(oom.timeNs(), ns(instant));
        assertEquals("OOM conv2.ws", instant.get("name").getAsString());
        JsonObject args = instant.getAsJsonObject("args");
        assertEquals(oom.requestedBytes(), args.get("requested").getAsLong());
        assertEquals(oom.freeBytes(), args.get("free").getAsLong());
        assertEquals(oom.largestFreeBytes(), args.get("largest").getAsLong());
        assertEquals("conv2", args.get("layer").getAsString());

        List<JsonObject> lifetimes = ofPh(out, "b").stream()
                .filter(b -> b.get("name").getAsString().equals("conv1.out")).toList();
        assertEquals(3, lifetimes.size());
        JsonObject first = lifetimes.get(0);
        assertEquals("activation", first.get("cat").getAsString());
        assertEquals(8 * 64 * 32 * 32 * 4, first.getAsJsonObject("args").get("bytes").getAsLong());
        assertEquals("conv1", first.getAsJsonObject("args").get("layer").getAsString());
        assertTrue(first.getAsJsonObject("args").has("offset"));
        assertEquals(3, count(ofPh(out, "b"), PerfettoExporter.SWAPPED_OUT));
        assertEquals(3, count(ofPh(out, "b"), PerfettoExporter.COMPRESSED));
        assertEquals(3, count(ofPh(out, "n"), "recompute"));

        MemoryEvent last = events.get(events.size() - 1);
        JsonObject weightEnd = ofPh(out, "e").stream()
                .filter(e -> e.get("name").getAsString().equals("conv1.weight")).findFirst().orElseThrow();
        assertEquals(last.timeNs(), ns(weightEnd), "an open lifetime ends at the last timestamp");
    }

    @Test
    void documentHasTheObjectFormAndNamedThreads() throws IOException {
        StringWriter text = new StringWriter();
        PerfettoExporter.export(text, INFO, recordedRun());
        JsonObject root = parseStrict(new StringReader(text.toString()));
        assertEquals("ns", root.get("displayTimeUnit").getAsString());
        JsonObject metadata = root.getAsJsonObject("metadata");
        assertEquals("tiny-cnn", metadata.get("network").getAsString());
        assertEquals(64 * MIB, metadata.get("budgetBytes").getAsLong());
        assertEquals("3", metadata.getAsJsonObject("extra").get("seed").getAsString());

        List<JsonObject> events = new ArrayList<>();
        root.getAsJsonArray("traceEvents").forEach(e -> events.add(e.getAsJsonObject()));
        Map<Integer, String> threads = new HashMap<>();
        for (JsonObject m : ofPh(events, "M")) {
            if (m.get("name").getAsString().equals("thread_name")) {
                threads.put(m.get("tid").getAsInt(), m.getAsJsonObject("args").get("name").getAsString());
            }
        }
        assertEquals(Map.of(1, "steps", 2, "phases", 3, "tensors", 4, "memory"), threads);
        for (JsonObject e : events) {
            assertEquals(PerfettoExporter.PID, e.get("pid").getAsInt(), e.toString());
            assertTrue(e.get("ph").getAsString().equals("M") || threads.containsKey(e.get("tid").getAsInt()),
                    e.toString());
            if (!e.get("ph").getAsString().equals("M")) {
                assertTrue(e.get("ts").getAsJsonPrimitive().isNumber(), e.toString());
            }
        }
        assertTrue(text.toString().lines().count() > events.size(), "one event per line");
    }

    @Test
    void aTraceCutAtBothEndsStillPairsEveryBeginWithAnEnd() throws IOException {
        List<MemoryEvent> all = TestEvents.training(new Random(4), 5_000, 12);
        // The ring buffer dropped the first 1,000 events and the run stopped mid-step.
        List<MemoryEvent> window = all.subList(1_000, 4_321);
        List<JsonObject> out = export(window);
        assertBeginsMatchEnds(out);
        assertCountersFollowResidentBytes(out, window);
        assertPhasesAndSteps(out, window);

        long first = window.get(0).timeNs();
        long last = window.get(window.size() - 1).timeNs();
        for (JsonObject e : out) {
            if (!e.get("ph").getAsString().equals("M")) {
                long t = ns(e);
                assertTrue(t >= first && t <= last, "event outside the window: " + e);
            }
        }
        assertTrue(ofPh(out, "b").stream().anyMatch(b -> ns(b) == first), "lifetimes from before the window");
        for (JsonObject c : ofPh(out, "C")) {
            c.getAsJsonObject("args").entrySet().forEach(series ->
                    assertTrue(series.getValue().getAsLong() >= 0, "negative resident bytes in " + c));
        }
    }

    @Test
    void hostMemoryHasItsOwnCounterAndItsOwnTrack() throws IOException {
        List<MemoryEvent> events = HostTierEvents.pattern();
        List<JsonObject> out = export(events);
        assertBeginsMatchEnds(out);
        long[] device = HostTierEvents.deviceBytes();
        long[] host = HostTierEvents.hostBytes();
        List<Long> hostSamples = new ArrayList<>();
        for (JsonObject c : ofPh(out, "C")) {
            int after = (int) (ns(c) / 10);
            JsonObject args = c.getAsJsonObject("args");
            switch (c.get("name").getAsString()) {
                case PerfettoExporter.HOST_COUNTER -> {
                    assertEquals(host[after], args.get("bytes").getAsLong(), "host bytes at " + ns(c));
                    hostSamples.add(ns(c));
                }
                case PerfettoExporter.TOTAL_COUNTER -> assertEquals(device[after], args.get("bytes").getAsLong(),
                        "device bytes at " + ns(c) + ": host copies and tensors freed while out never count");
                case PerfettoExporter.MEMORY_COUNTER -> assertFalse(args.has("host"), c.toString());
                default -> { }
            }
        }
        assertEquals(List.of(0L, 20L, 50L, 80L, 110L), hostSamples, "the first timestamp, then every change");

        List<JsonObject> hostSlices = ofPh(out, "b").stream().filter(b -> b.get("cat").getAsString().equals("host"))
                .toList();
        assertEquals(List.of("conv1.out@host", "conv2.out@host"),
                hostSlices.stream().map(b -> b.get("name").getAsString()).toList());
        assertTrue(hostSlices.stream().allMatch(b -> b.get("tid").getAsInt() == PerfettoExporter.TID_HOST));
        assertEquals(List.of(0L, HostTierEvents.B), hostSlices.stream()
                .map(b -> b.getAsJsonObject("args").get("offset").getAsLong()).toList(), "addresses in host memory");
        assertTrue(ofPh(out, "b").stream().filter(b -> !b.get("cat").getAsString().equals("host"))
                .allMatch(b -> b.get("tid").getAsInt() == PerfettoExporter.TID_TENSORS));
        assertEquals(2, count(ofPh(out, "b"), PerfettoExporter.SWAPPED_OUT));
        assertTrue(ofPh(out, "M").stream().anyMatch(m -> m.get("name").getAsString().equals("thread_name")
                && m.get("tid").getAsInt() == PerfettoExporter.TID_HOST
                && m.getAsJsonObject("args").get("name").getAsString().equals("host memory")));
    }

    @Test
    void swapInWithoutSwapOutInsideAKnownLifetimeIsAnInstant() throws IOException {
        List<MemoryEvent> events = List.of(
                new MemoryEvent(0, 1000, Action.ALLOC, 1, "x", "l", Category.ACTIVATION, 0, 256, 0, "forward", -1, -1, -1),
                new MemoryEvent(1, 2000, Action.SWAP_IN, 1, "x", "l", Category.ACTIVATION, 0, 256, 0, "backward", -1, -1,
                        -1),
                new MemoryEvent(2, 3000, Action.FREE, 1, "x", "l", Category.ACTIVATION, 0, 256, 0, "backward", -1, -1, -1));
        List<JsonObject> out = export(events);
        assertBeginsMatchEnds(out);
        assertEquals(1, ofPh(out, "b").size());
        assertEquals(1, count(ofPh(out, "n"), "swap in"));
    }

    @Test
    void writesFilesPlainAndGzipped() throws IOException {
        List<MemoryEvent> events = recordedRun();
        Path plain = dir.resolve("out/trace.perfetto.json");
        Path gz = dir.resolve("out/trace.perfetto.json.gz");
        PerfettoExporter.export(plain, INFO, events);
        PerfettoExporter.export(gz, INFO, events);
        JsonObject fromPlain;
        try (Reader r = Files.newBufferedReader(plain, StandardCharsets.UTF_8)) {
            fromPlain = parseStrict(r);
        }
        JsonObject fromGz;
        try (Reader r = new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8)) {
            fromGz = parseStrict(r);
        }
        assertEquals(fromPlain, fromGz);
    }

    @Test
    void emptyTraceIsStillAValidDocument() throws IOException {
        List<JsonObject> out = export(List.of());
        assertFalse(out.isEmpty());
        assertTrue(out.stream().allMatch(e -> e.get("ph").getAsString().equals("M")));
    }

    @Test
    void microsecondsKeepEveryNanosecondWithoutExponents() {
        assertEquals("0", PerfettoExporter.micros(0));
        assertEquals("0.001", PerfettoExporter.micros(1));
        assertEquals("0.999", PerfettoExporter.micros(999));
        assertEquals("1", PerfettoExporter.micros(1000));
        assertEquals("1.5", PerfettoExporter.micros(1500));
        assertEquals("1.05", PerfettoExporter.micros(1050));
        assertEquals("1234.567", PerfettoExporter.micros(1_234_567));
        assertEquals("12345678901", PerfettoExporter.micros(12_345_678_901_000L));
        assertEquals("-0.001", PerfettoExporter.micros(-1));
        assertEquals("-1.5", PerfettoExporter.micros(-1500));
        assertEquals("9223372036854775.807", PerfettoExporter.micros(Long.MAX_VALUE));
    }

    // ---- checks shared by the scenarios

    private static void assertBeginsMatchEnds(List<JsonObject> out) {
        List<JsonObject> async = new ArrayList<>();
        for (JsonObject e : out) {
            String ph = e.get("ph").getAsString();
            if (ph.equals("b") || ph.equals("e") || ph.equals("n")) {
                assertNotNull(e.get("id"), e.toString());
                assertNotNull(e.get("cat"), e.toString());
                async.add(e);
            }
        }
        assertFalse(async.isEmpty());
        // Viewers sort by time; events at one time keep their order in the file.
        List<JsonObject> sorted = new ArrayList<>(async);
        sorted.sort(Comparator.comparingLong(PerfettoExporterTest::ns));
        Map<String, Deque<String>> open = new HashMap<>();
        for (JsonObject e : sorted) {
            String track = e.get("cat").getAsString() + "/" + e.get("id").getAsString();
            Deque<String> stack = open.computeIfAbsent(track, k -> new ArrayDeque<>());
            String name = e.get("name").getAsString();
            switch (e.get("ph").getAsString()) {
                case "b" -> stack.push(name);
                case "e" -> {
                    if (stack.isEmpty()) {
                        fail("'e' without 'b' on " + track + ": " + e);
                    }
                    assertEquals(stack.pop(), name, "'e' closes the innermost open slice on " + track);
                }
                default -> assertFalse(stack.isEmpty(), "instant outside a lifetime on " + track);
            }
        }
        open.forEach((track, stack) -> assertTrue(stack.isEmpty(), "unclosed on " + track + ": " + stack));
    }

    private static void assertCountersFollowResidentBytes(List<JsonObject> out, List<MemoryEvent> events) {
        Set<Long> changeTimes = new TreeSet<>();
        for (MemoryEvent e : events) {
            if (e.residentDelta() != 0) {
                changeTimes.add(e.timeNs());
            }
        }
        Set<Long> sampleTimes = new TreeSet<>();
        int samples = 0;
        for (JsonObject c : ofPh(out, "C")) {
            long t = ns(c);
            Map<Category, Long> resident = residentAt(events, t);
            JsonObject args = c.getAsJsonObject("args");
            switch (c.get("name").getAsString()) {
                case PerfettoExporter.MEMORY_COUNTER -> {
                    for (Category category : Category.values()) {
                        String series = category.name().toLowerCase();
                        long expected = resident.getOrDefault(category, 0L);
                        if (args.has(series)) {
                            assertEquals(expected, args.get(series).getAsLong(), series + " at " + t);
                        } else {
                            assertEquals(0, expected, series + " holds memory but has no series");
                        }
                    }
                    sampleTimes.add(t);
                    samples++;
                }
                case PerfettoExporter.TOTAL_COUNTER -> assertEquals(
                        resident.values().stream().mapToLong(Long::longValue).sum(), args.get("bytes").getAsLong());
                case PerfettoExporter.BUDGET_COUNTER -> assertEquals(INFO.budgetBytes(), args.get("bytes").getAsLong());
                default -> fail("unexpected counter " + c);
            }
        }
        assertTrue(samples > 0);
        assertTrue(sampleTimes.containsAll(changeTimes), "a sample at every time memory changes");
    }

    /**
     * Resident bytes per category after every event at or before {@code t}, computed from the events. A tensor
     * whose first event takes it off the device was resident before the first event.
     */
    private static Map<Category, Long> residentAt(List<MemoryEvent> events, long t) {
        Map<Category, Long> resident = new HashMap<>();
        Set<Long> seen = new HashSet<>();
        for (MemoryEvent e : events) {
            if (e.tensorId() >= 0 && seen.add(e.tensorId())
                    && Set.of(Action.FREE, Action.SWAP_OUT, Action.COMPRESS, Action.RECOMPUTE).contains(e.action())) {
                resident.merge(e.category(), e.bytes(), Long::sum);
            }
            if (e.timeNs() <= t && e.residentDelta() != 0) {
                resident.merge(e.category(), e.residentDelta(), Long::sum);
            }
        }
        return resident;
    }

    private static void assertPhasesAndSteps(List<JsonObject> out, List<MemoryEvent> events) {
        List<JsonObject> complete = ofPh(out, "X");
        for (JsonObject x : complete) {
            assertTrue(new BigDecimal(x.get("dur").getAsString()).signum() >= 0, "negative dur: " + x);
        }
        List<JsonObject> phases = complete.stream()
                .filter(x -> x.get("tid").getAsInt() == PerfettoExporter.TID_PHASES)
                .sorted(Comparator.comparingLong(PerfettoExporterTest::ns)).toList();
        List<MemoryEvent> phaseEvents = events.stream().filter(e -> e.action() == Action.PHASE).toList();
        assertEquals(phaseEvents.size(), phases.size());
        long lastNs = events.get(events.size() - 1).timeNs();
        for (int i = 0; i < phases.size(); i++) {
            MemoryEvent start = phaseEvents.get(i);
            long end = events.stream()
                    .filter(e -> e.seq() > start.seq()
                            && (e.action() == Action.PHASE || e.action() == Action.SEGMENT))
                    .mapToLong(MemoryEvent::timeNs).findFirst().orElse(lastNs);
            JsonObject x = phases.get(i);
            assertEquals(start.timeNs(), ns(x));
            assertEquals(end - start.timeNs(), nsOf(x.get("dur")));
            String expectedName = start.layer().isEmpty() ? start.phase() : start.phase() + " " + start.layer();
            assertEquals(expectedName, x.get("name").getAsString());
        }
        List<JsonObject> steps = complete.stream()
                .filter(x -> x.get("tid").getAsInt() == PerfettoExporter.TID_STEPS).toList();
        assertEquals(events.stream().filter(e -> e.action() == Action.SEGMENT).count(), steps.size());
        assertTrue(steps.stream().allMatch(s -> s.get("name").getAsString().startsWith("step ")));
    }

    // ---- parsing helpers

    private static List<JsonObject> export(List<MemoryEvent> events) throws IOException {
        StringWriter text = new StringWriter();
        PerfettoExporter.export(text, INFO, events);
        JsonObject root = parseStrict(new StringReader(text.toString()));
        List<JsonObject> out = new ArrayList<>();
        for (JsonElement e : root.getAsJsonArray("traceEvents")) {
            out.add(e.getAsJsonObject());
        }
        return out;
    }

    private static JsonObject parseStrict(Reader in) throws IOException {
        JsonReader reader = new JsonReader(in);
        reader.setStrictness(Strictness.STRICT);
        JsonElement root = JsonParser.parseReader(reader);
        assertEquals(JsonToken.END_DOCUMENT, reader.peek());
        return root.getAsJsonObject();
    }

    private static List<JsonObject> ofPh(List<JsonObject> events, String ph) {
        return events.stream().filter(e -> e.get("ph").getAsString().equals(ph)).toList();
    }

    private static long count(List<JsonObject> events, String name) {
        return events.stream().filter(e -> e.get("name").getAsString().equals(name)).count();
    }

    private static long ns(JsonObject event) {
        return nsOf(event.get("ts"));
    }

    private static long nsOf(JsonElement micros) {
        return new BigDecimal(micros.getAsString()).movePointRight(3).longValueExact();
    }
}
