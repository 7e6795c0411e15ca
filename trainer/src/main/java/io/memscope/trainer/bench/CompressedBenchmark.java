package io.memscope.trainer.bench;

import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.data.BatchSampler;
import io.memscope.trainer.data.DataSource;
import io.memscope.trainer.data.Dataset;
import io.memscope.trainer.memory.Arena;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.BaselineMode;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.modes.compressed.CompressedMode;
import io.memscope.trainer.modes.compressed.CompressionPass;
import io.memscope.trainer.modes.compressed.ErrorBound;
import io.memscope.trainer.modes.compressed.FloatCodec;
import io.memscope.trainer.modes.compressed.GradientError;
import io.memscope.trainer.modes.compressed.SzFloatCodec;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.NetworkSpec;
import io.memscope.trainer.net.layers.Pass;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.Batch;
import io.memscope.trainer.program.CompressionRecord;
import io.memscope.trainer.program.Instruction;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.StepProgram;
import io.memscope.trainer.program.TensorDecl;
import io.memscope.trainer.train.TrainConfig;
import io.memscope.trainer.train.TrainDefaults;
import io.memscope.trainer.train.StepResult;
import io.memscope.trainer.train.TrainListener;
import io.memscope.trainer.train.TrainSummary;
import io.memscope.trainer.train.Trainer;
import io.memscope.trainer.train.TrainingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The compressed mode (COMET) against baseline, in one run on the CPU backend: activation memory and its
 * reduction at error bounds of 1e-2, 1e-3 and 1e-4 of each tensor's range and at the default adaptive bound, on
 * LeNet-5 (as given, with max pooling, and with average pooling), the small VGG and ResNet-18/32×32, measured
 * after some training steps, with the planned peak beside the measured one; the step time, the codec's share of
 * it and its throughput inside a step; what could be compressed at all (planned, VGG-16 at 224×224 too); the
 * weight-gradient error per layer against baseline; baseline and compressed training to a held-out accuracy; and
 * the largest batch each fits in a budget. Prints everything and rewrites the "compressed" section of
 * docs/BENCHMARKS.md.
 *
 * <p>Run: {@code scripts/bench-compressed.sh}, or {@code java --add-modules jdk.incubator.vector -Xmx6g -cp
 * trainer/target/memscope-cli.jar io.memscope.trainer.bench.CompressedBenchmark [repo-root]}.
 */
public final class CompressedBenchmark extends ModeBenchmark {
    private static final List<String> BOUNDS = List.of("rel:1e-2", "rel:1e-3", "rel:1e-4", CompressedMode.DEFAULT_BOUND);
    /** Baseline steps before the activations are measured, so they are not those of random weights. */
    private static final int TRAIN_STEPS = 20;
    /** Held-out accuracy is measured every this many steps from {@link #CHECKPOINTS_FROM} on, and at the end. */
    private static final int CHECKPOINT_EVERY = 50;
    private static final int CHECKPOINTS_FROM = 200;
    private static final String FIT_NETWORK = "vgg_small";
    private static final long FIT_BUDGET = 24L << 20;
    private static final int FIT_STEPS = 20;
    private static final String MNIST = "samples/data/mnist-subset";
    /** Seeds the small VGG trains in each mode: one run's accuracy on the built-in data swings by points. */
    private static final int ACCURACY_SEEDS = 8;
    /** Seeds each LeNet-5 trains on MNIST, whose runs differ by tenths of a point. */
    private static final int MNIST_SEEDS = 4;

    private final long seed = TrainDefaults.SEED;

    private CompressedBenchmark(Path root) {
        super(root);
    }

    public static void main(String[] args) throws Exception {
        BenchmarkReport.run(args, "compressed", root -> new CompressedBenchmark(root).report());
    }

    /** A network, the batch it is measured at, and how many steps are timed (each paired with a baseline step). */
    private record Subject(Network net, int batch, int timed) {}

