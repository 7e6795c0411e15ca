package io.memscope.trainer.bench;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import io.memscope.trainer.backend.ConvGeometry;
import io.memscope.trainer.backend.ConvPass;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.Tensor;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.BaselineMode;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.plan.MemoryProfile;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.Batch;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.StepProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The engine's numbers: sgemm and convolution GFLOP/s with the native and the Java BLAS (measured in this one
 * run, so their ratio is fair), baseline training step time and peak memory of LeNet-5 and ResNet-18/32×32,
 * and the planned peak of VGG-16 at 224×224 against a hand count of its activations. Prints everything and
 * rewrites the "engine" section of docs/BENCHMARKS.md.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -Xmx8g -cp trainer/target/memscope-cli.jar
 * io.memscope.trainer.bench.EngineBenchmark [repo-root]}, or {@code scripts/bench-engine.sh}.
 */
public final class EngineBenchmark {
    private final StringBuilder md = new StringBuilder();
    private final Path root;

    private EngineBenchmark(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws Exception {
        BenchmarkReport.run(args, "engine", root -> {
            EngineBenchmark b = new EngineBenchmark(root);
            b.run();
            return b.md.toString();
        });
    }

    private void run() throws Exception {
        BLAS nativeBlas = BLAS.getInstance();
        BLAS javaBlas = JavaBLAS.getInstance();
        boolean hasNative = !nativeBlas.getClass().getSimpleName().contains("Java")
                && !nativeBlas.getClass().getSimpleName().contains("Vector");
        int cores = Runtime.getRuntime().availableProcessors();
        line("## Engine (CPU backend)");
        line("");
        line(String.format(Locale.ROOT, "Measured %s on %s, %d cores, Java %s. Default BLAS: `%s`; Java BLAS: `%s`.",
                LocalDate.now(), cpuName(), cores, System.getProperty("java.version"),
                nativeBlas.getClass().getSimpleName(), javaBlas.getClass().getSimpleName()));
        double ghz = cpuGhz();
        int flops = flopsPerCycle();
        line(String.format(Locale.ROOT, "Machine peak (fp32): %d cores × %.1f GHz × %d FLOP/cycle (%s, two FMA units × "
                        + "%d lanes × 2) = **%.0f GFLOP/s**, at the clock /proc/cpuinfo reports (a virtual machine's "
                        + "nominal one: under turbo the cores run faster, and a measured rate can pass this).", cores, ghz, flops, flops == 64 ? "AVX-512" : "AVX2",
                flops / 4, cores * ghz * flops));
        line("");

        int blasThreads = blasThreads(cores);
        double sgemmPeak = blasThreads * ghz * flops;
        line("### sgemm (C = A·B, square, column-major, one call at a time)");
        line("");
        line(String.format(Locale.ROOT, "OpenBLAS threads: %d (the Java BLAS uses one); peak for %d core(s): %.0f GFLOP/s.",
                blasThreads, blasThreads, sgemmPeak));
        line("");
        line("| n | native GFLOP/s | Java GFLOP/s | native / Java | native / peak of its cores |");
        line("|---|---|---|---|---|");
        for (int n : new int[] {256, 512, 1024}) {
            double nat = hasNative ? sgemmGflops(nativeBlas, n) : Double.NaN;
            double jav = sgemmGflops(javaBlas, n);
            line(String.format(Locale.ROOT, "| %d | %s | %.1f | %s | %s |", n, fmt(nat), jav,
                    hasNative ? String.format(Locale.ROOT, "%.1f×", nat / jav) : "n/a",
                    hasNative ? String.format(Locale.ROOT, "%.0f%%", 100 * nat / sgemmPeak) : "n/a"));
        }
        line("");

        line("### Convolution (im2col + sgemm, " + cores + " threads)");
        line("");
        line("| layer | pass | native GFLOP/s | Java GFLOP/s | native / Java |");
        line("|---|---|---|---|---|");
        convRow("ResNet 3×3, 64→64, 32×32, batch 32", new ConvGeometry(32, 64, 32, 32, 64, 3, 3, 1, 1, 1, 1),
                nativeBlas, javaBlas, hasNative, cores);
        convRow("VGG 3×3, 128→128, 56×56, batch 8", new ConvGeometry(8, 128, 56, 56, 128, 3, 3, 1, 1, 1, 1),
                nativeBlas, javaBlas, hasNative, cores);
        convRow("LeNet conv2 5×5, 6→16, 14×14, batch 64", new ConvGeometry(64, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0),
                nativeBlas, javaBlas, hasNative, cores);
        line("");

        line("### Baseline training step (CPU backend, default BLAS, SGD with momentum)");
        line("");
        line("| network | batch | step time (median) | samples/s | peak device memory | planned peak |");
        line("|---|---|---|---|---|---|");
        stepRow("lenet5", 64, cores);
        stepRow("resnet18_cifar", 32, cores);
        line("");

        vgg16Plan();
    }

    private void convRow(String label, ConvGeometry g, BLAS nat, BLAS jav, boolean hasNative, int threads)
            throws Exception {
        double[] n = hasNative ? convGflops(g, nat, threads) : new double[] {Double.NaN, Double.NaN, Double.NaN};
        double[] j = convGflops(g, jav, threads);
        String[] passes = {"forward", "backward data", "backward filter"};
        for (int p = 0; p < 3; p++) {
            line(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %s |", p == 0 ? label : "", passes[p], fmt(n[p]), j[p],
                    hasNative ? String.format(Locale.ROOT, "%.1f×", n[p] / j[p]) : "n/a"));
        }
    }

