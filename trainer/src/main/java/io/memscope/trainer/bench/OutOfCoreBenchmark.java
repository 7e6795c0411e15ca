package io.memscope.trainer.bench;

import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.modes.checkpoint.CheckpointMode;
import io.memscope.trainer.modes.outofcore.OutOfCoreMode;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.SwapStats;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The out-of-core mode against baseline under a fixed budget: the largest batch each fits (meta-backend plans,
 * replayed against the budget), and at out-of-core's largest batch the bytes moved per step, the time the step
 * waited for copies, and the step time against baseline's at the same batch with no budget, on the CPU backend
 * with the copy thread paced to the modelled link. Rewrites the "out-of-core" section of docs/BENCHMARKS.md, then
 * {@link PagingComparison}'s section (the paged arena against the classic one under the same budgets).
 *
 * <p>Run: {@code scripts/bench-out-of-core.sh}. Arguments: the repository root, then optionally {@code paging} to
 * run only the paging comparison, on the subjects that follow ({@code SAMPLE:BUDGET}, e.g. {@code lenet5:4MiB}) or
 * on the fixed ones.
 */
public final class OutOfCoreBenchmark extends ModeBenchmark {
    private static final int LIMIT = 1024;
    private static final int TIMED = 5;

    private OutOfCoreBenchmark(Path root) {
        super(root);
    }

    public static void main(String[] args) throws Exception {
        boolean pagingOnly = args.length > 1 && args[1].equals("paging");
        if (!pagingOnly) {
            BenchmarkReport.run(args, "out-of-core", root -> new OutOfCoreBenchmark(root).report());
        }
        List<Subject> paged = new ArrayList<>();
        for (int i = 2; pagingOnly && i < args.length; i++) {
            String[] parts = args[i].split(":", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException("a subject is SAMPLE:BUDGET, e.g. lenet5:4MiB; got '" + args[i] + "'");
            }
            paged.add(new Subject(parts[0], Bytes.parse(parts[1])));
        }
        BenchmarkReport.run(args, PagingComparison.SECTION, root -> new PagingComparison(root,
                paged.isEmpty() ? SUBJECTS : paged).report());
    }

    /** A network and the fixed budget it is measured in. */
    record Subject(String sample, long budget) {}

    /** The small VGG in 24 MiB and ResNet-18/32x32 in 256 MiB. */
    static final List<Subject> SUBJECTS = List.of(new Subject("vgg_small", 24L << 20),
            new Subject("resnet18_cifar", 256L << 20));

