package io.memscope.trainer.bench;

import io.memscope.trainer.export.TraceFile;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.pytorch.Snapshot;
import io.memscope.trainer.pytorch.SnapshotImport;
import io.memscope.trainer.pytorch.SnapshotReader;
import io.memscope.trainer.render.TimelineModel;
import io.memscope.trainer.render.XAxis;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Imports a PyTorch memory snapshot of two million trace entries ({@link SyntheticSnapshot}, laid out as PyTorch
 * 2.6 writes one) and reports how long reading the pickle and turning it into events take, the most heap the
 * import had in use (what each collection found as it began; the JVM's limit is printed beside it) and
 * what the imported trace keeps; then how long the timeline model and writing the trace file take. Prints
 * everything and rewrites the "pytorch-import" section of docs/BENCHMARKS.md.
 *
 * <p>Run: {@code scripts/bench-pytorch-import.sh}, or {@code java -Xmx512m -cp trainer/target/memscope-cli.jar
 * io.memscope.trainer.bench.SnapshotImportBenchmark [repo-root] [entries]}.
 */
public final class SnapshotImportBenchmark {
    static final int ENTRIES = 2_000_000;
    private static final int RUNS = 3;

    private SnapshotImportBenchmark() {}

    public static void main(String[] args) throws Exception {
        int entries = args.length > 1 ? Integer.parseInt(args[1]) : ENTRIES;
        BenchmarkReport.run(args, "pytorch-import", root -> run(entries));
    }

    private static String run(int entries) throws Exception {
        Path dir = Files.createTempDirectory("memscope-snapshot-bench");
        try {
            return measure(dir, entries);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static String measure(Path dir, int entries) throws Exception {
        Path file = dir.resolve("synthetic.pickle");
        long t0 = System.nanoTime();
        SyntheticSnapshot.Facts facts = SyntheticSnapshot.write(file, entries, 1);
        System.out.printf(Locale.ROOT, "wrote %s: %,d entries (%,d allocs, %d segments, %d frames, %d stacks), %s, in "
                + "%.1f s%n", file, facts.entries(), facts.allocs(), facts.segments(), facts.frames(), facts.stacks(),
                Bytes.format(facts.bytes()), (System.nanoTime() - t0) / 1e9);

        settle();
        long baseline = usedHeap();
        List<String> rows = new ArrayList<>();
        double[] totals = new double[RUNS];
        long[] peaks = new long[RUNS];
        SnapshotImport.Result result = null;
        for (int run = 0; run < RUNS; run++) {
            result = null;
            settle();
            long before = usedHeap();
            resetPeaks();
            long start = System.nanoTime();
            Snapshot snapshot = SnapshotReader.read(file);
            long read = System.nanoTime();
            result = SnapshotImport.of(snapshot);
            long done = System.nanoTime();
            snapshot = null;
            peaks[run] = peakHeap() - before;
            totals[run] = (done - start) / 1e9;
            String row = String.format(Locale.ROOT, "| %d | %.2f s | %.2f s | %.2f s | %s |", run + 1,
                    (read - start) / 1e9, (done - read) / 1e9, totals[run], Bytes.format(peaks[run]));
            System.out.println(row);
            rows.add(row);
        }
        // what stays alive: after reading (the snapshot's columns and tables) and after the import (the trace)
        result = null;
        settle();
        Snapshot read = SnapshotReader.read(file);
        settle();
        long snapshotBytes = usedHeap() - baseline;
        SnapshotImport.Result kept = SnapshotImport.of(read);
        read = null;
        settle();
        long retainedBytes = usedHeap() - baseline;
        System.out.printf(Locale.ROOT, "live after reading %s, after the import %s%n", Bytes.format(snapshotBytes),
                Bytes.format(retainedBytes));

        long m0 = System.nanoTime();
        TimelineModel model = TimelineModel.of(kept.info(), kept.events(), XAxis.TIME_NS);
        double modelSeconds = (System.nanoTime() - m0) / 1e9;
        Path trace = dir.resolve("synthetic.json");
        long w0 = System.nanoTime();
        TraceFile.write(trace, kept.info(), kept.events(), kept.details());
        double writeSeconds = (System.nanoTime() - w0) / 1e9;
        long traceBytes = Files.size(trace);
        System.out.printf(Locale.ROOT, "model %.2f s (%,d lifetimes, peak %s); trace file %.2f s, %s%n", modelSeconds,
                model.lifetimeCount(), Bytes.format(model.peakBytes()), writeSeconds, Bytes.format(traceBytes));

        double[] sorted = totals.clone();
        Arrays.sort(sorted);
        long worstPeak = Arrays.stream(peaks).max().orElse(0);
        StringBuilder md = new StringBuilder();
        md.append("## PyTorch snapshot import\n\n");
        md.append(String.format(Locale.ROOT, "Measured %s on %d cores (shared with other builds), Java %s, heap limit "
                        + "%s (`-Xmx`). The snapshot is `SyntheticSnapshot`'s: a made-up training run (24 layers, "
                        + "Adam) laid out as PyTorch 2.6 writes one: %,d trace entries (%,d allocs, %d segments), "
                        + "`time_us`, combined C++/Python stacks of %d shared frames, a fresh frames list per alloc "
                        + "and per free; the pickle is %s.%n%n", LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), Bytes.format(Runtime.getRuntime().maxMemory()), facts.entries(),
                facts.allocs(), facts.segments(), facts.frames(), Bytes.format(facts.bytes())));
        md.append("| run | read the pickle | to events | import | heap used at most |\n|---|---|---|---|---|\n");
        rows.forEach(r -> md.append(r).append('\n'));
        md.append(String.format(Locale.ROOT, "%nMedian import: **%.2f s** for %,d entries (the first run includes the "
                        + "JIT's warm-up). The most heap in use during an import: **%s** more than before it (what "
                        + "each collection found in use as it began; garbage not yet collected counts, so a larger "
                        + "heap lets this grow and a smaller one holds it down). What stays alive, measured after full "
                        + "collections in a fourth, untimed run: the snapshot as read, %s (%.0f bytes an entry: the "
                        + "entries in columns, the stacks and frames once each); the imported trace, %s (%.0f bytes "
                        + "an event: the events in columns, and each event's stack, stream and note).%n%n",
                sorted[RUNS / 2], facts.entries(), Bytes.format(worstPeak), Bytes.format(snapshotBytes),
                (double) snapshotBytes / facts.entries(), Bytes.format(retainedBytes),
                (double) retainedBytes / kept.events().size()));
        md.append(String.format(Locale.ROOT, "Then the timeline model of its %,d events: %.2f s; writing the trace file "
                        + "(schema 2, with stacks and streams): %.2f s, %s.%n%n", kept.events().size(), modelSeconds,
                writeSeconds, Bytes.format(traceBytes)));
        md.append("Memory stays bounded because the reader never holds the snapshot as Python would: each trace "
                + "entry goes into per-device columns as the pickle appends it and leaves the memo, and each frames "
                + "list becomes an interned stack as soon as its dict receives it. Re-run with "
                + "`scripts/bench-pytorch-import.sh`.\n");
        return md.toString();
    }

    private static void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /**
     * The most heap in use at once: used heap only grows between collections, so its peaks are what each
     * collection found in use when it began (the JVM reports that with every collection), or what is in use now.
     */
    private static final java.util.concurrent.atomic.AtomicLong PEAK = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.Set<String> HEAP_POOLS = new java.util.HashSet<>();

    static {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                HEAP_POOLS.add(pool.getName());
            }
        }
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof javax.management.NotificationEmitter emitter) {
                emitter.addNotificationListener((n, handback) -> {
                    if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
                            .equals(n.getType())) {
                        return;
                    }
                    var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                            (javax.management.openmbean.CompositeData) n.getUserData());
                    long used = 0;
                    for (var e : info.getGcInfo().getMemoryUsageBeforeGc().entrySet()) {
                        if (HEAP_POOLS.contains(e.getKey())) {
                            used += e.getValue().getUsed();
                        }
                    }
                    PEAK.accumulateAndGet(used, Math::max);
                }, null, null);
            }
        }
    }

    private static void resetPeaks() {
        PEAK.set(usedHeap());
    }

    private static long peakHeap() {
        return Math.max(PEAK.get(), usedHeap());
    }
}
