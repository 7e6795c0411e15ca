package io.memscope.trainer.bench;

import static io.memscope.trainer.bench.TimedSteps.median;
import static io.memscope.trainer.bench.TimedSteps.persistent;

import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.Tensor;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.modes.Reversibility;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.NetworkSpec;
import io.memscope.trainer.net.ReversibleConversion;
import io.memscope.trainer.net.ReversibleNets;
import io.memscope.trainer.plan.MemoryProfile;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.Reconstruction;
import io.memscope.trainer.program.StepProgram;
import io.memscope.trainer.train.StepResult;
import io.memscope.trainer.train.TrainConfig;
import io.memscope.trainer.train.TrainDefaults;
import io.memscope.trainer.train.TrainListener;
import io.memscope.trainer.train.TrainSummary;
import io.memscope.trainer.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Reversible mode against baseline, in one run: the pixel-wise memory cost (Hascoet et al., arXiv 1910.11127)
 * of RevNet and the fully invertible network at 1 to 16 blocks per stage, with what the reversible peak is made
 * of; peak memory and CPU step time on revnet38, invertible_cifar and the MNIST network, with the
 * recomputation counted in extra forward passes; the largest batch in 1 GiB, ResNet-18 and its reversible conversion included; training
 * curves and held-out accuracy of both modes on the built-in data and on the MNIST subset; the reconstruction
 * SNR along chains of growing depth. Prints everything and rewrites the "reversible" section of
 * docs/BENCHMARKS.md.
 *
 * <p>Run: {@code scripts/bench-reversible.sh}, or {@code java --add-modules jdk.incubator.vector -Xmx8g -cp
 * trainer/target/memscope-cli.jar io.memscope.trainer.bench.ReversibleBenchmark [repo-root]}.
 */
public final class ReversibleBenchmark extends ModeBenchmark {
    private static final int[] DEPTHS = {1, 2, 4, 8, 16};
    private static final int PIXEL_BATCH = 64;
    private static final int TIME_BATCH = 32;
    private static final int TIMED_STEPS = 15;
    private static final int CURVE_BATCH = 32;
    private static final int MNIST_BATCH = 32;
    private static final long[] SEEDS = {1, 2};
    /** Held-out samples: all of the built-in test part and of the MNIST subset's (2,000 each). */
    private static final int EVAL_SAMPLES = 2000;
    private static final int CURVE_STEPS = 300;
    private static final int LOG_EVERY = 25;
    private static final int SNR_BATCH = 16;
    private static final long GIB = 1L << 30;
    private static final int BATCH_LIMIT = 1 << 16;
    /** The pixel-wise memory cost Hascoet et al. report for their fully invertible design. */
    private static final double PAPER_BYTES_PER_PIXEL = 352;
    private static final MemoryMode BASELINE = Modes.get("baseline");
    private static final MemoryMode REVERSIBLE = Modes.get("reversible");
    private static final List<Category> TRANSIENT = List.of(Category.INPUT, Category.ACTIVATION,
            Category.ACTIVATION_GRAD, Category.WORKSPACE, Category.TEMPORARY);

    private ReversibleBenchmark(Path root) {
        super(root);
    }

    public static void main(String[] args) throws Exception {
        BenchmarkReport.run(args, "reversible", root -> {
            ReversibleBenchmark b = new ReversibleBenchmark(root);
            long t0 = System.nanoTime();
            b.run();
            b.line(String.format(Locale.ROOT, "The whole benchmark ran in %.0f s; load average at the end %s.",
                    (System.nanoTime() - t0) / 1e9, loadAverage()));
            return b.markdown();
        });
    }

