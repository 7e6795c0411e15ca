package io.memscope.trainer.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.export.TraceFile.LoadedTrace;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceDetails;
import io.memscope.trainer.memory.TraceInfo;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schema 2: the events' stacks, streams and notes go through a file, and schema 1 files still read. */
class TraceFileDetailsTest {
    private static final TraceInfo INFO = new TraceInfo("snap", "PyTorch snapshot", "cuda:0", 0, 0,
            Map.of("clock", "none"));

    @TempDir
    Path dir;

    @Test
    void aSchemaOneFileWrittenBeforeSchemaTwoStillReads() throws IOException {
        Path old = TestPaths.root().resolve("trainer/src/test/resources/traces/schema1-tiny.json");
        assertTrue(Files.readString(old).contains("\"schema\":1,"), "the fixture is a schema 1 file");
        LoadedTrace t = TraceFile.read(old);
        assertEquals(new TraceInfo("tiny", "baseline", "cpu", 2, 1 << 20, Map.of("optimizer", "sgd")), t.info());
        assertEquals(List.of(
                new MemoryEvent(0, 0, Action.ALLOC, 0, "conv1.weight", "conv1", Category.PARAMETER, 0, 1024, -1,
                        "setup", -1, -1, -1),
                new MemoryEvent(1, 100, Action.SEGMENT, -1, "", "", null, -1, 0, 0, "", -1, -1, -1),
                new MemoryEvent(2, 150, Action.PHASE, -1, "", "conv1", null, -1, 0, 0, "forward", -1, -1, -1),
                new MemoryEvent(3, 200, Action.ALLOC, 1, "conv1.out", "conv1", Category.ACTIVATION, 1024, 4096, 0,
                        "forward", -1, -1, -1),
                new MemoryEvent(4, 260, Action.OOM, -1, "conv2.out", "conv2", Category.ACTIVATION, -1, 0, 0,
                        "forward", 2097152, 1043456, 1043456),
                new MemoryEvent(5, 300, Action.FREE, 1, "conv1.out", "conv1", Category.ACTIVATION, 1024, 4096, 0,
                        "forward", -1, -1, -1)), t.events());
        assertEquals(TraceDetails.NONE, t.details());
    }

    @Test
    void detailsRoundTripThroughAFileBesideTheEvents() throws IOException {
        List<MemoryEvent> events = importedEvents();
        TraceDetails details = details(events.size());
        Path file = dir.resolve("imported.json");
        TraceFile.write(file, INFO, events, details);

        LoadedTrace back = TraceFile.read(file);
        assertEquals(INFO, back.info());
        assertEquals(events, back.events());
        assertEquals(details, back.details());
        assertEquals("relu", back.details().stack(back.details().stackOf(1)).get(0).name());
        assertEquals(0x7a00, back.details().stream(back.details().streamOf(1)));
        assertEquals("compile context: [0/0] forward", back.details().noteOf(2));
        assertEquals("", back.details().noteOf(0));
        String text = Files.readString(file);
        assertTrue(text.contains("\"schema\":2,"));
        assertTrue(text.contains("\"frames\":["), text);
        assertTrue(text.contains("\"stacks\":["), text);
        assertTrue(text.contains("\"streams\":[0,31232]"), text);
    }

    @Test
    void aTraceWithoutDetailsWritesNoDetailTablesAndReadsBackWithNone() throws IOException {
        List<MemoryEvent> events = TestEvents.training(new Random(4), 200, 4);
        StringWriter out = new StringWriter();
        TraceFile.write(out, INFO, events);
        assertTrue(!out.toString().contains("\"stacks\""), "no detail tables without details");
        LoadedTrace back = TraceFile.read(new StringReader(out.toString()), "t.json");
        assertEquals(TraceDetails.NONE, back.details());
        assertEquals(events, back.events());
    }