    @Override
    void run() throws Exception {
        long t0 = System.nanoTime();
        line("## Out-of-core mode");
        line("");
        line(String.format(Locale.ROOT, "Measured %s on %d cores, Java %s, %s; SGD with momentum 0.9. Largest batches "
                        + "are meta-backend plans replayed against the budget (training step, no evaluation). Copies "
                        + "run on a copy thread beside the compute workers, each paced to a modelled link of %.0f GB/s "
                        + "(PCIe 4.0 x16; on the CPU backend device and host memory are the same RAM, so this model is "
                        + "all the copy costs say). How the mode works: docs/OUT_OF_CORE.md.", LocalDate.now(),
                threads, System.getProperty("java.version"), CpuBackend.blasName(), OutOfCoreMode.DEFAULT_LINK_GBPS));
        line("");
        String load = loadAverage();
        List<Subject> subjects = SUBJECTS;
        line("| network | budget | baseline's largest batch | out-of-core's largest batch | × | baseline's peak at "
                + "that batch | beyond the budget | moved per step (out + in) | waited for copies | step time, "
                + "out-of-core / baseline unbudgeted |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        List<String> notes = new ArrayList<>();
        for (Subject s : subjects) {
            Network net = network(s.sample());
            MemoryMode base = Modes.get("baseline");
            int baseBatch = Planner.maxBatch(net, base, options(1), s.budget(), LIMIT);
            MemoryMode ooc = Modes.get(OutOfCoreMode.ID).fitTo(net, options(1), s.budget(), x -> { });
            int oocBatch = Planner.maxBatch(net, ooc, options(1), s.budget(), LIMIT);
            CompileOptions o = options(oocBatch);
            long basePeak = Planner.plan(net, base, o, Planner.UNBOUNDED).peakBytes();
            System.err.printf(Locale.ROOT, "%s: baseline %d, out-of-core %d; timing at %d%n", net.name(), baseBatch,
                    oocBatch, oocBatch);
            long baseNs;
            try (TimedSteps b = new TimedSteps(net, base, o, threads)) {
                baseNs = b.medianStep(TIMED);
            }
            long oocNs;
            SwapStats moved;
            long planned;
            try (TimedSteps c = new TimedSteps(net, ooc, o, threads)) {
                oocNs = c.medianStep(TIMED);
                moved = c.runner().swaps();
                planned = c.plan().peakBytes();
            }
            if (planned > s.budget()) {
                throw new IllegalStateException(net.name() + ": planned peak " + planned + " over the budget");
            }
            line(String.format(Locale.ROOT, "| %s | %s | %d | **%d** | %.2f× | %s | %.2f× | %s (%s + %s) | %.0f ms | "
                            + "%.0f / %.0f ms = **%.2f×** |", net.name(), Bytes.format(s.budget()), baseBatch, oocBatch,
                    (double) oocBatch / baseBatch, Bytes.format(basePeak), (double) basePeak / s.budget(),
                    Bytes.format(moved.bytesMoved()), Bytes.format(moved.bytesToHost()),
                    Bytes.format(moved.bytesToDevice()), moved.waitNanos() / 1e6, oocNs / 1e6, baseNs / 1e6,
                    (double) oocNs / baseNs));
            notes.add(String.format(Locale.ROOT, "%s: %d swap-outs, %d swap-ins, %d cancelled per step; at %.0f GB/s "
                            + "the moved bytes alone take %.0f ms", net.name(), moved.swapOuts(), moved.swapIns(),
                    moved.cancels(), OutOfCoreMode.DEFAULT_LINK_GBPS,
                    moved.bytesMoved() / (OutOfCoreMode.DEFAULT_LINK_GBPS * 1e9) * 1e3));
        }
        line("");
        line(String.join("; ", notes) + ". Step times are the median of " + TIMED + " steps after 3 s of warm-up steps. "
                + "The paper trains ResNet-50 at 7.5× beyond device memory at 55% of in-core speed; here parameters, "
                + "gradients and optimizer state stay on the device, which bounds how far beyond the budget a batch "
                + "can go (the *beyond the budget* column is baseline's peak at out-of-core's batch over the budget).");
        line("");
        checkpointing(subjects);
        line(String.format(Locale.ROOT, "The whole benchmark took %.1f minutes; load average (1 / 5 / 15 minutes) %s "
                + "at the start, %s at the end.", (System.nanoTime() - t0) / 6e10, load, loadAverage()));
        line("");
    }

    /**
     * Gradient checkpointing, the common practice, under the same budgets: its largest batch, and at that batch the
     * time its recompute phases take and its step time against baseline's at the same batch with no budget.
     */
    private void checkpointing(List<Subject> subjects) {
        line("### Against gradient checkpointing");
        line("");
        line("Checkpoint mode (docs/CHECKPOINTING.md) with its default segments (every ⌈√n⌉-th place where one tensor "
                + "crosses); no copies, one more forward of every segment but the last. Both step times on the "
                + "CPU backend, median of " + TIMED + " steps after 3 s of warm-up steps.");
        line("");
        line("| network | budget | baseline's largest batch | checkpoint's largest batch | × | segments | recompute "
                + "per step | step time, checkpoint / baseline unbudgeted |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Subject s : subjects) {
            Network net = network(s.sample());
            MemoryMode base = Modes.get("baseline");
            CheckpointMode ckpt = (CheckpointMode) Modes.get(CheckpointMode.ID);
            int baseBatch = Planner.maxBatch(net, base, options(1), s.budget(), LIMIT);
            int batch = Planner.maxBatch(net, ckpt, options(1), s.budget(), LIMIT);
            CompileOptions o = options(batch);
            System.err.printf(Locale.ROOT, "%s: checkpoint %d; timing at %d%n", net.name(), batch, batch);
            long baseNs;
            try (TimedSteps b = new TimedSteps(net, base, o, threads)) {
                baseNs = b.medianStep(TIMED);
            }
            long ckptNs;
            long recompute;
            try (TimedSteps c = new TimedSteps(net, ckpt, o, threads)) {
                ckptNs = c.medianStep(TIMED);
                recompute = c.lastPhases().getOrDefault("recompute", 0L);
                if (c.plan().peakBytes() > s.budget()) {
                    throw new IllegalStateException(net.name() + ": checkpoint's planned peak " + c.plan().peakBytes()
                            + " over the budget");
                }
            }
            line(String.format(Locale.ROOT, "| %s | %s | %d | **%d** | %.2f× | %d | %.0f ms | %.0f / %.0f ms = "
                            + "**%.2f×** |", net.name(), Bytes.format(s.budget()), baseBatch, batch,
                    (double) batch / baseBatch, ckpt.segmentsOf(net).count(), recompute / 1e6, ckptNs / 1e6,
                    baseNs / 1e6, (double) ckptNs / baseNs));
        }
        line("");
        line("Out-of-core and checkpoint with and without the paged arena, batch by batch: section *Paged arena*.");
        line("");
    }
}