    @Override
    void run() throws Exception {
        line("## Reversible mode");
        line("");
        line(String.format(Locale.ROOT, "Measured %s on %s, %d cores (%d CPU-backend threads), Java %s, %s; %s "
                + "(the `train` defaults). *Pixel-wise memory cost* (Hascoet et "
                + "al.): the training step's peak minus what stays between steps (parameters, gradients, momentum), "
                + "over batch·H·W of the input, float32. Memory is planned on the meta backend and measured on the "
                + "CPU backend, and the two agree to the byte. Workspaces follow the CPU backend's model for %d "
                + "threads (one im2col buffer per thread), so their share depends on the thread count. See "
                + "docs/REVERSIBLE.md for what the numbers mean. Load average when it started: %s (the machine is "
                + "shared; times drift with it, memory does not).", LocalDate.now(), EngineBenchmark.cpuName(),
                Runtime.getRuntime().availableProcessors(), threads, System.getProperty("java.version"),
                CpuBackend.blasName(), sgd.describe(), threads, loadAverage()));
        line("");
        pixelCost();
        peakBreakdown(Network.build(ReversibleNets.fullyInvertible(4)));
        peakBreakdown(Network.build(ReversibleNets.revnet(3)));
        measuredEqualsPlanned();
        stepTimes(network("revnet38"));
        stepTimes(network("invertible_cifar"));
        stepTimes(Network.build(ReversibleNets.mnist()));
        maxBatches();
        trainingCurves(network("invertible_cifar"), "builtin", CURVE_BATCH);
        Path mnist = root.resolve("samples/data/mnist-subset");
        if (Files.isRegularFile(mnist.resolve("train-images-idx3-ubyte.gz"))) {
            trainingCurves(Network.build(ReversibleNets.mnist()), "mnist:" + mnist, MNIST_BATCH);
        } else {
            line("### MNIST: skipped (no data at " + mnist + ")");
            line("");
        }
        reconstructionVsDepth();
    }

    // ---- pixel-wise memory cost -------------------------------------------------------------------------

    /** A planned training step: its pixel-wise cost and where its peak is. */
    private record Cost(long stepBytes, double bytesPerPixel, String peakAt) {}

    private Cost cost(Network net, MemoryMode mode, int batch) {
        Planner.Plan p = Planner.plan(net, mode, options(batch), Planner.UNBOUNDED);
        long bytes = p.profile().trainingPeakBytes() - p.profile().setupBytes();
        return new Cost(bytes, perPixel(bytes, net, batch), peakPhase(p));
    }

    private static double perPixel(long bytes, Network net, int batch) {
        return (double) bytes / ((long) batch * net.input().h() * net.input().w());
    }

    private void pixelCost() {
        line("### Pixel-wise memory cost against depth (planned, batch " + PIXEL_BATCH + ")");
        line("");
        line("| network | blocks per stage | couplings | baseline B/pixel | reversible B/pixel | reversible / baseline "
                + "| reversible peak in |");
        line("|---|---|---|---|---|---|---|");
        Map<String, double[][]> flat = new java.util.LinkedHashMap<>();
        flat.put("RevNet", pixelRows("RevNet", ReversibleNets::revnet));
        flat.put("fully invertible", pixelRows("fully invertible", ReversibleNets::fullyInvertible));
        line("");
        for (Map.Entry<String, double[][]> e : flat.entrySet()) {
            double[] base = e.getValue()[0];
            double[] rev = e.getValue()[1];
            int last = DEPTHS.length - 1;
            line(String.format(Locale.ROOT, "- %s, %d against %d blocks per stage: reversible **%.3f×** (%.1f → %.1f "
                    + "B/pixel; %.3f× against %d blocks), baseline %.2f× (%.1f → %.1f).", e.getKey(), DEPTHS[last],
                    DEPTHS[0], rev[last] / rev[0], rev[0], rev[last], rev[last] / rev[1], DEPTHS[1],
                    base[last] / base[0], base[0], base[last]));
        }
        double ours = flat.get("fully invertible")[1][2];
        line(String.format(Locale.ROOT, "- Against the paper: the fully invertible network here needs **%.0f B/pixel** "
                + "in reversible mode at any depth (%.2f× the paper's %.0f B/pixel); RevNet, whose stem and downsampling "
                + "convolutions keep their inputs, %.0f.", ours, ours / PAPER_BYTES_PER_PIXEL, PAPER_BYTES_PER_PIXEL,
                flat.get("RevNet")[1][2]));
        line("");
    }

