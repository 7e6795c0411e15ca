package io.memscope.trainer.bench;

import static io.memscope.trainer.bench.TimedSteps.change;
import static io.memscope.trainer.bench.TimedSteps.median;
import static io.memscope.trainer.bench.TimedSteps.persistent;

import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.modes.BaselineMode;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.rows.Halo;
import io.memscope.trainer.modes.rows.RowCentricMode;
import io.memscope.trainer.modes.rows.RowCentricOptions;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.plan.MemoryProfile;
import io.memscope.trainer.plan.Planner;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The row-centric mode against baseline: peak activation memory (peak minus parameters, gradients and
 * optimizer state) and CPU step time for the small VGG and ResNet-18/32×32, planned memory for VGG-16 at
 * 224×224, for 2, 4, 8 and 16 bands and both halo strategies; the largest batch that fits 1 GiB; an automatic
 * choice for a budget. Prints everything and rewrites the "row-centric" section of docs/BENCHMARKS.md.
 *
 * <p>Run: {@code scripts/bench-rows.sh}, or {@code java --add-modules jdk.incubator.vector -Xmx10g -cp
 * trainer/target/memscope-cli.jar io.memscope.trainer.bench.RowCentricBenchmark [repo-root]}.
 */
public final class RowCentricBenchmark extends ModeBenchmark {
    private static final int[] BANDS = {2, 4, 8, 16};
    /** One band: the segments, whole-map batch norm and recomputation without splitting rows, for reference. */
    private static final int[] WITH_ONE = {1, 2, 4, 8, 16};
    private static final long GIB = 1L << 30;


    private RowCentricBenchmark(Path root) {
        super(root);
    }

    public static void main(String[] args) throws Exception {
        BenchmarkReport.run(args, "row-centric", root -> new RowCentricBenchmark(root).report());
    }

    @Override
    void run() throws Exception {
        line("## Row-centric mode (LR-CNN)");
        line("");
        line(String.format(Locale.ROOT, "Measured %s on %d cores, Java %s, %s; SGD with momentum 0.9. "
                + "*Activation memory* is the step's peak minus what stays between steps (parameters, gradients, "
                + "optimizer state): activations, their gradients, inputs and workspaces. Memory is exact (planned "
                + "and measured agree to the byte). Step times are medians of 5 steps, baseline's after warm-up "
                + "steps for 3 s, each configuration's after 1 s of its own; absolute times can drift by ±30%% "
                + "from run to run when the machine is shared, so the ratio to baseline is measured with baseline "
                + "steps interleaved, which is steadier.", LocalDate.now(), threads,
                System.getProperty("java.version"), CpuBackend.blasName()));
        line("");
        line("Options: `overlap` = overlapping partitioning, `two-phase` = two-phase sharing; segments are cut after "
                + "every downsampling layer (the default) unless the table says otherwise.");
        line("");

        measuredTable("vgg_small", 32, 5);
        measuredTable("resnet18_cifar", 16, 5);
        plannedTable("vgg16", 32);
        paperComparison();
        maxBatches();
        automaticChoice();
    }

    // ---- memory and step time ----------------------------------------------------------------------------

    /** One configuration's activation memory, total peak and step time. */
    private record Row(long activation, long peak, double stepMs) {}

