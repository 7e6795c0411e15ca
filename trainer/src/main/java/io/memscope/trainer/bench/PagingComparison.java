package io.memscope.trainer.bench;

import io.memscope.trainer.backend.MetaBackend;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.DeviceAllocator;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.OutOfDeviceMemoryException;
import io.memscope.trainer.memory.Paging;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.modes.checkpoint.CheckpointMode;
import io.memscope.trainer.modes.outofcore.OutOfCoreMode;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.Batch;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.StepProgram;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The paged arena against the classic one, under {@link OutOfCoreBenchmark}'s fixed budgets: for baseline and
 * out-of-core and checkpoint, on the classic arena and on pages of 64 KiB and 2 MiB, the largest batch each fits (meta-backend
 * plans replayed against the budget, training step, no evaluation), the device memory at that batch's peak
 * (counted, in blocks, page rounding, fragmentation), and the allocation that fails one sample later with the
 * free memory it met. No step is timed. Writes the "out-of-core-paging" section of docs/BENCHMARKS.md.
 */
final class PagingComparison extends ModeBenchmark {
    static final String SECTION = "out-of-core-paging";
    private static final int LIMIT = 1024;
    private static final List<Paging> DEVICES = List.of(Paging.NONE, new Paging(64 << 10), Paging.pages());

    private final List<OutOfCoreBenchmark.Subject> subjects;

    PagingComparison(Path root, List<OutOfCoreBenchmark.Subject> subjects) {
        super(root);
        this.subjects = List.copyOf(subjects);
    }

    /** One replay of setup and a step against the budget: the allocator at its peak, and the failure if any. */
    private record Replay(DeviceAllocator.Occupancy atPeak, MemoryEvent oom, DeviceAllocator.Occupancy atOom) {}

    @Override
    void run() {
        long t0 = System.nanoTime();
        line("## Paged arena");
        line("");
        line(String.format(Locale.ROOT, "Measured %s on the meta backend (no step is timed); SGD with momentum 0.9, "
                + "training step, no evaluation. *Classic* is the best-fit arena of the budget's size; *paged* maps "
                + "each tensor to a virtual range and counts the budget in pages (docs/OUT_OF_CORE.md, Paged arena). "
                + "At the peak of the largest batch: the device memory counted against the budget (resident pages "
                + "when paged), the bytes in blocks, and fragmentation, 1 − largest free block / free bytes, of the "
                + "device (classic) or of the virtual space (paged, whose pages have none). Then the first allocation "
                + "that fails at one sample more, with the free memory and the largest free block it met.",
                LocalDate.now()));
        line("");
        line("| network | budget | mode | device | largest batch | × classic | counted at the peak | in blocks | page "
                + "rounding | fragmentation at the peak | batch + 1 fails at | needs | free | largest free |");
        line("|---|---:|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|");
        for (OutOfCoreBenchmark.Subject s : subjects) {
            Network net = network(s.sample());
            for (String id : List.of("baseline", OutOfCoreMode.ID, CheckpointMode.ID)) {
                int classic = -1;
                for (Paging paging : DEVICES) {
                    CompileOptions one = options(1).withPaging(paging);
                    MemoryMode mode = Modes.get(id).fitTo(net, one, s.budget(), x -> { });
                    int batch = Planner.maxBatch(net, mode, one, s.budget(), LIMIT);
                    classic = classic < 0 ? batch : classic;
                    System.err.printf(Locale.ROOT, "%s, %s, %s: batch %d%n", net.name(), id, paging.describe(), batch);
                    line(row(net, s.budget(), id, paging, batch, classic, mode));
                }
            }
        }
        line("");
        line(String.format(Locale.ROOT, "The section took %.0f s.", (System.nanoTime() - t0) / 1e9));
        line("");
    }

    private String row(Network net, long budget, String id, Paging paging, int batch, int classic, MemoryMode mode) {
        List<String> cells = new ArrayList<>(List.of(net.name(), Bytes.format(budget), id, paging.paged()
                ? Bytes.format(paging.pageBytes()) + " pages" : "classic", String.valueOf(batch),
                String.format(Locale.ROOT, "%.2f×", (double) batch / Math.max(1, classic))));
        if (batch > 0) {
            DeviceAllocator.Occupancy at = replay(net, mode, options(batch).withPaging(paging), budget).atPeak();
            cells.add(Bytes.format(at.usedBytes()));
            cells.add(Bytes.format(at.blockBytes()));
            cells.add(paging.paged() ? Bytes.format(at.wasteBytes()) : "—");
            cells.add(percent(at.fragmentation()) + (paging.paged() ? " (virtual)" : ""));
        } else {
            cells.addAll(List.of("—", "—", "—", "—"));
        }
        Replay next = batch < LIMIT ? replay(net, mode, options(batch + 1).withPaging(paging), budget) : null;
        if (next == null || next.oom() == null) {
            cells.addAll(List.of(next == null ? "(limit)" : "fits the step; more fails", "—", "—", "—"));
        } else {
            MemoryEvent e = next.oom();
            cells.add(e.tensorName() + (paging.paged() ? String.format(Locale.ROOT, " (page rounding %s)",
                    Bytes.format(next.atOom().wasteBytes())) : ""));
            cells.add(Bytes.format(e.requestedBytes()));
            cells.add(Bytes.format(e.freeBytes()));
            cells.add(Bytes.format(e.largestFreeBytes()));
        }
        return "| " + String.join(" | ", cells) + " |";
    }

    /** Setup and one training step on the meta backend in a device of the budget, on the options' allocator. */
    private static Replay replay(Network net, MemoryMode mode, CompileOptions o, long budget) {
        StepProgram p = mode.compile(net, o);
        Trace trace = new Trace(new TraceInfo(net.name(), mode.id(), "meta", o.batch(), budget, null), 1 << 10);
        DeviceMemory memory = new DeviceMemory(budget, trace, o.paging());
        ProgramRunner runner = new ProgramRunner(net, new MetaBackend(memory, o.workspace()), o.optimizer(), 0);
        try {
            runner.setup(p);
            runner.run(p, 0, new Batch(o.batch(), new float[0], new float[0]));
            return new Replay(memory.arena().occupancyAtPeak(), null, null);
        } catch (OutOfDeviceMemoryException e) {
            return new Replay(memory.arena().occupancyAtPeak(), e.event(), memory.arena().occupancy());
        }
    }

    private static String percent(double f) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * f);
    }
}