    @Override
    void run() throws Exception {
        long t0 = System.nanoTime();
        line("## Compressed mode (COMET)");
        line("");
        line(String.format(Locale.ROOT, "Measured %s on %d cores, Java %s, %s; SGD with momentum 0.9, lr 0.01, weight "
                + "decay 5e-4; the built-in shapes data unless the table says MNIST. *Activation memory* is the step's "
                + "peak minus what stays between steps (parameters, gradients, momentum). *eb* `rel:R` is R of each "
                + "tensor's range (max − min) at each compression; `%s`, the default, is chosen per tensor "
                + "from the gradients (docs/COMPRESSED.md), re-estimated every %d steps (R / 10 of the range before "
                + "the first measurement and for tensors no layer with weights reads). How the mode works and why "
                + "some tensors stay exact: docs/COMPRESSED.md.", LocalDate.now(), threads,
                System.getProperty("java.version"), CpuBackend.blasName(), CompressedMode.DEFAULT_BOUND,
                CompressedMode.DEFAULT_EVERY));
        line("");
        String load = loadAverage();
        List<Subject> subjects = List.of(
                new Subject(network("lenet5"), TrainDefaults.BATCH, 15),
                new Subject(averagePooling("lenet5"), TrainDefaults.BATCH, 15),
                new Subject(network("vgg_small"), 32, 7),
                new Subject(network("resnet18_cifar"), 16, 4));
        List<Measured> measured = new ArrayList<>();
        for (Subject s : subjects) {
            measured.add(measure(s));
        }
        memoryTable(measured);
        kindTable(measured);
        tensorTable(measured.get(2));
        timeTable(measured);
        ceilings(subjects);
        gradientErrors(measured.get(2));
        accuracy();
        fitTheBudget();
        line("### Against plain compressors");
        line("");
        line("The error-bounded compressor against fp16, 8-bit linear quantization and Deflate at equal largest "
                + "error, on the small VGG's activations and synthetic planes: section *Compressor*, last table.");
        line("");
        line(String.format(Locale.ROOT, "The whole benchmark took %.1f minutes; load average (1 / 5 / 15 minutes) %s "
                + "when it started, %s when it ended: above the %d cores, other processes shared them and step times "
                + "are longer than the machine alone gives.", (System.nanoTime() - t0) / 6e10, load, loadAverage(),
                threads));
    }

    // ---- activation memory and step time, measured ----------------------------------------------------------

    /**
     * One bound's measurement on one network: the last step's compressions, the highest activation memory and
     * peak of the timed steps, the least step times of the mode and of baseline, the least codec times in one
     * step and the bytes a step compresses and decompresses.
     */
    private record Bound(String bound, List<CompressionRecord> records, long activation, long peak, long planned,
                         double stepMs, double baseStepMs, double compressMs, double decompressMs,
                         long compressedBytes, long decompressedBytes,
                         Map<String, Set<String>> readers, Map<String, String> kinds) {
        long held() {
            return records.stream().mapToLong(CompressionRecord::bytes).sum();
        }

        long stream() {
            return records.stream().mapToLong(CompressionRecord::compressedBytes).sum();
        }

        CompressionRecord record(String tensor) {
            return records.stream().filter(r -> r.tensor().equals(tensor)).findFirst().orElse(null);
        }
    }

    /** Baseline and every bound on one network, after the same training. */
    private record Measured(Subject subject, long activation, long peak, long planned, List<Bound> bounds,
                            Map<String, float[]> weights, Batch batch) {}

    /**
     * Trains {@link #TRAIN_STEPS} baseline steps, then for each bound: calibrates the mode as a run does (one
     * step of the run's first batch from the initial weights), sets it up with the trained weights, runs a
     * step (with adaptive bounds, the one that measures the gradients) and then the subject's timed steps, each
     * after a baseline step on the same batch. The codec is timed inside the steps. Times are the least over the
     * timed steps: on a shared machine the other processes only ever add to a step.
     */
    private Measured measure(Subject s) {
        Network net = s.net();
        int n = s.batch();
        int timed = s.timed();
        Feed feed = new Feed(net, n, "builtin");
        Batch first = feed.next();
        System.err.printf(Locale.ROOT, "%s, batch %d: training %d baseline steps%n", net.name(), n, TRAIN_STEPS);
        try (Device base = new Device(net, new BaselineMode(), n)) {
            base.step(first);
            for (int i = 1; i < TRAIN_STEPS; i++) {
                base.step(feed.next());
            }
            Map<String, float[]> weights = base.runner.parameters();
            List<Batch> probe = new ArrayList<>();
            for (int i = 0; i <= timed; i++) {
                probe.add(feed.next());
            }
            long baseActivation = 0;
            long basePeak = 0;
            List<Bound> bounds = new ArrayList<>();
            for (String text : BOUNDS) {
                System.err.printf(Locale.ROOT, "  eb %s%n", text);
                TimedCodec codec = new TimedCodec();
                MemoryMode calibrated = new CompressedMode(ErrorBound.parse(text, CompressedMode.DEFAULT_EVERY), Map.of(),
                        codec).calibrate(net, options(n), first, seed, threads);
                try (Device d = new Device(net, calibrated, n)) {
                    d.runner.write(weights);
                    d.step(probe.get(0));
                    long[] tb = new long[timed];
                    long[] tc = new long[timed];
                    long[] compress = new long[timed];
                    long[] decompress = new long[timed];
                    long peak = 0;
                    for (int r = 0; r < timed; r++) {
                        tb[r] = base.step(probe.get(r + 1));
                        baseActivation = Math.max(baseActivation, base.activation());
                        basePeak = Math.max(basePeak, base.peak());
                        codec.reset();
                        tc[r] = d.step(probe.get(r + 1));
                        compress[r] = codec.compressNanos;
                        decompress[r] = codec.decompressNanos;
                        peak = Math.max(peak, d.peak());
                    }
                    StepProgram p = d.plan.program();
                    bounds.add(new Bound(text, d.runner.compressions(), peak - d.resident, peak, d.plan.peakBytes(),
                            least(tc) / 1e6, least(tb) / 1e6, least(compress) / 1e6, least(decompress) / 1e6,
                            codec.compressedBytes, codec.decompressedBytes, readers(p, net), kinds(p, net)));
                }
            }
            Batch gradientBatch = feed.next();
            return new Measured(s, baseActivation, basePeak, base.plan.peakBytes(), bounds, weights, gradientBatch);
        }
    }

