package io.memscope.trainer.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memscope.trainer.export.TraceFile.LoadedTrace;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A million events through the trace file. Asserts only correctness; the timings are printed for reading. */
class TraceFileScaleTest {
    private static final int EVENTS = 1_000_000;

    @TempDir
    Path dir;

    @Test
    void aMillionEventsRoundTrip() throws IOException {
        List<MemoryEvent> events = TestEvents.training(new Random(11), EVENTS, 60);
        TraceInfo info = new TraceInfo("resnet50", "out-of-core", "meta", 256, 8L << 30, Map.of("seed", "11"));
        for (String name : List.of("big.json", "big.json.gz")) {
            Path file = dir.resolve(name);
            long t0 = System.nanoTime();
            TraceFile.write(file, info, events);
            long t1 = System.nanoTime();
            LoadedTrace loaded = TraceFile.read(file);
            long t2 = System.nanoTime();

            assertEquals(info, loaded.info());
            assertEquals(events, loaded.events());
            long size = Files.size(file);
            System.out.printf(Locale.ROOT, "TraceFile %,d events, %s: write %d ms, read %d ms, %.1f MiB (%.1f bytes/event)%n",
                    EVENTS, name, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, size / 1048576.0,
                    (double) size / EVENTS);
        }
    }
}
