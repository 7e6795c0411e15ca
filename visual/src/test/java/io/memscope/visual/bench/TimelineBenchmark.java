package io.memscope.visual.bench;

import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.render.TimelineModel;
import io.memscope.visual.SyntheticTrace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How the timeline's level-of-detail models scale: replays traces of 10 thousand to 1 million events into the
 * same models the window uses, 250,000 events per frame as the window does, then samples 1920 columns (one per
 * pixel of a full-HD timeline) over the whole trace and over a zoomed window, and walks the visible tensor
 * lifetimes. Prints the numbers and writes them into the "UI" section of docs/BENCHMARKS.md.
 *
 * <pre>mvn -q -pl visual test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.memscope.visual.bench.TimelineBenchmark</pre>
 */
public final class TimelineBenchmark {
    private static final int COLUMNS = 1920;
    private static final int PER_FRAME = 250_000;

    private TimelineBenchmark() {}

    public static void main(String[] args) throws IOException {
        StringBuilder table = new StringBuilder();
        table.append("| events | replay into the models, per event | frames to load | sample 1920 columns, whole trace |"
                + " sample, zoomed to 1% | lifetimes visited, zoomed to 1% |\n");
        table.append("|---:|---:|---:|---:|---:|---:|\n");
        for (int target : new int[] {10_000, 100_000, 1_000_000}) {
            // 12 layers: 24 memory events + 25 phase/step markers per step.
            int steps = Math.max(1, target / 49);
            List<MemoryEvent> events = SyntheticTrace.steps(steps, 12, 1 << 20);
            Result r = measure(events);
            String line = String.format(Locale.ROOT, "| %,d | %.0f ns | %d | %.2f ms | %.2f ms | %,d in %.2f ms |",
                    events.size(), r.appendNsPerEvent, r.frames, r.sampleAllMs, r.sampleZoomMs, r.visited, r.lifetimeMs);
            System.out.println(line);
            table.append(line).append('\n');
        }
        writeSection(table.toString());
    }

    private record Result(double appendNsPerEvent, int frames, double sampleAllMs, double sampleZoomMs, int visited,
                          double lifetimeMs) {}

    private static Result measure(List<MemoryEvent> events) {
        double append = Double.MAX_VALUE;
        TimelineModel.Live timeline = null;
        int frames = 0;
        for (int round = 0; round < 3; round++) {
            timeline = new TimelineModel.Live(new TraceInfo("bench", "baseline", "cpu", 1, 0, java.util.Map.of()));
            frames = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < events.size(); i += PER_FRAME) {
                List<MemoryEvent> chunk = events.subList(i, Math.min(events.size(), i + PER_FRAME));
                timeline.append(chunk);
                frames++;
            }
            append = Math.min(append, (double) (System.nanoTime() - t0) / events.size());
        }
        TimelineModel tm = timeline.snapshot();
        long first = tm.xMin();
        long last = tm.xMax();
        long span = last - first;
        double all = best(() -> tm.aggregate(first, last, COLUMNS));
        long zFrom = first + span / 2;
        long zTo = zFrom + Math.max(1, span / 100);
        double zoom = best(() -> tm.aggregate(zFrom, zTo, COLUMNS));
        int[] visited = {0};
        double life = best(() -> {
            visited[0] = 0;
            tm.forEachSegment(zFrom, zTo, (s, e, o, b, c, st) -> visited[0]++);
        });
        return new Result(append, frames, all, zoom, visited[0], life);
    }

    /** Best of 20 runs after 5 warm-up runs, in milliseconds. */
    private static double best(Runnable r) {
        for (int i = 0; i < 5; i++) {
            r.run();
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best / 1e6;
    }

    private static void writeSection(String table) throws IOException {
        Path root = Path.of(System.getProperty("memscope.root", "."));
        Path file = root.resolve("docs").resolve("BENCHMARKS.md");
        String section = "## UI\n\n"
                + "The timeline and lifetime views draw from one level-of-detail model (the render `TimelineModel`, built live),"
                + " so a frame's cost depends on the pixels, not on the events recorded. Measured by"
                + " `io.memscope.visual.bench.TimelineBenchmark` (visual module, test sources), which replays synthetic"
                + " traces into the same models the window uses, " + String.format(Locale.ROOT, "%,d", PER_FRAME)
                + " events per frame, on " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + ":\n\n" + table + "\n"
                + "Reproduce: `mvn -q -pl visual test-compile exec:java -Dexec.classpathScope=test"
                + " -Dexec.mainClass=io.memscope.visual.bench.TimelineBenchmark` from the repository root. With"
                + " `-Dmemscope.timings=true` the window's status bar shows the live frame and timeline-draw times.\n";
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# MemScope benchmarks\n\n";
        int at = text.indexOf("## UI\n");
        if (at < 0) {
            text = text.endsWith("\n\n") ? text + section : text + "\n" + section;
        } else {
            // up to the next section, or the marker that opens another benchmark's section
            int next = text.indexOf("\n## ", at + 1);
            int marker = text.indexOf("\n<!-- ", at + 1);
            if (marker >= 0 && (next < 0 || marker < next)) {
                next = marker;
            }
            text = text.substring(0, at) + section + (next < 0 ? "" : text.substring(next));
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        System.out.println("written to " + file);
    }
}
