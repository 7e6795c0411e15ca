package io.memscope.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.export.TraceFile;
import io.memscope.trainer.memory.Action;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code memscope import}: a PyTorch snapshot becomes a trace file; what cannot be read is one line on stderr. */
class ImportCliTest {
    private static final Path SNAPSHOTS = TestPaths.root().resolve("trainer/src/test/resources/pytorch");

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new MemScopeCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path copy(String name) throws IOException {
        return Files.copy(SNAPSHOTS.resolve(name), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void importWritesATraceBesideTheSnapshotThatExportDraws() throws IOException {
        Path snap = copy("v2_6_expandable_p5.pickle");
        Run r = run("import", snap.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        Path trace = dir.resolve("v2_6_expandable_p5.json");
        assertTrue(r.out().contains("wrote " + trace + " (14 events)"), r.out());
        assertTrue(r.out().contains("2 blocks were allocated before the first entry"), r.out());
        TraceFile.LoadedTrace t = TraceFile.read(trace);
        assertEquals(14, t.events().size());
        assertEquals(Action.RESERVE, t.events().get(0).action());
        assertFalse(t.details().isEmpty(), "the stacks and streams are in the file");

        Run png = run("export", trace.toString(), "--png", dir.resolve("t.png").toString());
        assertEquals(0, png.code(), png.err());
        assertTrue(Files.size(dir.resolve("t.png")) > 1000);
    }

    @Test
    void oneDevicePerTraceTheOtherNamed() throws IOException {
        Path snap = copy("v2_2_devices_p4.pickle");
        Run busiest = run("import", snap.toString(), "--out", dir.resolve("one.json").toString());
        assertEquals(0, busiest.code(), busiest.err());
        assertTrue(busiest.out().contains("device 1: 16 trace entries"), busiest.out());
        assertTrue(busiest.out().contains("import another with --device 0"), busiest.out());
        Run zero = run("import", snap.toString(), "--device", "0", "--out", dir.resolve("zero.json").toString());
        assertEquals(0, zero.code(), zero.err());
        assertTrue(zero.out().contains("device 0: 2 trace entries"), zero.out());
        assertEquals("cuda:0", TraceFile.read(dir.resolve("zero.json")).info().backend());

        Run missing = run("import", snap.toString(), "--device", "3", "--out", dir.resolve("three.json").toString());
        assertEquals(1, missing.code());
        assertEquals("memscope: " + snap + " has no trace entries or segments for device 3; it has devices 0, 1\n",
                missing.err());
        assertFalse(Files.exists(dir.resolve("three.json")));
    }

    @Test
    void anExistingTraceIsReplacedOnlyWithForce() throws IOException {
        Path snap = copy("v2_1_blocks_p3.pickle");
        Path target = dir.resolve("v2_1_blocks_p3.json");
        Files.writeString(target, "keep me");
        Run refused = run("import", snap.toString());
        assertEquals(2, refused.code());
        assertEquals("memscope: " + target + " exists; name another file with --out, or add --force to replace it\n",
                refused.err());
        assertEquals("keep me", Files.readString(target));
        assertEquals(0, run("import", snap.toString(), "--force").code());
        assertEquals(15, TraceFile.read(target).events().size());
    }

    @Test
    void aHostileOrBrokenFileIsOneLineAndWritesNothing() throws IOException {
        for (String name : new String[] {"global_reduce.pickle", "truncated.pickle", "list_top.pickle",
                "huge_length.pickle", "text.pickle"}) {
            Path snap = Files.copy(SNAPSHOTS.resolve("hostile").resolve(name), dir.resolve(name),
                    StandardCopyOption.REPLACE_EXISTING);
            Path out = dir.resolve(name + ".json");
            Run r = run("import", snap.toString(), "--out", out.toString());
            assertEquals(1, r.code(), name);
            assertTrue(r.err().startsWith("memscope: " + snap + ": "), r.err());
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace");
            assertFalse(Files.exists(out), name + " wrote a trace");
        }
        Run none = run("import", dir.resolve("nothing.pickle").toString());
        assertEquals(2, none.code());
        assertTrue(none.err().contains("no such snapshot file"), none.err());
        assertEquals(2, run("import").code());
    }
}
