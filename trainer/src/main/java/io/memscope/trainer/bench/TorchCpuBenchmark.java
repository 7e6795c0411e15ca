package io.memscope.trainer.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.ludovic.netlib.blas.BLAS;
import io.memscope.trainer.backend.ConvGeometry;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.modes.BaselineMode;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.rows.RowCentricMode;
import io.memscope.trainer.modes.rows.RowCentricOptions;
import io.memscope.trainer.program.OpProfile;
import io.memscope.trainer.net.Network;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * The CPU backend against PyTorch's CPU build on the same machine, in one run: the three sample networks at the
 * batches classrooms use (step time, median of the steady steps, SGD with momentum 0.9 and weight decay 5e-4 in
 * both), one 3×3 convolution layer pass by pass, one sgemm, and row-centric at 4 bands against baseline. PyTorch
 * runs in a child process ({@code scripts/torch_steps.py}, the same network files) with as many threads as the
 * CPU backend has workers; each MemScope measurement is followed by PyTorch's, so both see the same machine.
 * Rewrites the "cpu-vs-pytorch" section of docs/BENCHMARKS.md.
 *
 * <p>Run: {@code scripts/bench-cpu-vs-pytorch.sh} (needs {@code python3} with {@code torch}; Debian:
 * {@code apt-get install python3-torch}).
 */
public final class TorchCpuBenchmark extends ModeBenchmark {
    private record Subject(String sample, int batch, int steps) {}

    private static final List<Subject> SUBJECTS = List.of(
            new Subject("lenet5", 64, 150),
            new Subject("vgg_small", 32, 20),
            new Subject("resnet18_cifar", 32, 7));
    /**
     * Rounds of the training-step and row-centric measurements, the two sides taking turns: a machine shared
     * with other tenants swings a single measurement by 10-15%, and the median of paired ratios steadies it.
     */
    private static final int ROUNDS = 3;
    /** Both sides warm up for this long (at least two steps) before the measured steps. */
    private static final long WARM_UP_NANOS = TimedSteps.WARM_UP_NANOS;
    private final String python;

    private TorchCpuBenchmark(Path root) {
        super(root);
        python = System.getProperty("memscope.python", "python3");
    }

    public static void main(String[] args) throws Exception {
        BenchmarkReport.run(args, "cpu-vs-pytorch", root -> new TorchCpuBenchmark(root).report());
    }

    @Override
    void run() throws Exception {
        long t0 = System.nanoTime();
        String load = loadAverage();
        JsonObject probe = torch("sgemm", "64", "64", "64", "1");
        double ghz = EngineBenchmark.cpuGhz();
        int lanes = EngineBenchmark.flopsPerCycle();
        double peak = threads * ghz * lanes;
        line("## CPU backend against PyTorch");
        line("");
        line(String.format(Locale.ROOT, "Measured %s on %s, %d cores, Java %s, %s, kernels on %s; PyTorch %s (CPU, "
                        + "mkldnn %s) with %d threads, MemScope with %d workers. Machine fp32 peak: %d cores × %.1f GHz × "
                        + "%d FLOP/cycle (%s, two FMA units) = **%.0f GFLOP/s** at the clock /proc/cpuinfo reports "
                        + "(nominal: under turbo the cores run faster, and a measured rate can pass it). Step time: the median of the steady "
                        + "steps after warm-up steps for 3 s (at least two; the JVM compiles MemScope's kernels "
                        + "meanwhile), one fixed batch of Gaussian noise, SGD with momentum 0.9 and weight decay 5e-4, "
                        + "baseline mode; each MemScope measurement is followed at once by PyTorch's on the same "
                        + "network file (scripts/torch_steps.py), in %d rounds taking turns; a ratio is the median "
                        + "of the rounds' ratios, its range the smallest and largest.", LocalDate.now(),
                EngineBenchmark.cpuName(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), CpuBackend.blasName(),
                io.memscope.trainer.backend.cpu.Lanes.get().describe(),
                probe.get("torch").getAsString(), probe.get("mkldnn").getAsBoolean() ? "on" : "off",
                probe.get("threads").getAsInt(), threads, threads, ghz, lanes, lanes == 64 ? "AVX-512" : "AVX2",
                peak, ROUNDS));
        line("");
        line("### Training steps");
        line("");
        line("| network | batch | MemScope | PyTorch | MemScope / PyTorch | over the rounds |");
        line("|---|---:|---:|---:|---:|---:|");
        List<Double> ratios = new ArrayList<>();
        for (Subject s : SUBJECTS) {
            Network net = network(s.sample());
            double[] ours = new double[ROUNDS];
            double[] theirs = new double[ROUNDS];
            try (TimedSteps steps = timed(net, new BaselineMode(), s.batch())) {
                for (int r = 0; r < ROUNDS; r++) {
                    ours[r] = steps.medianStep(s.steps(), r == 0 ? WARM_UP_NANOS : 0) / 1e6;
                    theirs[r] = median(torch("net", root.resolve("samples/" + s.sample() + ".json").toString(),
                            String.valueOf(s.batch()), String.valueOf(s.steps())).getAsJsonArray("ms"));
                }
            }
            Paired p = Paired.of(ours, theirs);
            ratios.add(p.ratio());
            line(String.format(Locale.ROOT, "| %s | %d | %.1f ms | %.1f ms | **%.2f×** | %.2f–%.2f× |", net.name(),
                    s.batch(), p.first(), p.second(), p.ratio(), p.lowest(), p.highest()));
        }
        line("");
        whereStepsGo();
        convTable(peak);
        rowCentric();
        line(String.format(Locale.ROOT, "Step-time ratios: %s (goal: every one at most 1.00). The benchmark took %.1f "
                        + "minutes; load average (1 / 5 / 15 minutes) %s when it started, %s when it ended.",
                String.join(", ", ratios.stream().map(r -> String.format(Locale.ROOT, "%.2f×", r)).toList()),
                (System.nanoTime() - t0) / 6e10, load, loadAverage()));
    }