    private void memoryTable(List<Measured> all) {
        line("### Activation memory after " + TRAIN_STEPS + " training steps (CPU backend, measured)");
        line("");
        line("Baseline trains " + TRAIN_STEPS + " steps; each bound then starts from those weights, as calibrated by a "
                + "run (one step of the run's first batch from the initial weights, the lower ratio of two steps for "
                + "adaptive bounds), and is measured over 4 (ResNet-18), 7 (VGG) or 15 (LeNet-5) steps after a first "
                + "one; the peaks are the highest of those steps. *Held* is what the "
                + "last step held compressed, as float32 and as streams; *planned* is the planner's peak from the "
                + "calibrated ratios with their 25% margin; *measured − planned* is negative where the streams came "
                + "out smaller than planned.");
        line("");
        line("| network | batch | eb | tensors compressed | held | as streams | ratio | activation memory | reduction "
                + "| total peak | planned peak | measured − planned |");
        line("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Measured m : all) {
            line(String.format(Locale.ROOT, "| %s | %d | baseline | | | | | %s | | %s | %s | %s |",
                    m.subject().net().name(), m.subject().batch(), Bytes.format(m.activation()), Bytes.format(m.peak()),
                    Bytes.format(m.planned()), signed(m.peak() - m.planned())));
            for (Bound b : m.bounds()) {
                line(String.format(Locale.ROOT, "| | | %s | %d | %s | %s | %s | %s | **%s** | %s | %s | %s |", b.bound(),
                        b.records().size(), Bytes.format(b.held()), Bytes.format(b.stream()),
                        b.records().isEmpty() ? "" : times((double) b.held() / b.stream()), Bytes.format(b.activation()),
                        times((double) m.activation() / b.activation()), Bytes.format(b.peak()), Bytes.format(b.planned()),
                        signed(b.peak() - b.planned())));
            }
        }
        line("");
        line("*Reduction* is baseline's activation memory over the mode's. The paper reports up to 13.5× on ImageNet "
                + "CNNs; the section *What can be compressed* below shows how far these networks allow. LeNet-5 keeps "
                + "for backward almost only what its max poolings read, which stays exact: just its two classifier "
                + "ReLU outputs are compressed (at batch 32 they are under 16 KiB and nothing is). With average "
                + "pooling nearly everything it keeps is compressed, but its peak is the backward of its first ReLU, "
                + "where that ReLU's output must be back beside two gradients of its size, and the stream being "
                + "decompressed adds to it. " + (all.stream().flatMap(m -> m.bounds().stream())
                .allMatch(b -> b.peak() <= b.planned()) ? "Every measured peak is within its plan."
                : "**Some measured peaks exceed their plans** (last column)."));
        line("");
    }