    /** One table row per depth; returns baseline's and reversible's bytes per pixel. */
    private double[][] pixelRows(String label, IntFunction<NetworkSpec> builder) {
        double[][] out = new double[2][DEPTHS.length];
        for (int k = 0; k < DEPTHS.length; k++) {
            Network net = Network.build(builder.apply(DEPTHS[k]));
            Cost base = cost(net, BASELINE, PIXEL_BATCH);
            Cost rev = cost(net, REVERSIBLE, PIXEL_BATCH);
            out[0][k] = base.bytesPerPixel();
            out[1][k] = rev.bytesPerPixel();
            line(String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %.1f | %.3f | %s |", label, DEPTHS[k],
                    3 * DEPTHS[k], base.bytesPerPixel(), rev.bytesPerPixel(), rev.bytesPerPixel() / base.bytesPerPixel(),
                    rev.peakAt()));
        }
        return out;
    }

    /** The phase and layer in which the plan reaches its peak, e.g. {@code backward stage1.rev1}. */
    private static String peakPhase(Planner.Plan p) {
        String at = "";
        for (MemoryEvent e : p.events()) {
            if (e.action() == Action.PHASE) {
                at = e.phase() + (e.layer().isEmpty() ? "" : " " + e.layer());
            }
            if (e.seq() == p.profile().peakSeq()) {
                return at;
            }
        }
        return at;
    }

    /** What a reversible step holds at its peak, by category and tensor, in bytes per input pixel. */
    private void peakBreakdown(Network net) {
        Planner.Plan p = Planner.plan(net, REVERSIBLE, options(PIXEL_BATCH), Planner.UNBOUNDED);
        MemoryProfile prof = p.profile();
        line("### What the reversible peak holds: " + net.name() + ", batch " + PIXEL_BATCH);
        line("");
        line(String.format(Locale.ROOT, "Peak %s in %s; persistent %s (parameters, gradients, momentum), the rest "
                + "%.1f B/pixel. By category:", Bytes.format(prof.peakBytes()), peakPhase(p),
                Bytes.format(persistent(prof)), perPixel(prof.peakBytes() - persistent(prof), net, PIXEL_BATCH)));
        line("");
        line("| category | bytes | B/pixel |");
        line("|---|---|---|");
        for (Category c : TRANSIENT) {
            long b = prof.atPeak(c);
            if (b > 0) {
                line(String.format(Locale.ROOT, "| %s | %s | %.1f |", c.name().toLowerCase(Locale.ROOT), Bytes.format(b),
                        perPixel(b, net, PIXEL_BATCH)));
            }
        }
        line("");
        line("Tensors live at the peak (persistent ones left out), largest first:");
        line("");
        line("| tensor | category | B/pixel |");
        line("|---|---|---|");
        for (MemoryEvent e : liveAtPeak(p)) {
            line(String.format(Locale.ROOT, "| `%s` | %s | %.2f |", e.tensorName(),
                    e.category().name().toLowerCase(Locale.ROOT), perPixel(e.bytes(), net, PIXEL_BATCH)));
        }
        line("");
    }

    /** The allocations of the plan still live at its peak, persistent categories left out, largest first. */
    private static List<MemoryEvent> liveAtPeak(Planner.Plan p) {
        Map<Long, MemoryEvent> live = new HashMap<>();
        for (MemoryEvent e : p.events()) {
            if (e.action() == Action.ALLOC) {
                live.put(e.tensorId(), e);
            } else if (e.action() == Action.FREE) {
                live.remove(e.tensorId());
            }
            if (e.seq() == p.profile().peakSeq()) {
                break;
            }
        }
        return live.values().stream().filter(e -> TRANSIENT.contains(e.category()))
                .sorted(Comparator.comparingLong(MemoryEvent::bytes).reversed().thenComparing(MemoryEvent::tensorName))
                .toList();
    }

    private void measuredEqualsPlanned() {
        Network net = network("invertible_cifar");
        try (TimedSteps s = new TimedSteps(net, REVERSIBLE, options(PIXEL_BATCH), threads)) {
            s.step();
            MemoryProfile measured = s.measured(); // throws when it differs from the plan
            line(String.format(Locale.ROOT, "Checked on the CPU backend: %s in reversible mode at batch %d, two steps, "
                    + "measured peak %,d bytes = planned %,d bytes; pixel-wise cost %.1f B/pixel.", net.name(),
                    PIXEL_BATCH, measured.peakBytes(), s.plan().peakBytes(),
                    perPixel(measured.trainingPeakBytes() - measured.setupBytes(), net, PIXEL_BATCH)));
            line("");
        }
    }

    // ---- peak memory and step time ----------------------------------------------------------------------

    /** Medians over the timed steps, in milliseconds: the step and each phase kind. */
    private record Times(double step, double forward, double recompute, double backward, double update,
                         double inference) {}

    private void stepTimes(Network net) throws Exception {
        line("### " + net.name() + ", batch " + TIME_BATCH + " (CPU backend, measured)");
        line("");
        CompileOptions o = options(TIME_BATCH);
        StepProgram inference = Planner.evaluation(net, BASELINE, new CompileOptions(TIME_BATCH, sgd, o.workspace(),
                TIME_BATCH));
        try (TimedSteps base = new TimedSteps(net, BASELINE, o, threads);
             TimedSteps rev = new TimedSteps(net, REVERSIBLE, o, threads)) {
            base.step();
            rev.step();
            long[][] tb = new long[6][TIMED_STEPS];
            long[][] tr = new long[6][TIMED_STEPS];
            for (int r = 0; r < TIMED_STEPS; r++) { // interleaved, so that drifting load hits both alike
                record(tb, r, base.step(), base.lastPhases());
                record(tr, r, rev.step(), rev.lastPhases());
                tb[5][r] = base.time(inference);
                tr[5][r] = tb[5][r];
            }
            // per pair: the two steps ran back to back, so a load that drifts over seconds hits both alike
            double[] ratio = new double[TIMED_STEPS];
            double[] extra = new double[TIMED_STEPS];
            double[] recompute = new double[TIMED_STEPS];
            for (int r = 0; r < TIMED_STEPS; r++) {
                ratio[r] = (double) tr[0][r] / tb[0][r];
                extra[r] = (double) (tr[0][r] - tb[0][r]) / tb[1][r];
                recompute[r] = (double) tr[2][r] / tb[1][r];
            }
            MemoryProfile mb = base.measured();
            MemoryProfile mr = rev.measured();
            Times b = times(tb);
            Times v = times(tr);
            line("| mode | peak | step memory (peak − persistent) | step | forward | recompute | backward | update |");
            line("|---|---|---|---|---|---|---|---|");
            timeRow("baseline", mb, b);
            timeRow("reversible", mr, v);
            line("");
            long sb = mb.trainingPeakBytes() - mb.setupBytes();
            long sr = mr.trainingPeakBytes() - mr.setupBytes();
            line(String.format(Locale.ROOT, "Memory: reversible / baseline **%.2f×** total peak, **%.2f×** step memory "
                    + "(%d of %d layers rebuild their input). Times are medians of %d steps after warm-up, each "
                    + "reversible step right after a baseline step on the same batch; the ratios below are medians "
                    + "of the %d pairs' ratios. Time: reversible / baseline **%.2f×** (ratio of the medians %.2f×).",
                    (double) mr.peakBytes() / mb.peakBytes(), (double) sr / sb, Reversibility.of(net).inverted().size(),
                    Reversibility.of(net).entries().size(), TIMED_STEPS, TIMED_STEPS, TimedSteps.median(ratio),
                    v.step() / b.step()));
            line(String.format(Locale.ROOT, "Overhead in forward passes, (t_reversible − t_baseline) / t_forward with "
                    + "t_forward baseline's training forward in the same pair: **%.2f extra forwards** (from the "
                    + "medians: (%.1f − %.1f) / %.1f = %.2f; against the inference program's forward, %.1f ms with "
                    + "running statistics and nothing saved, %.2f). The recompute phases alone take %.2f forwards "
                    + "(%.1f ms); forward, backward and update differ by %+.1f, %+.1f and %+.1f ms.", TimedSteps.median(extra),
                    v.step(), b.step(), b.forward(), (v.step() - b.step()) / b.forward(), b.inference(),
                    (v.step() - b.step()) / b.inference(), TimedSteps.median(recompute), v.recompute(), v.forward() - b.forward(),
                    v.backward() - b.backward(), v.update() - b.update()));
            line("");
        }
    }

    private static final List<String> PHASES = List.of("forward", "recompute", "backward", "update");

    private static void record(long[][] t, int r, long step, Map<String, Long> phases) {
        t[0][r] = step;
        for (int i = 0; i < PHASES.size(); i++) {
            t[i + 1][r] = phases.getOrDefault(PHASES.get(i), 0L);
        }
    }

    private static Times times(long[][] t) {
        double[] ms = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            ms[i] = median(t[i]) / 1e6;
        }
        return new Times(ms[0], ms[1], ms[2], ms[3], ms[4], ms[5]);
    }

    private void timeRow(String mode, MemoryProfile m, Times t) {
        line(String.format(Locale.ROOT, "| %s | %s | %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms |", mode,
                Bytes.format(m.peakBytes()), Bytes.format(m.trainingPeakBytes() - m.setupBytes()), t.step(), t.forward(),
                t.recompute(), t.backward(), t.update()));
    }

    // ---- largest batch in 1 GiB -------------------------------------------------------------------------

    private void maxBatches() {
        line("### Largest batch that fits 1 GiB (planned, fragmentation included, training step only)");
        line("");
        line("| network | parameters | baseline | reversible | reversible / baseline |");
        line("|---|---|---|---|---|");
        Network resnet = network("resnet18_cifar");
        ReversibleConversion.Result conv = ReversibleConversion.convert(resnet.spec());
        Network converted = Network.build(conv.network());
        int resnetBase = 0;
        for (Network net : List.of(network("revnet38"), network("invertible_cifar"), resnet, converted)) {
            int base = Planner.maxBatch(net, BASELINE, options(1), GIB, BATCH_LIMIT);
            int rev = Planner.maxBatch(net, REVERSIBLE, options(1), GIB, BATCH_LIMIT);
            resnetBase = net == resnet ? base : resnetBase;
            line(String.format(Locale.ROOT, "| %s | %,d | %d | %d | %.1f× |", net.name(), net.parameterCount(), base,
                    rev, (double) rev / base));
            if (net == converted) {
                line("");
                line(String.format(Locale.ROOT, "ResNet-18 in baseline against its conversion in reversible mode: %d "
                        + "against %d samples, **%.1f×**. The conversion made %d changes and kept %d blocks as they "
                        + "are (downsampling or projection shortcuts); ResNet-18 itself has nothing reversible mode "
                        + "inverts, so its two columns are the same program.", resnetBase, rev,
                        (double) rev / resnetBase, conv.changes().size(), conv.kept().size()));
            }
        }
        line("");
    }

    // ---- training curves --------------------------------------------------------------------------------

    /** A finished run: the mean loss of each window of {@link #LOG_EVERY} steps, its summary, its last SNRs. */
    private record Curve(List<Double> windows, TrainSummary summary, List<Reconstruction> lastReconstruction,
                         double worstSnrDb) {}

    /**
     * Both modes from the same seeds, and a control: baseline again with every nonzero initial weight moved by one
     * ulp, a change far below anything the mode changes on purpose. SGD amplifies any rounding difference until
     * the runs part ways, so the accuracy the mode reaches is set against the accuracy that nudge reaches.
     */
    private void trainingCurves(Network net, String data, int batch) {
        line("### Training: " + net.name() + ", data " + data.replace(root.toString() + "/", "") + ", batch " + batch
                + ", " + CURVE_STEPS + " steps");
        line("");
        List<Curve[]> runs = new ArrayList<>();
        for (long seed : SEEDS) {
            runs.add(new Curve[] {train(net, BASELINE, data, batch, seed, false),
                    train(net, REVERSIBLE, data, batch, seed, false), train(net, BASELINE, data, batch, seed, true)});
        }
        Curve[] first = runs.get(0);
        line("Mean training loss over each " + LOG_EVERY + " steps, seed " + SEEDS[0] + " (the same batches in every "
                + "run; *nudged*: baseline with every nonzero initial weight moved up by one ulp):");
        line("");
        line("| steps | baseline | reversible | baseline, nudged |");
        line("|---|---|---|---|");
        for (int i = 0; i < first[0].windows().size(); i++) {
            line(String.format(Locale.ROOT, "| %d–%d | %.4f | %.4f | %.4f |", i * LOG_EVERY + 1, (i + 1) * LOG_EVERY,
                    first[0].windows().get(i), first[1].windows().get(i), first[2].windows().get(i)));
        }
        line("");
        line("Held-out accuracy after " + CURVE_STEPS + " steps (" + first[0].summary().testSamples() + " samples):");
        line("");
        line("| seed | baseline | reversible | reversible − baseline | baseline, nudged | nudged − baseline |");
        line("|---|---|---|---|---|---|");
        double[][] acc = new double[3][runs.size()];
        for (int i = 0; i < runs.size(); i++) {
            for (int k = 0; k < 3; k++) {
                acc[k][i] = 100 * runs.get(i)[k].summary().testAccuracy();
            }
            line(String.format(Locale.ROOT, "| %d | %.1f%% | %.1f%% | %+.1f | %.1f%% | %+.1f |", SEEDS[i], acc[0][i],
                    acc[1][i], acc[1][i] - acc[0][i], acc[2][i], acc[2][i] - acc[0][i]));
        }
        line(String.format(Locale.ROOT, "| mean | **%.1f%%** | **%.1f%%** | %+.1f | %.1f%% | %+.1f |", mean(acc[0]),
                mean(acc[1]), mean(acc[1]) - mean(acc[0]), mean(acc[2]), mean(acc[2]) - mean(acc[0])));
        line("");
        line(String.format(Locale.ROOT, "Reversible differs from baseline by %.1f points on average (|difference|), "
                + "the one-ulp nudge by %.1f. Seed %d: median step %.0f ms reversible against %.0f ms baseline (%.2f×; "
                + "whole runs one after the other, so less steady than the paired times above), peak %s against %s.",
                meanAbsDiff(acc[1], acc[0]), meanAbsDiff(acc[2], acc[0]), SEEDS[0],
                first[1].summary().stepNanos() / 1e6, first[0].summary().stepNanos() / 1e6,
                (double) first[1].summary().stepNanos() / first[0].summary().stepNanos(),
                Bytes.format(first[1].summary().peakBytes()), Bytes.format(first[0].summary().peakBytes())));
        Curve rev = first[1];
        if (!rev.lastReconstruction().isEmpty()) {
            List<Reconstruction> last = rev.lastReconstruction();
            Reconstruction deepest = last.get(last.size() - 1);
            line(String.format(Locale.ROOT, "Reconstruction measured during the reversible run of seed %d (steps 1, "
                    + "%d, …, %d): worst %.1f dB; at the last step the top rebuilt tensor %s, the deepest (`%s`, depth "
                    + "%d) %s.", SEEDS[0], Trainer.RECONSTRUCTION_EVERY + 1, CURVE_STEPS, rev.worstSnrDb(),
                    last.get(0).snrText(), deepest.tensor(), deepest.depth(), deepest.snrText()));
        }
        line("");
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static double meanAbsDiff(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }

    /** One run; with {@code nudge}, every nonzero initial weight moved up by one ulp before the first step. */
    private Curve train(Network net, MemoryMode mode, String data, int batch, long seed, boolean nudge) {
        TrainConfig config = new TrainConfig(net, mode.id(), data, batch, CURVE_STEPS, 0, TrainDefaults.budgetBytes(),
                seed, sgd, threads, EVAL_SAMPLES);
        List<Double> windows = new ArrayList<>();
        List<List<Reconstruction>> measured = new ArrayList<>();
        double[] sum = new double[1];
        String run = mode.id() + (nudge ? " nudged" : "");
        TrainSummary summary = new Trainer(config, mode).run(new TrainListener() {
            @Override
            public void onStart(Trainer trainer) {
                if (nudge) {
                    nudge(trainer.runner());
                }
            }

            @Override
            public void onStep(StepResult s) {
                sum[0] += s.loss();
                if ((s.step() + 1) % LOG_EVERY == 0) {
                    windows.add(sum[0] / LOG_EVERY);
                    System.out.printf(Locale.ROOT, "  %s %s seed %d step %d: mean loss %.4f%n", net.name(), run, seed,
                            s.step() + 1, sum[0] / LOG_EVERY);
                    sum[0] = 0;
                }
            }

            @Override
            public void onReconstruction(List<Reconstruction> r) {
                measured.add(r);
            }
        });
        System.out.printf(Locale.ROOT, "  %s %s seed %d: held-out accuracy %.2f%% on %d%n", net.name(), run, seed,
                100 * summary.testAccuracy(), summary.testSamples());
        double worst = measured.stream().flatMap(List::stream).mapToDouble(Reconstruction::snrDb).min()
                .orElse(Double.NaN);
        return new Curve(windows, summary, measured.isEmpty() ? List.of() : measured.get(measured.size() - 1), worst);
    }

    /** Moves every nonzero trainable weight up by one ulp (Math.nextUp), on the device. */
    private static void nudge(ProgramRunner runner) {
        for (String name : runner.parameterNames()) {
            Tensor t = runner.tensor(name);
            if (t.category() != Category.PARAMETER || name.endsWith("running_mean") || name.endsWith("running_var")) {
                continue;
            }
            float[] v = runner.read(name);
            for (int i = 0; i < v.length; i++) {
                v[i] = v[i] == 0 ? 0 : Math.nextUp(v[i]);
            }
            runner.backend().upload(v, 0, t);
        }
    }

    // ---- reconstruction against depth -------------------------------------------------------------------

    private void reconstructionVsDepth() {
        line("### Reconstruction SNR against depth (fully invertible, batch " + SNR_BATCH + ", CPU backend)");
        line("");
        line("One training step after one warm-up step, from the seeded initial weights, on Gaussian noise; "
                + "SNR = mean(x²) / mean((x − x̂)²) per rebuilt tensor, depth = how many inverses ran before it in "
                + "that step, plus one.");
        line("");
        line("| blocks per stage | rebuilt tensors | top (depth 1) | deepest | deepest's max error | worst |");
        line("|---|---|---|---|---|---|");
        for (int k : DEPTHS) {
            Network net = Network.build(ReversibleNets.fullyInvertible(k));
            try (TimedSteps s = new TimedSteps(net, REVERSIBLE, options(SNR_BATCH), threads)) {
                s.runner().measureReconstruction(true);
                s.step();
                List<Reconstruction> rs = s.runner().reconstructions();
                Reconstruction top = rs.get(0);
                Reconstruction deepest = rs.get(rs.size() - 1);
                Reconstruction worst = rs.stream().min(Comparator.comparingDouble(Reconstruction::snr)).orElseThrow();
                line(String.format(Locale.ROOT, "| %d | %d | %s | %s (`%s`, depth %d) | %.2e | %s (`%s`) |", k, rs.size(),
                        top.snrText(), deepest.snrText(), deepest.tensor(), deepest.depth(), deepest.maxError(),
                        worst.snrText(), worst.tensor()));
            }
        }
        line("");
    }
}