    /**
     * Memory and step time of every configuration against baseline. The machine is shared, so its load drifts
     * over minutes: each configuration's steps alternate with baseline steps, and the ratio compares medians
     * taken side by side.
     */
    private void measuredTable(String name, int batch, int runs) throws Exception {
        Network net = network(name);
        line("### " + net.name() + ", batch " + batch + " (CPU backend, measured)");
        line("");
        line("| mode | bands | activation memory | vs baseline | total peak | step time | vs baseline (paired) |");
        line("|---|---|---|---|---|---|---|");
        try (TimedSteps base = new TimedSteps(net, new BaselineMode(), options(batch), threads)) {
            Row b = row(base, base.medianStep(runs));
            line(String.format(Locale.ROOT, "| baseline | | %s | | %s | %.0f ms | |", Bytes.format(b.activation()),
                    Bytes.format(b.peak()), b.stepMs()));
            List<RowCentricMode> modes = new ArrayList<>();
            modes.add(RowCentricMode.with(RowCentricOptions.DEFAULT.withBands(1)));
            for (Halo halo : Halo.values()) {
                for (int bands : BANDS) {
                    modes.add(RowCentricMode.with(RowCentricOptions.DEFAULT.withHalo(halo).withBands(bands)));
                }
            }
            for (RowCentricMode m : modes) {
                try (TimedSteps s = new TimedSteps(net, m, options(batch), threads)) {
                    s.medianStep(1, TimedSteps.WARM_UP_NANOS / 3); // the JIT meets this program's band shapes
                    long[] tb = new long[runs];
                    long[] tm = new long[runs];
                    for (int r = 0; r < runs; r++) {
                        tb[r] = base.step();
                        tm[r] = s.step();
                    }
                    Row row = row(s, median(tm));
                    RowCentricOptions o = m.options();
                    line(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %.0f ms | %.2f× |",
                            o.forward().count() == 1 ? "row-centric" : o.halo().label(), o.forward().count(),
                            Bytes.format(row.activation()), change(row.activation(), b.activation()),
                            Bytes.format(row.peak()), row.stepMs(), (double) median(tm) / median(tb)));
                }
            }
        }
        line("");
    }

    /** Measured memory (checked against the plan) with a step time. */
    private static Row row(TimedSteps s, long stepNanos) {
        MemoryProfile measured = s.measured();
        return new Row(measured.peakBytes() - persistent(measured), measured.peakBytes(), stepNanos / 1e6);
    }

    private void plannedTable(String name, int batch) {
        Network net = network(name);
        line("### " + net.name() + ", batch " + batch + " (planned: meta backend, same program)");
        line("");
        line("| mode | cuts | bands | activation memory | vs baseline | total peak |");
        line("|---|---|---|---|---|---|");
        Row base = plan(net, new BaselineMode(), batch);
        line(String.format(Locale.ROOT, "| baseline | | | %s | | %s |", Bytes.format(base.activation()),
                Bytes.format(base.peak())));
        for (RowCentricOptions.Cuts cuts : RowCentricOptions.Cuts.values()) {
            for (Halo halo : Halo.values()) {
                for (int b : halo == Halo.OVERLAP ? WITH_ONE : BANDS) {
                    RowCentricMode m = RowCentricMode.with(RowCentricOptions.DEFAULT.withHalo(halo).withCuts(cuts)
                            .withBands(b));
                    Row r = plan(net, m, batch);
                    line(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s |", halo.label(), cuts.label(), b,
                            Bytes.format(r.activation()), change(r.activation(), base.activation()),
                            Bytes.format(r.peak())));
                }
            }
        }
        line("");
    }

    private Row plan(Network net, MemoryMode mode, int batch) {
        Planner.Plan p = Planner.plan(net, mode, options(batch), 1L << 50);
        return new Row(p.peakBytes() - persistent(p.profile()), p.peakBytes(), Double.NaN);
    }

    // ---- against the paper --------------------------------------------------------------------------------

    private void paperComparison() {
        Network vgg = network("vgg16");
        Network resnet = network("resnet18_cifar");
        long vggBase = plan(vgg, new BaselineMode(), 32).activation();
        long resBase = plan(resnet, new BaselineMode(), 32).activation();
        long vggBest = Long.MAX_VALUE;
        long resBest = Long.MAX_VALUE;
        for (Halo halo : Halo.values()) {
            for (int b : BANDS) {
                RowCentricMode m = RowCentricMode.with(RowCentricOptions.DEFAULT.withHalo(halo).withBands(b));
                vggBest = Math.min(vggBest, plan(vgg, m, 32).activation());
                resBest = Math.min(resBest, plan(resnet, m, 32).activation());
            }
        }
        line("### Against the paper's figure");
        line("");
        line(String.format(Locale.ROOT, "LR-CNN reports about 78%% less memory than layer-by-layer training on VGG-16 "
                + "and ResNet-50. Best row-centric activation memory here, batch 32: VGG-16 **%s** (baseline %s), "
                + "ResNet-18/32×32 **%s** (baseline %s). See docs/ROW_CENTRIC.md for why ResNets save less.",
                change(vggBest, vggBase), Bytes.format(vggBase), change(resBest, resBase), Bytes.format(resBase)));
        line("");
    }

    // ---- largest batch in 1 GiB -------------------------------------------------------------------------

    private void maxBatches() {
        line("### Largest batch that fits 1 GiB (planned, fragmentation included)");
        line("");
        line("Row-centric: the best of overlap with 4, 8 and 16 bands (cuts at downsampling).");
        line("");
        line("| network | budget | baseline | row-centric | with |");
        line("|---|---|---|---|---|");
        Network resnet = network("resnet18_cifar");
        maxBatchRow(resnet, GIB, "1 GiB");
        Network vgg = network("vgg16");
        long persistent = persistentBytes(vgg);
        maxBatchRow(vgg, GIB, "1 GiB");
        maxBatchRow(vgg, persistent + GIB, "1 GiB + " + Bytes.format(persistent) + " persistent");
        line("");
        line(String.format(Locale.ROOT, "VGG-16's parameters, gradients and momentum take %s; weights and "
                + "gradients alone take %.1f MiB, more than 1024 MiB, so no mode fits it in 1 GiB. The last row "
                + "gives it 1 GiB for everything else.", Bytes.format(persistent), persistent * 2 / 3 / 1048576.0));
        line("");
    }

    private void maxBatchRow(Network net, long budget, String label) {
        CompileOptions template = options(1);
        int base = Planner.maxBatch(net, new BaselineMode(), template, budget, 4096);
        int best = 0;
        String with = "";
        for (int b : new int[] {4, 8, 16}) {
            RowCentricMode m = RowCentricMode.with(RowCentricOptions.DEFAULT.withBands(b));
            int n = Planner.maxBatch(net, m, template, budget, 4096);
            if (n > best) {
                best = n;
                with = m.options().describe();
            }
        }
        String ratio = base > 0 ? String.format(Locale.ROOT, " (%.1f×)", (double) best / base) : "";
        line(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s |", net.name(), label, base, best,
                best == 0 ? "" : with + ratio));
    }

    private long persistentBytes(Network net) {
        Planner.Plan p = Planner.plan(net, new BaselineMode(), options(1), 1L << 50);
        return persistent(p.profile());
    }

    // ---- automatic choice -------------------------------------------------------------------------------

    private void automaticChoice() {
        Network net = network("vgg16");
        int batch = 32;
        CompileOptions o = options(batch);
        Planner.Plan base = Planner.plan(net, new BaselineMode(), o, 1L << 50);
        long budget = persistent(base.profile()) + (512L << 20);
        RowCentricMode.Choice c = RowCentricMode.chooseFor(net, o, budget, RowCentricOptions.DEFAULT);
        line("### Automatic choice for a budget");
        line("");
        line(String.format(Locale.ROOT, "VGG-16 at batch %d needs %s in baseline; asked to fit %s (its %s of "
                + "persistent state plus 512 MiB), `RowCentricMode.chooseFor` tries band counts from coarse to fine "
                + "and then the fewest forward bands that still fit:", batch, Bytes.format(base.peakBytes()),
                Bytes.format(budget), Bytes.format(persistent(base.profile()))));
        line("");
        line("```");
        line(c.report().strip());
        line("```");
    }
}