    /** The ratio of each kind of tensor, by the type of the layer that wrote it. */
    private void kindTable(List<Measured> all) {
        line("### Ratio by the layer that wrote the tensor (last measured step)");
        line("");
        boundsHeader("| network | written by | tensors | size |", "|---|---|---:|---:|", "", "");
        for (Measured m : all) {
            Bound any = m.bounds().get(0);
            if (any.records().isEmpty()) {
                line("| " + m.subject().net().name() + " | nothing compressed | | |" + " |".repeat(BOUNDS.size()));
                continue;
            }
            Map<String, List<String>> byKind = new LinkedHashMap<>();
            for (CompressionRecord r : any.records()) {
                byKind.computeIfAbsent(any.kinds().get(r.tensor()), k -> new ArrayList<>()).add(r.tensor());
            }
            String name = m.subject().net().name();
            for (Map.Entry<String, List<String>> e : byKind.entrySet()) {
                long size = e.getValue().stream().mapToLong(t -> any.record(t).bytes()).sum();
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %s | %d | %s |", name, e.getKey(),
                        e.getValue().size(), Bytes.format(size)));
                for (Bound b : m.bounds()) {
                    long stream = e.getValue().stream().mapToLong(t -> b.record(t).compressedBytes()).sum();
                    row.append(' ').append(times((double) size / stream)).append(" |");
                }
                line(row.toString());
                name = "";
            }
        }
        line("");
    }

    /** Every compressed tensor of one network, with its readers in backward and its adaptive bound. */
    private void tensorTable(Measured m) {
        line("### " + m.subject().net().name() + ", batch " + m.subject().batch() + ", tensor by tensor");
        line("");
        Bound rel = m.bounds().get(0);
        Bound adaptive = m.bounds().get(BOUNDS.size() - 1);
        double relRatio = ((ErrorBound.Relative) ErrorBound.parse(rel.bound(), 1)).ratio();
        boundsHeader("| tensor | size | read in backward by |", "|---|---:|---|", " adaptive eb | ≈ of the range |",
                "---:|---:|");
        for (CompressionRecord r : adaptive.records()) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %s | %s |", r.tensor(),
                    Bytes.format(r.bytes()), String.join(", ", adaptive.readers().get(r.tensor()))));
            for (Bound b : m.bounds()) {
                row.append(' ').append(times(b.record(r.tensor()).ratio())).append(" |");
            }
            double range = rel.record(r.tensor()).errorBound() / relRatio;
            row.append(String.format(Locale.ROOT, " %.2e | %.1e |", r.errorBound(), r.errorBound() / range));
            line(row.toString());
        }
        line("");
        line(String.format(Locale.ROOT, "*≈ of the range*: the adaptive bound over the tensor's range in the same step "
                + "under %s (same weights and batch, so nearly the same range). Convolution outputs are read by their "
                + "batch norm, whose γ gradient sets their bound (an error in its input reaches dγ scaled by 1/σ); ReLU "
                + "outputs by the next convolution or linear layer. Max-pooling inputs and outputs are not in the table: they stay exact.",
                rel.bound()));
        line("");
    }

    private void timeTable(List<Measured> all) {
        line("### Step time and the codec's share (CPU backend, least of the timed steps, paired with baseline steps)");
        line("");
        line("| network | eb | compressed step | baseline step | ratio | compress | decompress | codec share of the "
                + "step | compress MB/s | decompress MB/s |");
        line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Measured m : all) {
            String name = m.subject().net().name();
            for (Bound b : m.bounds()) {
                if (b.records().isEmpty()) {
                    continue;
                }
                double codec = b.compressMs() + b.decompressMs();
                line(String.format(Locale.ROOT, "| %s | %s | %.0f ms | %.0f ms | %.2f× | %.1f ms | %.1f ms | %.0f%% | "
                                + "%.0f | %.0f |", name, b.bound(), b.stepMs(), b.baseStepMs(), b.stepMs() / b.baseStepMs(),
                        b.compressMs(), b.decompressMs(), 100 * codec / b.stepMs(),
                        b.compressedBytes() / (b.compressMs() * 1e3), b.decompressedBytes() / (b.decompressMs() * 1e3)));
                name = "";
            }
        }
        line("");
        line("*compress*, *decompress*: the codec's wall time inside one step (the least over the timed steps), on the "
                + "training thread; the backend's other worker waits meanwhile, as COMPRESS and DECOMPRESS are "
                + "instructions of the step like any kernel. MB/s: 10^6 float32 bytes in (compress) or out "
                + "(decompress) per second of that time. The rest of the difference to baseline is copying tensors "
                + "to and from the host and packing the streams. The compressor section's throughputs are for one "
                + "thread's CPU time, without the step around it.");
        line("");
    }

    // ---- what can be compressed, planned ---------------------------------------------------------------------

    /**
     * Where each network's memory kept for backward goes, and the activation memory if every compressed tensor
     * took no space at all: the most this mode can save on it, whatever the compressor.
     */
    private void ceilings(List<Subject> measured) {
        line("### What can be compressed (planned: meta backend)");
        line("");
        line("At the start of backward baseline holds everything forward kept for it. The compressed mode compresses "
                + "the layer outputs among it, except what a max pooling's backward reads (its input and output: it "
                + "finds the maxima by comparing them) and tensors under 16 KiB; the input batch, labels, softmax "
                + "probabilities, batch-norm statistics and dropout masks stay exact too. *Ceiling*: baseline's "
                + "activation memory over the mode's if every compressed tensor took no space.");
        line("");
        line("| network | batch | activation memory | kept for backward | compressible | max-pool inputs/outputs | "
                + "other exact | activation memory, streams free | ceiling |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        List<Subject> all = new ArrayList<>(measured);
        all.add(new Subject(network("vgg16"), 32, 0));
        for (Subject s : all) {
            Network net = s.net();
            CompileOptions o = options(s.batch());
            StepProgram base = new BaselineMode().compile(net, o);
            Planner.Plan plan = Planner.plan(net, new BaselineMode(), o, Planner.UNBOUNDED);
            long activation = plan.peakBytes() - plan.profile().setupBytes();
            List<String> candidates = CompressionPass.candidates(base, net);
            Map<String, Double> free = new HashMap<>();
            candidates.forEach(t -> free.put(t, 1e15));
            Planner.Plan ideal = Planner.plan(net, new CompressedMode(ErrorBound.parse("rel:1e-3", 1), free,
                    new SzFloatCodec()), o, Planner.UNBOUNDED);
            long idealActivation = ideal.peakBytes() - ideal.profile().setupBytes();
            Set<String> kept = keptForBackward(base);
            Set<String> pooled = readByMaxPool(base, net);
            long keptBytes = bytes(base, kept);
            long compressible = bytes(base, new HashSet<>(candidates));
            Set<String> pool = new HashSet<>(kept);
            pool.retainAll(pooled);
            long poolBytes = bytes(base, pool);
            line(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s (%.0f%%) | %s (%.0f%%) | %s | %s | %s |", net.name(),
                    s.batch(), Bytes.format(activation), Bytes.format(keptBytes), Bytes.format(compressible),
                    100.0 * compressible / keptBytes, Bytes.format(poolBytes), 100.0 * poolBytes / keptBytes,
                    Bytes.format(keptBytes - compressible - poolBytes), Bytes.format(idealActivation),
                    times((double) activation / idealActivation)));
        }
        line("");
    }

    /** Non-persistent tensors allocated before the first backward phase and freed after it. */
    private static Set<String> keptForBackward(StepProgram p) {
        List<Instruction> step = p.step();
        int boundary = -1;
        for (int k = 0; k < step.size() && boundary < 0; k++) {
            if (step.get(k) instanceof Instruction.Phase ph && ph.name().startsWith("backward")) {
                boundary = k;
            }
        }
        Set<String> alive = new LinkedHashSet<>();
        for (int k = 0; k < boundary; k++) {
            if (step.get(k) instanceof Instruction.Alloc a && !p.decl(a.tensor()).persistent()) {
                alive.add(a.tensor());
            } else if (step.get(k) instanceof Instruction.Free f) {
                alive.remove(f.tensor());
            }
        }
        return alive;
    }

    private static Set<String> readByMaxPool(StepProgram p, Network net) {
        Set<String> out = new HashSet<>();
        for (Instruction.Run r : p.stepInstructions(Instruction.Run.class)) {
            if (r.pass() == Pass.BACKWARD && net.node(r.node()).layer().type().equals("maxpool2d")) {
                out.addAll(r.tensors());
            }
        }
        return out;
    }

    private static long bytes(StepProgram p, Set<String> tensors) {
        return tensors.stream().mapToLong(t -> Arena.align(p.decl(t).dims().bytes())).sum();
    }

    /** For each tensor, the layers whose backward pass reads it. */
    private static Map<String, Set<String>> readers(StepProgram p, Network net) {
        Map<String, Set<String>> out = new HashMap<>();
        for (Instruction.Run r : p.stepInstructions(Instruction.Run.class)) {
            if (r.pass() == Pass.BACKWARD) {
                r.inputs().stream().filter(t -> t != null).forEach(t -> out.computeIfAbsent(t, k -> new TreeSet<>())
                        .add(r.layer()));
                if (r.output() != null) {
                    out.computeIfAbsent(r.output(), k -> new TreeSet<>()).add(r.layer() + " (its own output)");
                }
            }
        }
        return out;
    }

    /** For each tensor, the type of the layer that wrote it. */
    private static Map<String, String> kinds(StepProgram p, Network net) {
        Map<String, String> types = new HashMap<>();
        net.nodes().forEach(n -> types.put(n.name(), n.layer().type()));
        Map<String, String> out = new HashMap<>();
        for (TensorDecl d : p.tensors().values()) {
            out.put(d.name(), types.getOrDefault(d.layer(), "?"));
        }
        return out;
    }

    // ---- gradient error --------------------------------------------------------------------------------------

    private void gradientErrors(Measured m) {
        Network net = m.subject().net();
        int n = m.subject().batch();
        line("### Weight-gradient error against baseline (" + net.name() + ", batch " + n + ", after " + TRAIN_STEPS
                + " steps)");
        line("");
        line("One step from the trained weights on the same batch in both modes (`GradientError`): ‖g − g_baseline‖ "
                + "/ ‖g_baseline‖ over each layer's weights and biases. With the adaptive bound a first step on the "
                + "same weights and batch measures the gradients that set it.");
        line("");
        List<List<GradientError.Layer>> errors = new ArrayList<>();
        for (String b : BOUNDS) {
            System.err.printf(Locale.ROOT, "gradient error, eb %s%n", b);
            errors.add(GradientError.of(net, Modes.get(CompressedMode.ID, Map.of("eb", b)), options(n), m.batch(), seed,
                    threads, m.weights()));
        }
        boundsHeader("| layer | ‖g_baseline‖ |", "|---|---:|", "", "");
        for (int l = 0; l < errors.get(0).size(); l++) {
            GradientError.Layer first = errors.get(0).get(l);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %.3g |", first.layer(),
                    first.baselineNorm()));
            for (List<GradientError.Layer> e : errors) {
                row.append(String.format(Locale.ROOT, " %.2e |", e.get(l).relativeError()));
            }
            line(row.toString());
        }
        line("");
        line("A layer's error comes from its own input's error (what the adaptive rule bounds at about R = "
                + ErrorBound.DEFAULT_TARGET + " for the layer reading it) and from the error of the gradient that reaches it from above, which every "
                + "decompressed tensor read in backward further up adds to. Batch-norm layers' γ and β gradients count "
                + "as theirs.");
        line("");
    }

    // ---- training to accuracy --------------------------------------------------------------------------------

    private void accuracy() {
        int steps = TrainDefaults.STEPS;
        line("### Training to accuracy (" + steps + " steps, same seed, held-out accuracy)");
        line("");
        line("`Trainer` runs as `memscope train` does (calibration, plan, run, evaluation at the end); compressed at "
                + "the default bound " + CompressedMode.DEFAULT_BOUND + ". Between steps the benchmark also measures "
                + "the held-out accuracy every " + CHECKPOINT_EVERY + " steps from step " + CHECKPOINTS_FROM + " on, "
                + "with the run's own weights (inference changes nothing); *mean* is over those checkpoints and the "
                + "end (listed in order, in %), as one evaluation swings by points from one step to the next. *Compressed at the last step*: "
                + "the last step's compressed tensors, as float32 and as streams; *peak* is the whole run's.");
        line("");
        line("| network | data | batch | mode | seed | final loss | held-out accuracy at the end | mean " + CHECKPOINTS_FROM
                + "–" + steps + " | at each checkpoint | compressed at the last step | step time | peak | planned peak |");
        line("|---|---|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---:|");
        Network vgg = network("vgg_small");
        double[] base = new double[ACCURACY_SEEDS];
        double[] comp = new double[ACCURACY_SEEDS];
        for (int k = 0; k < ACCURACY_SEEDS; k++) {
            base[k] = trainRow(vgg, "builtin", 32, steps, "baseline", seed + k);
            comp[k] = trainRow(vgg, "builtin", 32, steps, CompressedMode.ID, seed + k);
        }
        double[] diff = new double[ACCURACY_SEEDS];
        for (int k = 0; k < ACCURACY_SEEDS; k++) {
            diff[k] = comp[k] - base[k];
        }
        StringBuilder summary = new StringBuilder(String.format(Locale.ROOT, "Mean held-out accuracy over the "
                + "checkpoints, compressed against baseline with the same seed, %s: %s points (seeds %d to %d); over "
                + "the %d seeds **%.1f%% against %.1f%%, %+.1f points** (standard error of that difference %.1f), "
                + "while baseline's own seeds spread %.1f points (standard deviation) and compressed's %.1f",
                vgg.name(), Arrays.stream(diff).mapToObj(d -> String.format(Locale.ROOT, "%+.1f", 100 * d))
                        .collect(java.util.stream.Collectors.joining(", ")), seed, seed + ACCURACY_SEEDS - 1,
                ACCURACY_SEEDS, 100 * mean(comp), 100 * mean(base), 100 * mean(diff),
                100 * deviation(diff) / Math.sqrt(ACCURACY_SEEDS), 100 * deviation(base), 100 * deviation(comp)));
        boolean mnist = Files.isDirectory(root.resolve(MNIST));
        if (mnist) {
            String data = "mnist:" + root.resolve(MNIST);
            for (Network net : List.of(network("lenet5"), averagePooling("lenet5"))) {
                double[] d = new double[MNIST_SEEDS];
                for (int k = 0; k < MNIST_SEEDS; k++) {
                    double b = trainRow(net, data, TrainDefaults.BATCH, steps, "baseline", seed + k);
                    d[k] = trainRow(net, data, TrainDefaults.BATCH, steps, CompressedMode.ID, seed + k) - b;
                }
                summary.append(String.format(Locale.ROOT, "; %s on MNIST **%+.1f** points over %d seeds "
                        + "(standard error %.1f)", net.name(), 100 * mean(d), MNIST_SEEDS,
                        100 * deviation(d) / Math.sqrt(MNIST_SEEDS)));
            }
        }
        line("");
        line(summary + ". Several seeds show how far two runs differ when nothing but the seed (initialization, "
                + "order, dropout) changes; on about 1000 held-out samples one point is 10 samples."
                + (mnist ? " MNIST: the 8,000-digit subset in samples/data/mnist-subset, 2,000 held out, of which "
                + "the first 1000, in whole batches, are measured." : " MNIST rows need samples/data/mnist-subset, absent here."));
        line("");
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** Sample standard deviation. */
    private static double deviation(double[] v) {
        double m = mean(v);
        return Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / Math.max(1, v.length - 1));
    }

    /** One run's row; returns its mean held-out accuracy over the checkpoints and the end. */
    private double trainRow(Network net, String data, int batch, int steps, String mode, long runSeed) {
        System.err.printf(Locale.ROOT, "training %s on %s in %s mode, seed %d%n", net.name(), data, mode, runSeed);
        TrainConfig cfg = new TrainConfig(net, mode, data, batch, steps, 0, TrainDefaults.budgetBytes(), runSeed, sgd,
                threads, TrainDefaults.EVAL_SAMPLES);
        Trainer trainer = new Trainer(cfg, Modes.get(mode), 1 << 16);
        Checkpoints checkpoints = new Checkpoints(trainer);
        TrainSummary s = trainer.run(checkpoints);
        List<CompressionRecord> last = trainer.compression();
        long held = last.stream().mapToLong(CompressionRecord::bytes).sum();
        long stream = last.stream().mapToLong(CompressionRecord::compressedBytes).sum();
        String compressed = mode.equals("baseline") ? "" : last.isEmpty() ? "nothing"
                : String.format(Locale.ROOT, "%d tensors, %s as %s (%s)", last.size(), Bytes.format(held),
                Bytes.format(stream), times((double) held / stream));
        double[] acc = checkpoints.accuracy.values().stream().mapToDouble(Double::doubleValue).toArray();
        String each = Arrays.stream(acc).mapToObj(a -> String.format(Locale.ROOT, "%.1f", 100 * a))
                .collect(java.util.stream.Collectors.joining(" / "));
        line(String.format(Locale.ROOT, "| %s | %s | %d | %s | %d | %.3f | %.1f%% of %d | **%.1f%%** | %s | %s | "
                        + "%.0f ms | %s | %s |", net.name(), data.startsWith("mnist") ? "MNIST" : data, batch, mode, runSeed,
                s.finalLoss(), 100 * s.testAccuracy(), s.testSamples(), 100 * Arrays.stream(acc).average().orElse(Double.NaN), each,
                compressed, s.stepNanos() / 1e6, Bytes.format(s.peakBytes()), Bytes.format(s.plannedPeakBytes())));
        return Arrays.stream(acc).average().orElse(Double.NaN);
    }

    /**
     * Held-out accuracy during a run: every {@link #CHECKPOINT_EVERY} steps from {@link #CHECKPOINTS_FROM} on, the
     * trainer's runner runs the evaluation program over the samples its own evaluation at the end reads, between
     * two steps on the training thread (inference leaves weights and statistics as they are); then the end's.
     */
    private final class Checkpoints implements TrainListener {
        final Map<Integer, Double> accuracy = new java.util.TreeMap<>();
        private final Trainer trainer;
        private StepProgram eval;
        private Dataset test;
        private int total;

        Checkpoints(Trainer trainer) {
            this.trainer = trainer;
        }

        @Override
        public void onStart(Trainer t) {
            TrainConfig c = t.config();
            Network net = c.network();
            test = DataSource.parse(c.data()).open(net.input().c(), net.input().h(), net.input().w(), net.classes(),
                    c.seed()).test();
            CompileOptions o = new CompileOptions(c.batch(), c.optimizer(), CpuBackend.workspaceModel(c.threads()),
                    Math.min(c.evalSamples(), test.size()));
            eval = Planner.evaluation(net, Modes.get(c.mode()), o);
        }

        @Override
        public void onStep(StepResult r) {
            total = r.totalSteps();
            int done = r.step() + 1;
            if (done >= CHECKPOINTS_FROM && done % CHECKPOINT_EVERY == 0 && done < total) {
                accuracy.put(done, evaluate(done));
            }
        }

        @Override
        public void onEval(double acc, int samples) {
            accuracy.put(total, acc);
        }

        private double evaluate(int step) {
            int n = eval.decl("input").dims().n();
            int limit = Math.min(test.size(), trainer.config().evalSamples());
            float[] images = new float[n * test.channels() * test.height() * test.width()];
            float[] labels = new float[n];
            int[] idx = new int[n];
            int correct = 0;
            int seen = 0;
            for (int start = 0; start + n <= limit; start += n) {
                for (int i = 0; i < n; i++) {
                    idx[i] = start + i;
                }
                test.fill(idx, images, labels);
                correct += trainer.runner().run(eval, step, new Batch(n, images, labels)).correct();
                seen += n;
            }
            return (double) correct / seen;
        }
    }

    // ---- fit the budget --------------------------------------------------------------------------------------

    private void fitTheBudget() {
        Network net = network(FIT_NETWORK);
        line("### Fit the budget: " + net.name() + " in " + Bytes.format(FIT_BUDGET));
        line("");
        TrainConfig base = new TrainConfig(net, "baseline", "builtin", 32, FIT_STEPS, 0, FIT_BUDGET, seed, sgd, threads,
                TrainDefaults.EVAL_SAMPLES);
        TrainConfig comp = new TrainConfig(net, CompressedMode.ID, "builtin", 32, FIT_STEPS, 0, FIT_BUDGET, seed, sgd,
                threads, TrainDefaults.EVAL_SAMPLES);
        System.err.printf(Locale.ROOT, "fit the budget: %s in %s%n", net.name(), Bytes.format(FIT_BUDGET));
        int baseBatch = Trainer.largestBatch(base, Modes.get("baseline"), 4096);
        int compBatch = Trainer.largestBatch(comp, Modes.get(CompressedMode.ID), 4096);
        line(String.format(Locale.ROOT, "`Trainer.largestBatch` (what `memscope train --fit-batch` runs; the plan "
                + "includes the held-out evaluation), compressed at the default bound, calibrated on the run's first "
                + "batch: baseline fits batch **%d**, compressed **%d** (%s).", baseBatch, compBatch,
                times((double) compBatch / baseBatch)));
        line("");
        String outcome;
        try {
            Trainer trainer = new Trainer(comp.withBatch(compBatch), Modes.get(CompressedMode.ID), 1 << 16);
            TrainSummary s = trainer.run(TrainListener.NONE);
            outcome = String.format(Locale.ROOT, "The compressed run at batch %d trained %d steps in %s without running "
                    + "out: measured peak %s, planned %s; held-out accuracy %.1f%% after those %d steps.", compBatch,
                    s.steps(), Bytes.format(FIT_BUDGET), Bytes.format(s.peakBytes()), Bytes.format(s.plannedPeakBytes()),
                    100 * s.testAccuracy(), s.steps());
        } catch (TrainingException e) {
            outcome = String.format(Locale.ROOT, "The compressed run at batch %d did **not** stay in %s: %s", compBatch,
                    Bytes.format(FIT_BUDGET), e.getMessage());
        }
        line(outcome);
        line("");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** A network ready to train in one mode on its own CPU device, one step at a time. */
    private final class Device implements AutoCloseable {
        final Planner.Plan plan;
        final DeviceMemory memory;
        final CpuBackend cpu;
        final ProgramRunner runner;
        final long resident;
        private int step;

        Device(Network net, MemoryMode mode, int batch) {
            plan = Planner.plan(net, mode, options(batch), Planner.UNBOUNDED);
            // room for streams larger than planned: the measurement says by how much
            long budget = 2 * plan.peakBytes() + (16L << 20);
            memory = new DeviceMemory(budget, new Trace(new TraceInfo(net.name(), mode.id(), "cpu", batch, budget, null),
                    1 << 12));
            cpu = new CpuBackend(memory, threads);
            runner = new ProgramRunner(net, cpu, sgd, seed);
            runner.setup(plan.program());
            resident = memory.arena().usedBytes();
        }

        /** One step; its wall time in nanoseconds. */
        long step(Batch b) {
            memory.arena().resetPeak();
            long t0 = System.nanoTime();
            runner.run(plan.program(), step++, b);
            return System.nanoTime() - t0;
        }

        long peak() {
            return memory.arena().peakBytes();
        }

        long activation() {
            return peak() - resident;
        }

        @Override
        public void close() {
            cpu.close();
        }
    }

    /** The run's batches in order: the built-in data or a folder, sampled as {@code Trainer} samples them. */
    private final class Feed {
        private final Network net;
        private final int n;
        private final Dataset data;
        private final BatchSampler sampler;

        Feed(Network net, int n, String spec) {
            this.net = net;
            this.n = n;
            data = DataSource.parse(spec).open(net.input().c(), net.input().h(), net.input().w(), net.classes(), seed)
                    .train();
            sampler = new BatchSampler(data.size(), n, seed);
        }

        Batch next() {
            float[] images = new float[n * net.input().elements()];
            float[] labels = new float[n];
            sampler.nextBatch(data, images, labels);
            return new Batch(n, images, labels);
        }
    }

    /** The error-bounded compressor, timed: wall time and bytes of every call since the last reset. */
    private static final class TimedCodec implements FloatCodec {
        private final FloatCodec codec = new SzFloatCodec();
        long compressNanos;
        long decompressNanos;
        long compressedBytes;
        long decompressedBytes;

        @Override
        public byte[] compress(float[] values, int height, int width, double eb) {
            long t0 = System.nanoTime();
            byte[] out = codec.compress(values, height, width, eb);
            compressNanos += System.nanoTime() - t0;
            compressedBytes += 4L * values.length;
            return out;
        }

        @Override
        public void decompress(byte[] stream, float[] values) {
            long t0 = System.nanoTime();
            codec.decompress(stream, values);
            decompressNanos += System.nanoTime() - t0;
            decompressedBytes += 4L * values.length;
        }

        void reset() {
            compressNanos = 0;
            decompressNanos = 0;
            compressedBytes = 0;
            decompressedBytes = 0;
        }
    }

    /** A sample network with average instead of max pooling (LeNet-5 as first published subsamples by averaging). */
    private Network averagePooling(String name) {
        try {
            NetworkSpec spec = NetworkSpec.parse(Files.readString(root.resolve("samples/" + name + ".json"))
                    .replace("\"maxpool2d\"", "\"avgpool2d\""));
            return Network.build(new NetworkSpec(spec.name() + ", average pooling", spec.input(), spec.layers()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A table's header and rule: the leading columns, a right-aligned column per bound, the trailing columns. */
    private void boundsHeader(String head, String rule, String tailHead, String tailRule) {
        line(head + BOUNDS.stream().map(b -> " " + b + " |").collect(java.util.stream.Collectors.joining()) + tailHead);
        line(rule + "---:|".repeat(BOUNDS.size()) + tailRule);
    }

    private static long least(long[] t) {
        return Arrays.stream(t).min().orElseThrow();
    }

    private static String times(double ratio) {
        return String.format(Locale.ROOT, ratio >= 10 ? "%.0f×" : "%.2f×", ratio);
    }

    private static String signed(long bytes) {
        return bytes == 0 ? "0" : (bytes > 0 ? "+" : "−") + Bytes.format(Math.abs(bytes));
    }

}