    @Test
    void detailsCoveringOnlyTheFirstEventsLeaveTheRestWithout() throws IOException {
        List<MemoryEvent> events = importedEvents();
        TraceDetails.Builder b = new TraceDetails.Builder();
        b.frame(new TraceDetails.Frame("a.py", 1, "f"));
        b.stack(new int[] {0});
        b.event(-1, -1, -1).event(0, -1, -1);
        StringWriter out = new StringWriter();
        TraceFile.write(out, INFO, events, b.build());
        TraceDetails back = TraceFile.read(new StringReader(out.toString()), "t.json").details();
        assertEquals(-1, back.stackOf(0));
        assertEquals(0, back.stackOf(1));
        assertEquals(-1, back.stackOf(events.size() - 1));
    }

    @Test
    void indicesOutsideTheTablesAreNamed() throws IOException {
        List<MemoryEvent> events = importedEvents();
        StringWriter out = new StringWriter();
        TraceFile.write(out, INFO, events, details(events.size()));
        String text = out.toString();
        assertFails(text.replace("\"streams\":[0,31232]", "\"streams\":[0]"), "has stream index 1, but \"streams\" has 1");
        assertFails(text.replaceFirst("\"stacks\":\\[\n\\[[0-9,]*\\],", "\"stacks\":[\n"), "but \"stacks\" has 1");
        assertFails(text.replaceFirst("\"frames\":\\[\n\\[", "\"frames\":[\n[9999,"), "a frame is [file, line, function]");
    }

    private static void assertFails(String json, String part) {
        TraceFormatException e = assertThrows(TraceFormatException.class,
                () -> TraceFile.read(new StringReader(json), "t.json"));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    /** An imported trace's kinds of event: a reservation, a block's life with a requested free, an OOM. */
    private static List<MemoryEvent> importedEvents() {
        List<MemoryEvent> e = new ArrayList<>();
        e.add(new MemoryEvent(0, 0, Action.RESERVE, -1, "segment_alloc", "", null, 0, 2 << 20, -1, "", -1, -1, -1));
        e.add(new MemoryEvent(1, 10, Action.ALLOC, 0, "relu (nn/functional.py:1469)", "", Category.ACTIVATION, 0,
                4096, -1, "", -1, -1, -1));
        e.add(new MemoryEvent(2, 20, Action.FREE_REQUESTED, 0, "relu (nn/functional.py:1469)", "",
                Category.ACTIVATION, 0, 4096, -1, "", -1, -1, -1));
        e.add(new MemoryEvent(3, 30, Action.FREE, 0, "relu (nn/functional.py:1469)", "", Category.ACTIVATION, 0,
                4096, -1, "", -1, -1, -1));
        e.add(new MemoryEvent(4, 40, Action.OOM, -1, "", "", Category.UNKNOWN, -1, 0, -1, "", 64 << 20, 5 << 20,
                -1));
        e.add(new MemoryEvent(5, 50, Action.UNRESERVE, -1, "segment_free", "", null, 0, 2 << 20, -1, "", -1, -1,
                -1));
        return e;
    }

    private static TraceDetails details(int events) {
        TraceDetails.Builder b = new TraceDetails.Builder();
        int relu = b.frame(new TraceDetails.Frame("/torch/nn/functional.py", 1469, "relu"));
        int fwd = b.frame(new TraceDetails.Frame("/torch/nn/modules/activation.py", 101, "forward"));
        int cpp = b.frame(new TraceDetails.Frame("??", 0, "torch::unwind::unwind()"));
        int s0 = b.stack(new int[] {relu, fwd});
        int s1 = b.stack(new int[] {cpp, relu, fwd});
        int main = b.stream(0);
        int side = b.stream(0x7a00);
        int note = b.note("compile context: [0/0] forward");
        b.event(-1, main, -1).event(s0, side, -1).event(s1, side, note).event(s1, main, -1).event(s0, main, -1);
        for (int i = 5; i < events; i++) {
            b.event(-1, main, -1);
        }
        return b.build();
    }
}
