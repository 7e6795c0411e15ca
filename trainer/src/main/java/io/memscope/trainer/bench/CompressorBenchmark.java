package io.memscope.trainer.bench;

import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.compress.CompressionStats;
import io.memscope.trainer.compress.DeflateCodec;
import io.memscope.trainer.compress.ErrorBoundedCompressor;
import io.memscope.trainer.compress.ErrorBoundedCompressor.Options;
import io.memscope.trainer.compress.FloatCodec;
import io.memscope.trainer.compress.Fp16Codec;
import io.memscope.trainer.compress.LinearQuantizer8;
import io.memscope.trainer.compress.Predictor;
import io.memscope.trainer.data.BatchSampler;
import io.memscope.trainer.data.DataSource;
import io.memscope.trainer.data.Dataset;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.BaselineMode;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.Node;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.Batch;
import io.memscope.trainer.program.Instruction;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.StepProgram;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The error-bounded compressor ({@link ErrorBoundedCompressor}) on activations: compression ratio at error bounds
 * of 1e-2, 1e-3 and 1e-4 of each tensor's value range, compress and decompress throughput, what each stage of the
 * pipeline buys (predictor, Huffman, the lossless pass), and fp16, 8-bit linear quantization and Deflate alone at
 * equal largest error. The activations are real: the tensors the small VGG saves for backward at the end of the
 * forward pass after some training steps on the built-in data (CPU backend, baseline mode), plus synthetic smooth
 * planes and the same through a ReLU. Prints everything and rewrites the "compressor" section of
 * docs/BENCHMARKS.md.
 *
 * <p>Run: {@code scripts/bench-compressor.sh}, or {@code java --add-modules jdk.incubator.vector -Xmx6g -cp
 * trainer/target/memscope-cli.jar io.memscope.trainer.bench.CompressorBenchmark [repo-root]}.
 */
public final class CompressorBenchmark {
    private static final double[] RELATIVE = {1e-2, 1e-3, 1e-4};
    private static final int BATCH = 32;
    private static final int TRAIN_STEPS = 30;
    private static final int RUNS = 7;

    /** One tensor: its name, what kind of layer wrote it, planes of h × w. */
    record Sample(String name, String kind, int h, int w, float[] values) {
        double range() {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (float v : values) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            return hi - lo;
        }
    }

    /** A named set of tensors, compressed together. */
    record DataSet(String name, List<Sample> samples) {
        long bytes() {
            return 4L * samples.stream().mapToLong(s -> s.values().length).sum();
        }
    }

    private final StringBuilder md = new StringBuilder();
    private final Path root;

    private CompressorBenchmark(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("dev.ludovic.netlib").setLevel(java.util.logging.Level.WARNING);
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        CompressorBenchmark b = new CompressorBenchmark(root);
        b.run();
        Path doc = root.resolve("docs/BENCHMARKS.md");
        BenchmarkReport.writeSection(doc, "compressor", b.md.toString());
        System.out.println("\nwritten to " + doc);
    }