    /**
     * Where a step goes, on both sides: MemScope's wall time per instruction kind ({@link OpProfile}), PyTorch's
     * self CPU time per operator under its profiler (which slows it somewhat); the ten largest of each.
     */
    private void whereStepsGo() throws Exception {
        line("### Where a step goes");
        line("");
        line("Per step: MemScope's wall time by instruction kind (ProgramRunner.profile), PyTorch's self CPU time by "
                + "operator under torch.autograd.profiler (its threads' times summed, so a two-thread operator counts "
                + "up to twice its wall time); the ten largest of each.");
        line("");
        for (String sample : List.of("vgg_small", "resnet18_cifar")) {
            Network net = network(sample);
            int batch = 32;
            int steps = sample.equals("vgg_small") ? 10 : 3;
            OpProfile ours;
            long total;
            try (TimedSteps s = new TimedSteps(net, new BaselineMode(), options(batch), threads)) {
                s.medianStep(2);
                ours = new OpProfile();
                s.runner().profile(ours);
                long t1 = System.nanoTime();
                for (int i = 0; i < steps; i++) {
                    s.step();
                }
                total = System.nanoTime() - t1;
            }
            JsonObject theirs = torch("profile", root.resolve("samples/" + sample + ".json").toString(),
                    String.valueOf(batch), String.valueOf(steps)).getAsJsonObject("self_ms");
            List<Map.Entry<String, Double>> ops = new ArrayList<>();
            theirs.entrySet().forEach(e -> ops.add(Map.entry(e.getKey(), e.getValue().getAsDouble())));
            ops.sort((x, y) -> Double.compare(y.getValue(), x.getValue()));
            double theirsTotal = ops.stream().mapToDouble(Map.Entry::getValue).sum();
            line(String.format(Locale.ROOT, "%s, batch %d (%d steps each; MemScope %.1f ms per step, PyTorch %.1f ms of "
                    + "operator time per step):", net.name(), batch, steps, total / 1e6 / steps, theirsTotal));
            line("");
            line("| MemScope instruction | ms/step | PyTorch operator | ms/step |");
            line("|---|---:|---|---:|");
            List<OpProfile.Entry> mine = ours.entries();
            for (int i = 0; i < 10; i++) {
                String left = i < mine.size() ? String.format(Locale.ROOT, "%s | %.2f", mine.get(i).kind(),
                        mine.get(i).nanos() / 1e6 / steps) : " | ";
                String right = i < ops.size() ? String.format(Locale.ROOT, "%s | %.2f", ops.get(i).getKey(),
                        ops.get(i).getValue()) : " | ";
                line("| " + left + " | " + right + " |");
            }
            line("");
        }
    }

