package io.memscope.trainer.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.HostTierEvents;
import io.memscope.trainer.export.TraceFile.LoadedTrace;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceFileTest {
    private static final TraceInfo INFO = new TraceInfo("vgg16 \"tiny\" ✓", "row-centric", "cpu (simulated 2 GiB)", 32,
            2L << 30, Map.of("seed", "42", "optimizer", "sgd momentum=0.9", "note", "Ünïcødé \\ \"q\""));

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 99})
    void arbitraryEventsSurviveARoundTrip(long seed) throws IOException {
        // The encoding keeps any values; the values of arbitrary events break the rules TraceFile.read checks.
        List<MemoryEvent> events = TestEvents.arbitrary(new Random(seed), 2000);
        StringWriter out = new StringWriter();
        TraceFile.write(out, INFO, events);

        LoadedTrace loaded = TraceFile.readUnchecked(new StringReader(out.toString()), "memory");
        assertEquals(INFO, loaded.info());
        assertEquals(events, loaded.events());
    }

    @Test
    void everyActionAndNoCategoryRoundTripThroughAFile() throws IOException {
        List<MemoryEvent> events = new ArrayList<>();
        // a free is requested between the allocation and the free
        List<Action> actions = new ArrayList<>(List.of(Action.values()));
        actions.remove(Action.FREE_REQUESTED);
        actions.add(actions.indexOf(Action.FREE), Action.FREE_REQUESTED);
        for (Action action : actions) {
            boolean range = action == Action.RESERVE || action == Action.UNRESERVE;
            Category category = action == Action.PHASE || action == Action.SEGMENT || range ? null : Category.ACTIVATION;
            boolean oom = action == Action.OOM;
            events.add(new MemoryEvent(events.size(), 1000L * events.size(), action, oom || range ? -1 : 7, "t", "l",
                    category, oom ? -1 : 512, oom ? 0 : 256, 0, "forward", oom ? 4096 : -1, oom ? 1024 : -1,
                    oom ? 512 : -1));
        }
        Path file = dir.resolve("trace.json");
        TraceFile.write(file, INFO, events);
        assertEquals(new LoadedTrace(INFO, events), TraceFile.read(file));
    }

    @Test
    void infoWithNullNamesAndNoExtraRoundTrips() throws IOException {
        TraceInfo info = new TraceInfo(null, null, null, 0, 0, null);
        Path file = dir.resolve("empty.json");
        TraceFile.write(file, info, List.of());
        LoadedTrace loaded = TraceFile.read(file);
        assertEquals(info, loaded.info());
        assertEquals(List.of(), loaded.events());
    }

    @Test
    void gzipIsWrittenForGzNamesAndRecognisedByContent() throws IOException {
        List<MemoryEvent> events = TestEvents.training(new Random(5), 20_000, 30);
        Path plain = dir.resolve("trace.json");
        Path gz = dir.resolve("trace.json.gz");
        TraceFile.write(plain, INFO, events);
        TraceFile.write(gz, INFO, events);

        byte[] head = Arrays.copyOf(Files.readAllBytes(gz), 2);
        assertEquals(0x1f, head[0] & 0xff);
        assertEquals(0x8b, head[1] & 0xff);
        assertTrue(Files.size(gz) * 3 < Files.size(plain), "gzip should shrink the trace well");
        assertEquals(events, TraceFile.read(gz).events());

        Path renamed = Files.copy(gz, dir.resolve("renamed.json"));
        assertEquals(events, TraceFile.read(renamed).events());
        assertEquals(events, TraceFile.read(plain).events());
    }

    @Test
    void fileIsCompactWithOneEventPerLine() throws IOException {
        List<MemoryEvent> events = TestEvents.training(new Random(9), 10_000, 20);
        Path file = dir.resolve("trace.json");
        TraceFile.write(file, INFO, events);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals("{\"format\":\"memscope-trace\",", lines.get(0));
        assertEquals("\"schema\":2,", lines.get(1));
        assertEquals(10_000, lines.stream().filter(l -> l.startsWith("[")).count());
        // Interned names, delta-coded times and no OOM columns keep a typical event near 40 bytes.
        double bytesPerEvent = (double) Files.size(file) / events.size();
        assertTrue(bytesPerEvent < 45, "bytes per event: " + bytesPerEvent);
    }

    @Test
    void readsColumnsInAnyOrderAndSkipsUnknownKeys() throws IOException {
        String json = """
                {"format":"memscope-trace","schema":1,"producer":"hand-written",
                 "info":{"network":"n","mode":"m","backend":"b","batch":2,"budgetBytes":1024,"extra":{"k":"v"},"later":1},
                 "columns":["action","tensorName","layer","phase","category","tensorId","offset","bytes","step",
                            "requestedBytes","freeBytes","largestFreeBytes","timeNs.delta","seq.delta"],
                 "actions":["FREE","ALLOC"],"categories":["ACTIVATION"],"strings":["x","l","fwd"],
                 "events":[[1,0,1,2,0,3,0,256,0,-1,-1,-1,100,5],[0,0,1,2,0,3,0,256,0,-1,-1,-1,50,1]]}
                """;
        LoadedTrace loaded = TraceFile.read(new StringReader(json), "hand.json");
        assertEquals(new TraceInfo("n", "m", "b", 2, 1024, Map.of("k", "v")), loaded.info());
        assertEquals(List.of(
                new MemoryEvent(5, 100, Action.ALLOC, 3, "x", "l", Category.ACTIVATION, 0, 256, 0, "fwd", -1, -1, -1),
                new MemoryEvent(6, 150, Action.FREE, 3, "x", "l", Category.ACTIVATION, 0, 256, 0, "fwd", -1, -1, -1)),
                loaded.events());
    }

    @Test
    void truncatedFilesAreReportedWithTheirName() throws IOException {
        for (String name : List.of("trace.json", "trace.json.gz")) {
            Path file = dir.resolve(name);
            TraceFile.write(file, INFO, TestEvents.training(new Random(1), 5000, 10));
            byte[] bytes = Files.readAllBytes(file);
            Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
            TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceFile.read(file));
            assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void newerSchemaAsksForAnUpdate() throws IOException {
        Path file = writeThenEdit("trace.json", "\"schema\":2,", "\"schema\":7,");
        assertMessage(file, file + ": schema 7 is newer than this MemScope reads (2); update MemScope");
    }

    @Test
    void unknownActionNamesTheEvent() throws IOException {
        List<MemoryEvent> events = new ArrayList<>(TestEvents.training(new Random(3), 12, 4));
        assertTrue(events.stream().noneMatch(e -> e.action() == Action.RECOMPUTE));
        events.add(new MemoryEvent(12, 99_999_999, Action.RECOMPUTE, 1, "conv1.out", "conv1", Category.ACTIVATION,
                0, 256, 0, "backward", -1, -1, -1));
        Path file = dir.resolve("trace.json");
        TraceFile.write(file, INFO, events);
        Files.writeString(file, Files.readString(file).replace("\"RECOMPUTE\"", "\"FOO\""));
        assertMessage(file, file + ": event 12 has unknown action 'FOO'");
    }

    @Test
    void otherFilesAreNotMistakenForTraces() throws IOException {
        Path file = dir.resolve("trace.json");
        Files.writeString(file, "{\"traceEvents\":[{\"ph\":\"X\",\"ts\":1}],\"displayTimeUnit\":\"ns\"}");
        assertMessage(file, file + ": not a MemScope trace (no \"format\" field)");

        Files.writeString(file, "{\"format\":\"chrome-trace\",\"schema\":1}");
        assertMessage(file, file + ": not a MemScope trace (format is 'chrome-trace', expected 'memscope-trace')");

        Files.writeString(file, "[{\"ph\":\"X\"}]");
        assertMessage(file, file + ": not a MemScope trace (it starts with an array, not an object)");

        Files.writeString(file, "");
        assertThrows(TraceFormatException.class, () -> TraceFile.read(file));

        Files.writeString(file, "hello, world");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceFile.read(file));
        assertEquals(file + ": not valid JSON: unexpected text at line 1 column 1 path $", e.getMessage());
    }

    @Test
    void damagedContentNamesTheEventAndTheProblem() throws IOException {
        assertEditFails("\"eventCount\":100,", "\"eventCount\":99,", "the header says 99 events but the file holds 100");
        assertEditFails("\"columns\":[\"seq.delta\",", "\"columns\":[\"seq.delta\",\"colour\",",
                "unknown column 'colour'");
        assertEditFails("\"columns\":[\"seq.delta\",", "\"columns\":[", "column 'seq.delta' is missing");
        assertEditFails("\"strings\":[", "\"nothing\":[", "no \"strings\" before \"events\"");
        assertEditFails("\"ACTIVATION\",", "\"NEURONS\",", "event 2 has unknown category 'NEURONS'");
        assertEditFails("\n[0,", "\n[\"zero\",", "event 0 has a string for column 'seq.delta', not an integer");
        assertEditFails("\n[0,", "\n[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18],\n[0,",
                "event 0 has more than the 17 values of \"columns\"");
    }

    @Test
    void valuesOutOfRangeAreNamed() throws IOException {
        String header = "{\"format\":\"memscope-trace\",\"schema\":1,\"info\":{},"
                + "\"columns\":[\"seq.delta\",\"timeNs.delta\",\"action\",\"tensorId\",\"tensorName\",\"layer\","
                + "\"category\",\"offset\",\"bytes\",\"step\",\"phase\",\"requestedBytes\",\"freeBytes\","
                + "\"largestFreeBytes\"],\"actions\":[\"ALLOC\"],\"categories\":[\"INPUT\"],\"strings\":[\"a\"],";
        assertReadFails(header + "\"events\":[[0,0,0,0,0,0,0,0,0,0,0],[1,1,0,0,5,0,0,0,0,0,0]]}",
                "event 1 has tensorName index 5, but \"strings\" has 1 entries");
        assertReadFails(header + "\"events\":[[0,0,3,0,0,0,0,0,0,0,0]]}",
                "event 0 has action index 3, but \"actions\" has 1 entries");
        assertReadFails(header + "\"events\":[[0,0,0,0,0,0,0,0,0,0]]}", "event 0 has no value for column 'phase'");
        assertReadFails(header + "\"events\":[[0,0,0,0,0,0,0,0,0,3000000000,0]]}", "event 0 has step 3000000000");
        assertReadFails(header + "\"events\":[[0,0,0,0,0,0,0,0,0,0,0]]} {}", "unexpected content after the trace object");
    }

    private Path writeThenEdit(String name, String find, String replacement) throws IOException {
        Path file = dir.resolve(name);
        TraceFile.write(file, INFO, TestEvents.training(new Random(2), 100, 5));
        String text = Files.readString(file);
        assertTrue(text.contains(find), "the written file should contain " + find);
        Files.writeString(file, text.replaceFirst(Pattern.quote(find), Matcher.quoteReplacement(replacement)));
        return file;
    }

    private void assertEditFails(String find, String replacement, String expectedPart) throws IOException {
        Path file = writeThenEdit("edited.json", find, replacement);
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceFile.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
    }

    private static void assertReadFails(String json, String expectedPart) {
        TraceFormatException e = assertThrows(TraceFormatException.class,
                () -> TraceFile.read(new StringReader(json), "t.json"));
        assertTrue(e.getMessage().startsWith("t.json: "), e.getMessage());
        assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
    }

    private static void assertMessage(Path file, String expected) {
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceFile.read(file));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void aTraceThatLostItsOldestEventsMayFreeTensorsItNeverSawAllocated() throws IOException {
        // The recording's ring buffer dropped events 0..99: the trace starts at seq 100.
        MemoryEvent free = new MemoryEvent(100, 5000, Action.FREE, 3, "conv1.out", "conv1", Category.ACTIVATION, 0,
                256, 1, "backward", -1, -1, -1);
        Path file = dir.resolve("late.json");
        TraceFile.write(file, INFO, List.of(free));
        assertEquals(List.of(free), TraceFile.read(file).events());

        MemoryEvent fromStart = new MemoryEvent(0, 5000, Action.FREE, 3, "conv1.out", "conv1", Category.ACTIVATION, 0,
                256, 1, "backward", -1, -1, -1);
        TraceFile.write(file, INFO, List.of(fromStart));
        assertMessage(file, file + ": event 0 (seq 0, FREE) frees tensor 3, which no earlier event allocates");
    }

    /** Host copies (out-of-core mode) round-trip, at host addresses the device budget does not bound. */
    @Test
    void hostMemoryEventsRoundTripWithAddressesOfTheirOwn() throws IOException {
        long far = 1L << 40;
        List<MemoryEvent> events = HostTierEvents.pattern().stream()
                .map(e -> e.category() != Category.HOST ? e : new MemoryEvent(e.seq(), e.timeNs(), e.action(),
                        e.tensorId(), e.tensorName(), e.layer(), e.category(), e.offset() + far, e.bytes(), e.step(),
                        e.phase(), -1, -1, -1))
                .toList();
        TraceInfo info = new TraceInfo("net", "out-of-core", "cpu", 8, 5 * HostTierEvents.B, Map.of());
        Path file = dir.resolve("host.json.gz");
        TraceFile.write(file, info, events);
        assertEquals(new LoadedTrace(info, events), TraceFile.read(file));

        TraceInfo smaller = new TraceInfo("net", "out-of-core", "cpu", 8, 4 * HostTierEvents.B, Map.of());
        TraceFile.write(file, smaller, events);
        assertMessage(file, file + ": event 4 (seq 4, ALLOC) has offset 12288 and bytes 8192, which end past the "
                + "budget of 16384 bytes (16.0 KiB)");
    }

    /**
     * A paged recording's addresses are virtual and reach past the budget, up to its virtual space (twice the
     * budget's pages and one page); without the page size, the same events are refused as before.
     */
    @Test
    void pagedTracesMayPlaceBlocksPastTheBudgetWithinTheirVirtualSpace() throws IOException {
        long budget = 16 * 1024;
        long page = 4 * 1024;
        MemoryEvent alloc = new MemoryEvent(0, 0, Action.ALLOC, 0, "t", "l", Category.ACTIVATION, 32 * 1024, 4096, 0,
                "forward", -1, -1, -1);
        MemoryEvent free = new MemoryEvent(1, 1, Action.FREE, 0, "t", "l", Category.ACTIVATION, 32 * 1024, 4096, 0,
                "forward", -1, -1, -1);
        TraceInfo paged = new TraceInfo("net", "baseline", "cpu", 1, budget, Map.of(TraceInfo.PAGE_BYTES, "" + page));
        Path file = dir.resolve("paged.json");
        TraceFile.write(file, paged, List.of(alloc, free));
        assertEquals(new LoadedTrace(paged, List.of(alloc, free)), TraceFile.read(file));

        MemoryEvent beyond = new MemoryEvent(0, 0, Action.ALLOC, 0, "t", "l", Category.ACTIVATION, 33 * 1024, 4096, 0,
                "forward", -1, -1, -1);
        TraceFile.write(file, paged, List.of(beyond));
        assertMessage(file, file + ": event 0 (seq 0, ALLOC) has offset 33792 and bytes 4096, which end past the "
                + "paged device's virtual address space of 36864 bytes (36.0 KiB)");
        TraceFile.write(file, new TraceInfo("net", "baseline", "cpu", 1, budget, Map.of()), List.of(alloc, free));
        assertMessage(file, file + ": event 0 (seq 0, ALLOC) has offset 32768 and bytes 4096, which end past the "
                + "budget of 16384 bytes (16.0 KiB)");
        TraceFile.write(file, new TraceInfo("net", "baseline", "cpu", 1, budget, Map.of(TraceInfo.PAGE_BYTES, "1000")),
                List.of(alloc, free));
        assertMessage(file, file + ": \"info\" has extra pageBytes \"1000\"; a page size is a positive multiple of "
                + "256 bytes");
    }

    @Test
    void infoOrderOfExtraDoesNotMatter() throws IOException {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("z", "1");
        extra.put("a", "2");
        TraceInfo info = new TraceInfo("n", "m", "b", 1, 1, extra);
        StringWriter out = new StringWriter();
        TraceFile.write(out, info, List.of());
        assertEquals(info, TraceFile.read(new StringReader(out.toString()), "x").info());
    }
}