    private void run() throws Exception {
        DataSet real = vggActivations();
        List<DataSet> sets = new ArrayList<>();
        sets.add(real);
        sets.addAll(byKind(real));
        sets.add(synthetic("synthetic smooth, 64×32×32", false));
        sets.add(synthetic("synthetic post-ReLU, 64×32×32", true));

        line("## Compressor (error-bounded, SZ-style)");
        line("");
        line(String.format(Locale.ROOT, "Measured %s on %d cores, Java %s, one thread. `ErrorBoundedCompressor` with its "
                + "defaults (Lorenzo predictor chosen per tensor, Huffman, a Deflate pass where it shrinks the "
                + "stream). The error bound *eb* is relative to each tensor's range, max − min: eb = 1e-3 allows an "
                + "error of 0.1%% of the range on every value, and every value was checked against it. Ratios are "
                + "float32 bytes over stream bytes, headers included, over the whole set.", LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        line("");
        line(String.format(Locale.ROOT, "*Real activations*: what the small VGG saves for backward at the end of the "
                + "forward pass (baseline mode, batch %d, after %d SGD steps on the built-in shapes data, CPU backend): "
                + "%d tensors, %s, %.0f%% of the values exact zeros; below, the same by the kind of layer that wrote "
                + "them. *Synthetic*: per plane a sum of three sines over (y, x) with noise of 1e-3, and the same minus "
                + "0.3 through a ReLU (%.0f%% zeros).", BATCH, TRAIN_STEPS, real.samples().size(),
                Bytes.format(real.bytes()), 100 * zeros(real), 100 * zeros(sets.get(sets.size() - 1))));
        line("");
        ratios(sets);
        throughput(sets);
        stages(sets);
        comparison(List.of(real, sets.get(sets.size() - 2), sets.get(sets.size() - 1)));
    }

    // ---- tables ------------------------------------------------------------------------------------------

    private void ratios(List<DataSet> sets) {
        line("### Ratio by error bound");
        line("");
        StringBuilder head = new StringBuilder("| data | size |");
        StringBuilder rule = new StringBuilder("|---|---:|");
        for (double rel : RELATIVE) {
            head.append(String.format(Locale.ROOT, " eb %.0e |", rel));
            rule.append("---:|");
        }
        head.append(" verbatim at 1e-4 |");
        rule.append("---:|");
        line(head.toString());
        line(rule.toString());
        ErrorBoundedCompressor c = new ErrorBoundedCompressor();
        for (DataSet d : sets) {
            StringBuilder row = new StringBuilder("| " + d.name() + " | " + Bytes.format(d.bytes()) + " |");
            Totals last = null;
            for (double rel : RELATIVE) {
                last = compressAll(c, d, s -> rel * s.range());
                row.append(String.format(Locale.ROOT, " %.1f× |", last.ratio()));
            }
            row.append(String.format(Locale.ROOT, " %.2f%% |", 100.0 * last.verbatim / last.values));
            line(row.toString());
        }
        line("");
    }

    private void throughput(List<DataSet> sets) throws Exception {
        line("### Throughput (eb = 1e-3 of the range, one thread, best of " + RUNS + ")");
        line("");
        line("| data | compress | decompress | ratio | without the lossless pass: compress | decompress | ratio |");
        line("|---|---:|---:|---:|---:|---:|---:|");
        ErrorBoundedCompressor c = new ErrorBoundedCompressor();
        ErrorBoundedCompressor plain = new ErrorBoundedCompressor(Options.DEFAULT.withLossless(false));
        for (DataSet d : sets) {
            Speed s = speed(d, c, s2 -> 1e-3 * s2.range());
            Speed p = speed(d, plain, s2 -> 1e-3 * s2.range());
            line(String.format(Locale.ROOT, "| %s | %.0f MB/s | %.0f MB/s | %.1f× | %.0f MB/s | %.0f MB/s | %.1f× |",
                    d.name(), s.compressMBs, s.decompressMBs, s.ratio, p.compressMBs, p.decompressMBs, p.ratio));
        }
        line("");
        line("MB = 10^6 bytes of float32 input (compress) or output (decompress) per second of the thread's CPU time, "
                + "the least of " + RUNS + " runs over the whole set: the machine is shared, and wall time would also count "
                + "the time other processes held the core. Memory bandwidth and caches are still shared, so speeds "
                + "still vary by about ±10% from run to run.");
        line("");
    }

    private void stages(List<DataSet> sets) {
        line("### What each stage buys (ratio at eb = 1e-3 of the range)");
        line("");
        Map<String, Options> variants = new LinkedHashMap<>();
        variants.put("1-D Lorenzo", Options.DEFAULT.withPredictor(Predictor.LORENZO_1D));
        variants.put("2-D Lorenzo", Options.DEFAULT.withPredictor(Predictor.LORENZO_2D));
        variants.put("automatic (default)", Options.DEFAULT);
        variants.put("automatic, no lossless pass", Options.DEFAULT.withLossless(false));
        variants.put("automatic, fixed-width codes", Options.DEFAULT.withHuffman(false));
        variants.put("fixed-width codes, no lossless pass", Options.DEFAULT.withHuffman(false).withLossless(false));
        StringBuilder head = new StringBuilder("| data |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String v : variants.keySet()) {
            head.append(' ').append(v).append(" |");
            rule.append("---:|");
        }
        head.append(" 2-D chosen |");
        rule.append("---:|");
        line(head.toString());
        line(rule.toString());
        for (DataSet d : sets) {
            StringBuilder row = new StringBuilder("| " + d.name() + " |");
            Totals auto = null;
            for (Map.Entry<String, Options> v : variants.entrySet()) {
                Totals t = compressAll(new ErrorBoundedCompressor(v.getValue()), d, s -> 1e-3 * s.range());
                row.append(String.format(Locale.ROOT, " %.1f× |", t.ratio()));
                if (v.getValue() == Options.DEFAULT) {
                    auto = t;
                }
            }
            row.append(String.format(Locale.ROOT, " %d of %d |", auto.twoD, d.samples().size()));
            line(row.toString());
        }
        line("");
        line("*2-D chosen*: tensors for which the automatic choice took the 2-D predictor. The fixed-width rows pack "
                + "each quantization code in as many bits as the used range needs: the difference to Huffman is what "
                + "entropy coding buys; the lossless pass is what turns runs of one code (zeros) into a few bytes.");
        line("");
    }

    private void comparison(List<DataSet> sets) throws Exception {
        line("### Against fp16, 8-bit linear quantization and Deflate, at equal largest error");
        line("");
        line("Each fixed-rate codec's largest error is measured per tensor, and the error-bounded compressor is given "
                + "that as its bound (eb = its largest error on that tensor). fp16's error is relative to each value, "
                + "so matching its *largest* error lets the error-bounded compressor err more on small values than "
                + "fp16 does; 8-bit linear's error is absolute, (max − min)/510, like eb. Deflate is lossless. Errors "
                + "are given relative to the tensor's range (the largest over the set).");
        line("");
        line("| data | codec | largest error / range | ratio | compress | decompress |");
        line("|---|---|---:|---:|---:|---:|");
        ErrorBoundedCompressor sz = new ErrorBoundedCompressor();
        for (DataSet d : sets) {
            Map<String, ToDoubleFunction<Sample>> bounds = new LinkedHashMap<>();
            bounds.put("fp16", s -> Fp16Codec.maxError(s.values(), 0, s.values().length));
            bounds.put("8-bit linear", s -> maxError(new LinearQuantizer8(), s));
            for (FloatCodec codec : List.of(new Fp16Codec(), new LinearQuantizer8(), new DeflateCodec())) {
                Speed plain = speed(d, codec);
                line(String.format(Locale.ROOT, "| %s | %s | %s | %.1f× | %.0f MB/s | %.0f MB/s |", d.name(),
                        codec.name(), relative(d, s -> maxError(codec, s)), plain.ratio, plain.compressMBs,
                        plain.decompressMBs));
                ToDoubleFunction<Sample> bound = bounds.get(codec.name());
                if (bound != null) {
                    ToDoubleFunction<Sample> eb = s -> Math.max(bound.applyAsDouble(s), Double.MIN_NORMAL);
                    Speed s = speed(d, sz, eb);
                    line(String.format(Locale.ROOT, "| | error-bounded at %s's error | %s | **%.1f×** | %.0f MB/s | "
                            + "%.0f MB/s |", codec.name(), relative(d, eb), s.ratio, s.compressMBs, s.decompressMBs));
                }
            }
        }
        line("");
    }

    // ---- measuring ---------------------------------------------------------------------------------------

    private static final class Totals {
        long values;
        long bytes;
        long verbatim;
        int twoD;

        double ratio() {
            return 4.0 * values / bytes;
        }
    }

    private static Totals compressAll(ErrorBoundedCompressor c, DataSet d, ToDoubleFunction<Sample> eb) {
        Totals t = new Totals();
        for (Sample s : d.samples()) {
            byte[] stream = c.compress(s.values(), 0, s.values().length, s.h(), s.w(), bound(eb, s));
            CompressionStats st = ErrorBoundedCompressor.stats(stream);
            t.values += st.count();
            t.bytes += st.bytes();
            t.verbatim += st.verbatim();
            t.twoD += st.predictor() == Predictor.LORENZO_2D ? 1 : 0;
        }
        return t;
    }

    /** A tensor's bound; a constant tensor (range 0) gets 1e-6. */
    private static double bound(ToDoubleFunction<Sample> eb, Sample s) {
        double b = eb.applyAsDouble(s);
        return b > 0 ? b : 1e-6;
    }

    private record Speed(double compressMBs, double decompressMBs, double ratio) {}

    private interface Codec {
        byte[] compress(Sample s);

        void decompress(byte[] stream, float[] dst);
    }

    private static Speed speed(DataSet d, ErrorBoundedCompressor c, ToDoubleFunction<Sample> eb) throws Exception {
        return speed(d, new Codec() {
            @Override
            public byte[] compress(Sample s) {
                return c.compress(s.values(), 0, s.values().length, s.h(), s.w(), bound(eb, s));
            }

            @Override
            public void decompress(byte[] stream, float[] dst) {
                c.decompress(stream, dst, 0);
            }
        }, s -> bound(eb, s));
    }

    private static Speed speed(DataSet d, FloatCodec c) throws Exception {
        return speed(d, new Codec() {
            @Override
            public byte[] compress(Sample s) {
                return c.compress(s.values(), 0, s.values().length);
            }

            @Override
            public void decompress(byte[] stream, float[] dst) {
                c.decompress(stream, dst, 0);
            }
        }, s -> Double.POSITIVE_INFINITY);
    }

    /** Times compressing and decompressing the whole set; checks every value against its bound once. */
    private static Speed speed(DataSet d, Codec c, ToDoubleFunction<Sample> eb) throws Exception {
        List<byte[]> streams = new ArrayList<>();
        long bytes = 0;
        int largest = 0;
        for (Sample s : d.samples()) {
            byte[] b = c.compress(s);
            streams.add(b);
            bytes += b.length;
            largest = Math.max(largest, s.values().length);
        }
        float[] dst = new float[largest];
        for (int i = 0; i < streams.size(); i++) {
            float[] src = d.samples().get(i).values();
            c.decompress(streams.get(i), dst);
            double bound = eb.applyAsDouble(d.samples().get(i));
            for (int j = 0; j < src.length; j++) {
                if (!(Math.abs((double) src[j] - dst[j]) <= bound) && bound != Double.POSITIVE_INFINITY) {
                    throw new IllegalStateException(d.name() + ", " + d.samples().get(i).name() + " value " + j + ": "
                            + src[j] + " came back as " + dst[j] + ", beyond " + bound);
                }
            }
        }
        long compress = Stopwatch.leastCpuNanos(2, RUNS, () -> {
            for (Sample s : d.samples()) {
                c.compress(s);
            }
        });
        long decompress = Stopwatch.leastCpuNanos(2, RUNS, () -> {
            for (byte[] b : streams) {
                c.decompress(b, dst);
            }
        });
        return new Speed(d.bytes() / (compress / 1e3), d.bytes() / (decompress / 1e3), (double) d.bytes() / bytes);
    }

    private static double maxError(FloatCodec c, Sample s) {
        float[] back = new float[s.values().length];
        c.decompress(c.compress(s.values(), 0, back.length), back, 0);
        double max = 0;
        for (int i = 0; i < back.length; i++) {
            max = Math.max(max, Math.abs((double) s.values()[i] - back[i]));
        }
        return max;
    }

    /** The largest of a per-tensor error over the tensor's range, over the set. */
    private static String relative(DataSet d, ToDoubleFunction<Sample> error) {
        double worst = 0;
        for (Sample s : d.samples()) {
            double r = s.range();
            if (r > 0) {
                worst = Math.max(worst, error.applyAsDouble(s) / r);
            }
        }
        return worst == 0 ? "0 (lossless)" : String.format(Locale.ROOT, "%.2e", worst);
    }

    // ---- data --------------------------------------------------------------------------------------------

    /**
     * The activations the small VGG keeps for backward at the end of a forward pass: trains it for a few steps in
     * baseline mode, then runs one more step's forward part alone and downloads every activation still held.
     */
    private DataSet vggActivations() {
        Network net = Network.load(root.resolve("samples/vgg_small.json"));
        Optimizer sgd = Optimizer.of("sgd", 0.01, 0.9, 5e-4);
        int threads = CpuBackend.defaultThreads();
        CompileOptions options = new CompileOptions(BATCH, sgd, CpuBackend.workspaceModel(threads));
        Planner.Plan plan = Planner.plan(net, new BaselineMode(), options, 1L << 50);
        StepProgram program = plan.program();
        long budget = plan.peakBytes() + plan.peakBytes() / 4 + (16L << 20);
        Trace trace = new Trace(new TraceInfo(net.name(), "baseline", "cpu", BATCH, budget, null), 1 << 16);
        Dataset data = DataSource.builtin(DataSource.DEFAULT_BUILTIN_SIZE)
                .open(net.input().c(), net.input().h(), net.input().w(), net.classes(), 1).train();
        BatchSampler sampler = new BatchSampler(data.size(), BATCH, 1);
        float[] images = new float[BATCH * net.input().elements()];
        float[] labels = new float[BATCH];
        try (CpuBackend cpu = new CpuBackend(new DeviceMemory(budget, trace), threads)) {
            ProgramRunner runner = new ProgramRunner(net, cpu, sgd, 1);
            runner.setup(program);
            for (int step = 0; step < TRAIN_STEPS; step++) {
                sampler.nextBatch(data, images, labels);
                runner.run(program, step, new Batch(BATCH, images, labels));
            }
            List<Instruction> forward = new ArrayList<>();
            Set<String> held = new LinkedHashSet<>();
            for (Instruction i : program.step()) {
                if (i instanceof Instruction.Phase p && p.name().equals("backward")) {
                    break;
                }
                forward.add(i);
                if (i instanceof Instruction.Alloc a) {
                    held.add(a.tensor());
                } else if (i instanceof Instruction.Free f) {
                    held.remove(f.tensor());
                }
            }
            StepProgram forwardOnly = new StepProgram(program.network(), program.mode(), program.batch(),
                    program.tensors(), program.setup(), forward);
            sampler.nextBatch(data, images, labels);
            runner.run(forwardOnly, TRAIN_STEPS, new Batch(BATCH, images, labels));
            Map<String, String> types = new HashMap<>();
            for (Node n : net.nodes()) {
                types.put(n.name(), n.layer().type());
            }
            List<Sample> samples = new ArrayList<>();
            for (String name : held) {
                var decl = program.decl(name);
                Dims dims = decl.dims();
                if (decl.category() != Category.ACTIVATION || dims.elements() < 1024) {
                    continue; // labels, softmax probabilities, small classifier tensors
                }
                samples.add(new Sample(name, types.getOrDefault(decl.layer(), "?"), dims.h(), dims.w(),
                        runner.read(name)));
            }
            runner.release();
            return new DataSet("VGG-small activations, all", samples);
        }
    }

    private static double zeros(DataSet d) {
        long zeros = 0;
        for (Sample s : d.samples()) {
            for (float v : s.values()) {
                zeros += v == 0 ? 1 : 0;
            }
        }
        return 4.0 * zeros / d.bytes();
    }

    /** The real activations grouped by the kind of layer that wrote them. */
    private static List<DataSet> byKind(DataSet real) {
        Map<String, List<Sample>> kinds = new LinkedHashMap<>();
        for (Sample s : real.samples()) {
            kinds.computeIfAbsent(s.kind(), k -> new ArrayList<>()).add(s);
        }
        List<DataSet> out = new ArrayList<>();
        for (Map.Entry<String, List<Sample>> e : kinds.entrySet()) {
            out.add(new DataSet("  " + e.getKey() + " outputs (" + e.getValue().size() + ")", e.getValue()));
        }
        return out;
    }

    private static DataSet synthetic(String name, boolean relu) {
        int planes = 64;
        int h = 32;
        int w = 32;
        List<Sample> samples = new ArrayList<>();
        Random r = new Random(relu ? 2 : 1);
        for (int t = 0; t < 8; t++) {
            float[] a = new float[planes * h * w];
            smoothPlanes(a, r, h, w);
            if (relu) {
                for (int i = 0; i < a.length; i++) {
                    a[i] = Math.max(0f, a[i] - 0.3f);
                }
            }
            samples.add(new Sample(name + " " + t, relu ? "relu" : "smooth", h, w, a));
        }
        return new DataSet(name.replace(", 64×32×32", ", 8 × 64×32×32"), samples);
    }

    /**
     * Fills {@code a} plane by plane (h × w each) with a sum of three sines over (y, x), random frequencies up to
     * 0.3 radians a pixel, phases and amplitudes of 0.2 to 0.6, plus Gaussian noise of 1e-3: smooth data with a
     * little grain, like early feature maps. The compressor's tests use the same recipe.
     */
    public static void smoothPlanes(float[] a, Random r, int h, int w) {
        int plane = h * w;
        for (int p = 0; p * plane < a.length; p++) {
            double[] fy = new double[3];
            double[] fx = new double[3];
            double[] ph = new double[3];
            double[] amp = new double[3];
            for (int k = 0; k < 3; k++) {
                fy[k] = r.nextDouble() * 0.3;
                fx[k] = r.nextDouble() * 0.3;
                ph[k] = r.nextDouble() * 2 * Math.PI;
                amp[k] = 0.2 + r.nextDouble() * 0.4;
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = 0;
                    for (int k = 0; k < 3; k++) {
                        v += amp[k] * Math.sin(fy[k] * y + fx[k] * x + ph[k]);
                    }
                    a[p * plane + y * w + x] = (float) (v + 1e-3 * r.nextGaussian());
                }
            }
        }
    }

    private void line(String s) {
        System.out.println(s);
        md.append(s).append('\n');
    }
}