    private void convTable(double peak) throws Exception {
        ConvGeometry g = new ConvGeometry(32, 64, 32, 32, 64, 3, 3, 1, 1, 1, 1);
        line("### One convolution: 3×3, 64→64 channels, 32×32, batch 32, no bias");
        line("");
        double[] ours = EngineBenchmark.convGflops(g, BLAS.getInstance(), threads);
        JsonObject t = torch("conv", "32", "64", "64", "32", "32", "7");
        double flops = g.forwardFlops();
        double oursFwd = flops / ours[0] / 1e6;
        double oursAll = oursFwd + flops / ours[1] / 1e6 + flops / ours[2] / 1e6;
        double theirsFwd = median(t.getAsJsonArray("fwd_ms"));
        double theirsAll = median(t.getAsJsonArray("fwd_bwd_ms"));
        line("| passes | MemScope | PyTorch | MemScope / PyTorch | MemScope GFLOP/s (share of peak) | PyTorch GFLOP/s |");
        line("|---|---:|---:|---:|---:|---:|");
        line(String.format(Locale.ROOT, "| forward | %.2f ms | %.2f ms | %.2f× | %.0f (%.0f%%) | %.0f |", oursFwd,
                theirsFwd, oursFwd / theirsFwd, flops / oursFwd / 1e6, 100 * flops / oursFwd / 1e6 / peak,
                flops / theirsFwd / 1e6));
        line(String.format(Locale.ROOT, "| forward, backward data and backward filter | %.2f ms | %.2f ms | %.2f× | "
                        + "%.0f (%.0f%%) | %.0f |", oursAll, theirsAll, oursAll / theirsAll, 3 * flops / oursAll / 1e6,
                100 * 3 * flops / oursAll / 1e6 / peak, 3 * flops / theirsAll / 1e6));
        line("");
        line(String.format(Locale.ROOT, "MemScope's passes one by one: forward %.0f, backward data %.0f, backward filter "
                + "%.0f GFLOP/s. PyTorch's backward is timed as one autograd call that runs the forward and both "
                + "gradients, since its passes cannot be timed apart from outside.", ours[0], ours[1], ours[2]));
        line("");
    }

    private void rowCentric() throws Exception {
        Network net = network("vgg_small");
        int batch = 32;
        double[] base = new double[ROUNDS];
        double[] rows = new double[ROUNDS];
        try (TimedSteps b = timed(net, new BaselineMode(), batch);
             TimedSteps r = timed(net, RowCentricMode.with(RowCentricOptions.DEFAULT.withBands(4)), batch)) {
            for (int i = 0; i < ROUNDS; i++) {
                rows[i] = r.medianStep(12, i == 0 ? WARM_UP_NANOS : 0) / 1e6;
                base[i] = b.medianStep(12, i == 0 ? WARM_UP_NANOS : 0) / 1e6;
            }
        }
        Paired p = Paired.of(rows, base);
        line("### Row-centric at 4 bands");
        line("");
        line(String.format(Locale.ROOT, "%s, batch %d: baseline %.1f ms, row-centric (4 bands) %.1f ms: **%.2f×** "
                        + "(rounds %.2f–%.2f×; goal: at most 1.4×).", net.name(), batch, p.second(), p.first(),
                p.ratio(), p.lowest(), p.highest()));
        line("");
    }

    private TimedSteps timed(Network net, MemoryMode mode, int batch) {
        System.err.printf(Locale.ROOT, "MemScope: %s batch %d, %s%n", net.name(), batch, mode.id());
        return new TimedSteps(net, mode, options(batch), threads);
    }

    /**
     * Rounds of two measurements taken in turn: the medians of each side and of the rounds' ratios
     * (first / second), and the smallest and largest of those ratios.
     */
    record Paired(double first, double second, double ratio, double lowest, double highest) {
        static Paired of(double[] first, double[] second) {
            double[] ratios = new double[first.length];
            for (int i = 0; i < first.length; i++) {
                ratios[i] = first[i] / second[i];
            }
            return new Paired(TimedSteps.median(first), TimedSteps.median(second), TimedSteps.median(ratios),
                    Arrays.stream(ratios).min().orElseThrow(), Arrays.stream(ratios).max().orElseThrow());
        }
    }

    private JsonObject torch(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python, root.resolve("scripts/torch_steps.py").toString(),
                "--threads", String.valueOf(threads), "--warm-up", String.valueOf(WARM_UP_NANOS / 1e9)));
        cmd.addAll(Arrays.asList(args));
        System.err.println("PyTorch: " + String.join(" ", args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0 || out.isEmpty()) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): is PyTorch "
                    + "installed for " + python + "? Debian: apt-get install python3-torch; another Python: "
                    + "-Dmemscope.python=PATH");
        }
        return JsonParser.parseString(out.substring(out.lastIndexOf('\n') + 1)).getAsJsonObject();
    }

    private static double median(JsonArray a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsDouble();
        }
        return TimedSteps.median(v);
    }
}