    private static double sgemmGflops(BLAS blas, int n) throws Exception {
        float[] a = random(n * n, 1);
        float[] b = random(n * n, 2);
        float[] c = new float[n * n];
        int runs = n <= 256 ? 20 : n <= 512 ? 8 : 3;
        long t = Stopwatch.medianNanos(2, runs, () -> blas.sgemm("N", "N", n, n, n, 1f, a, n, b, n, 0f, c, n));
        return 2.0 * n * n * n / t;
    }

    /**
     * fp32 FLOP per cycle and core with two FMA units: 64 where the CPU has AVX-512 (16 lanes), else 32 (AVX2's
     * 8); /proc/cpuinfo's flags, AVX2 off Linux.
     */
    static int flopsPerCycle() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/cpuinfo")).contains(" avx512f") ? 64 : 32;
        } catch (java.io.IOException e) {
            return 32;
        }
    }

    static double[] convGflops(ConvGeometry g, BLAS blas, int threads) throws Exception {
        long ws = Math.max(Math.max(CpuBackend.workspaceModel(threads).convWorkspaceBytes(g, ConvPass.FORWARD),
                CpuBackend.workspaceModel(threads).convWorkspaceBytes(g, ConvPass.BACKWARD_DATA)),
                CpuBackend.workspaceModel(threads).convWorkspaceBytes(g, ConvPass.BACKWARD_FILTER));
        Dims xd = Dims.of(g.n(), g.c(), g.h(), g.w());
        Dims yd = Dims.of(g.n(), g.k(), g.outH(), g.outW());
        Dims wd = Dims.of(g.k(), g.c(), g.kh(), g.kw());
        long budget = 2 * xd.bytes() + 2 * yd.bytes() + 2 * wd.bytes() + ws + (8L << 20);
        DeviceMemory mem = new DeviceMemory(budget, new Trace(new TraceInfo("bench", "", "cpu", g.n(), budget, null), 1024));
        try (CpuBackend cpu = new CpuBackend(mem, threads, blas)) {
            Tensor x = mem.allocate("x", "", Category.ACTIVATION, xd);
            Tensor dx = mem.allocate("dx", "", Category.ACTIVATION_GRAD, xd);
            Tensor w = mem.allocate("w", "", Category.PARAMETER, wd);
            Tensor dw = mem.allocate("dw", "", Category.GRADIENT, wd);
            Tensor y = mem.allocate("y", "", Category.ACTIVATION, yd);
            Tensor dy = mem.allocate("dy", "", Category.ACTIVATION_GRAD, yd);
            Tensor work = ws > 0 ? mem.allocate("ws", "", Category.WORKSPACE, Dims.vector((int) (ws / 4))) : null;
            cpu.upload(random(x.size(), 3), 0, x);
            cpu.upload(random(w.size(), 4), 0, w);
            cpu.upload(random(dy.size(), 5), 0, dy);
            double flops = g.forwardFlops();
            int runs = flops > 5e9 ? 3 : 7;
            long f = Stopwatch.medianNanos(1, runs, () -> cpu.convForward(g, x, w, null, y, work));
            long bd = Stopwatch.medianNanos(1, runs, () -> cpu.convBackwardData(g, dy, w, dx, work, false));
            long bf = Stopwatch.medianNanos(1, runs, () -> cpu.convBackwardFilter(g, x, dy, dw, null, work, false));
            return new double[] {flops / f, flops / bd, flops / bf};
        }
    }

    private void stepRow(String name, int batch, int threads) throws Exception {
        Network net = Network.load(root.resolve("samples/" + name + ".json"));
        Optimizer opt = Optimizer.of("sgd", 0.01, 0.9, 5e-4);
        CompileOptions options = new CompileOptions(batch, opt, CpuBackend.workspaceModel(threads));
        Planner.Plan plan = Planner.plan(net, new BaselineMode(), options, 1L << 40);
        long budget = Math.max(64L << 20, plan.peakBytes() + (16L << 20));
        Trace trace = new Trace(new TraceInfo(name, "baseline", "cpu", batch, budget, null), 1 << 16);
        DeviceMemory mem = new DeviceMemory(budget, trace);
        try (CpuBackend cpu = new CpuBackend(mem, threads)) {
            StepProgram program = new BaselineMode().compile(net, options);
            ProgramRunner runner = new ProgramRunner(net, cpu, opt, 1);
            runner.setup(program);
            Random r = new Random(1);
            float[] images = random(batch * net.input().elements(), 6);
            float[] labels = new float[batch];
            for (int i = 0; i < batch; i++) {
                labels[i] = r.nextInt(net.classes());
            }
            Batch b = new Batch(batch, images, labels);
            int[] step = {0};
            int runs = name.startsWith("lenet") ? 30 : 5;
            long t = Stopwatch.medianNanos(2, runs, () -> runner.run(program, step[0]++, b));
            long peak = MemoryProfile.of(trace.events()).peakBytes();
            line(String.format(Locale.ROOT, "| %s | %d | %.1f ms | %.0f | %s | %s |", net.name(), batch, t / 1e6,
                    batch / (t / 1e9), Bytes.format(peak), Bytes.format(plan.peakBytes())));
        }
    }

    private void vgg16Plan() {
        Network net = Network.load(root.resolve("samples/vgg16.json"));
        int batch = 32;
        CompileOptions options = new CompileOptions(batch, Optimizer.of("sgd", 0.01, 0.9, 5e-4),
                CpuBackend.workspaceModel(2));
        Planner.Plan plan = Planner.plan(net, new BaselineMode(), options, 1L << 40);
        MemoryProfile p = plan.profile();
        line("### VGG-16 at 224×224, batch 32, planned (meta backend, SGD with momentum)");
        line("");
        line("| category | at the peak | largest over the step |");
        line("|---|---|---|");
        for (Category c : Category.values()) {
            long most = p.maxByCategory().getOrDefault(c, 0L);
            if (most > 0) {
                line(String.format(Locale.ROOT, "| %s | %s | %s |", c.name().toLowerCase(Locale.ROOT),
                        Bytes.format(p.atPeak(c)), Bytes.format(most)));
            }
        }
        line(String.format(Locale.ROOT, "| **total** | **%s** | |", Bytes.format(p.peakBytes())));
        line("");
        long handFloatsPerSample = vgg16KeptFloatsPerSample();
        long hand = handFloatsPerSample * 4 * batch;
        long planned = keptAtEndOfForward(plan.events());
        line(String.format(Locale.ROOT, "Hand count of what baseline keeps for backward when the forward pass ends "
                + "(activations and the input image): %,d floats per sample (see `vgg16KeptFloatsPerSample`) × 4 B × %d "
                + "= **%s**. The planner holds **%s** of activations and input at that moment (ratio %.6f; the "
                + "difference is the labels' 256-byte block).", handFloatsPerSample, batch,
                Bytes.format(hand), Bytes.format(planned), (double) planned / hand));
        line(String.format(Locale.ROOT, "Parameters: %,d × 4 B = %s, and as much again for gradients and for momentum.",
                net.parameterCount(), Bytes.format(net.parameterCount() * 4)));
        System.out.println();
    }

    /** Resident ACTIVATION and INPUT bytes when the first backward phase starts. */
    static long keptAtEndOfForward(List<MemoryEvent> events) {
        long bytes = 0;
        for (MemoryEvent e : events) {
            if (e.action() == Action.PHASE && e.phase().equals("backward")) {
                return bytes;
            }
            if (e.category() == Category.ACTIVATION || e.category() == Category.INPUT) {
                bytes += e.residentDelta();
            }
        }
        return bytes;
    }

    /**
     * What baseline keeps after VGG-16's forward pass, per sample: every ReLU output (read by its own backward
     * and by the next convolution's or pooling's backward), every pooling output (the next convolution's
     * input), the image, and in the classifier two ReLU outputs, two dropout outputs and masks, and the
     * softmax probabilities. Convolution and linear outputs are freed as soon as their ReLU has run.
     */
    static long vgg16KeptFloatsPerSample() {
        long relu = 2L * 64 * 224 * 224 + 2L * 128 * 112 * 112 + 3L * 256 * 56 * 56 + 3L * 512 * 28 * 28
                + 3L * 512 * 14 * 14;
        long pools = 64L * 112 * 112 + 128L * 56 * 56 + 256L * 28 * 28 + 512L * 14 * 14 + 512L * 7 * 7;
        long image = 3L * 224 * 224;
        long classifier = 2 * 4096 + 2 * 4096 + 2 * 4096 + 1000;
        return relu + pools + image + classifier;
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    private void line(String s) {
        System.out.println(s);
        md.append(s).append('\n');
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a (no native BLAS)" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static int blasThreads(int cores) {
        try {
            return Math.max(1, Integer.parseInt(System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "")));
        } catch (NumberFormatException e) {
            return cores;
        }
    }

    static String cpuName() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    return l.substring(l.indexOf(':') + 1).trim();
                }
            }
        } catch (Exception e) {
            // not Linux: fall through to the JVM's architecture name
        }
        return System.getProperty("os.arch");
    }

    static double cpuGhz() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("cpu MHz")) {
                    return Double.parseDouble(l.substring(l.indexOf(':') + 1).trim()) / 1000;
                }
            }
        } catch (Exception e) {
            // unknown clock: report the peak for 2.0 GHz and say so through the printed number
        }
        return 2.0;
    }
}
