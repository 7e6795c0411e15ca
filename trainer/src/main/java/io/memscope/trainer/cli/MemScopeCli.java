package io.memscope.trainer.cli;

import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.backend.DeviceSpec;
import io.memscope.trainer.backend.cuda.Cuda;
import io.memscope.trainer.backend.cuda.CudaException;
import io.memscope.trainer.backend.cuda.CudaSession;
import io.memscope.trainer.backend.cuda.CudaUnavailableException;
import io.memscope.trainer.data.DataException;
import io.memscope.trainer.data.DataSource;
import io.memscope.trainer.export.PerfettoExporter;
import io.memscope.trainer.export.TraceFile;
import io.memscope.trainer.export.TraceFormatException;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.DeviceAllocator;
import io.memscope.trainer.memory.Paging;
import io.memscope.trainer.memory.Steps;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.ModeSetting;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.NetworkSpec;
import io.memscope.trainer.net.Node;
import io.memscope.trainer.net.ReversibleConversion;
import io.memscope.trainer.net.SpecException;
import io.memscope.trainer.net.layers.LayerFields;
import io.memscope.trainer.net.layers.SavedDef;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.plan.FitAdvice;
import io.memscope.trainer.plan.MemoryProfile;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.CompressionRecord;
import io.memscope.trainer.program.Reconstruction;
import io.memscope.trainer.pytorch.Snapshot;
import io.memscope.trainer.pytorch.SnapshotFormatException;
import io.memscope.trainer.pytorch.SnapshotImport;
import io.memscope.trainer.pytorch.SnapshotReader;
import io.memscope.trainer.render.PngExporter;
import io.memscope.trainer.render.StepBoundary;
import io.memscope.trainer.render.SvgExporter;
import io.memscope.trainer.render.TimelineModel;
import io.memscope.trainer.render.Viewport;
import io.memscope.trainer.render.XAxis;
import io.memscope.trainer.train.StepResult;
import io.memscope.trainer.train.TrainConfig;
import io.memscope.trainer.train.TrainDefaults;
import io.memscope.trainer.train.TrainListener;
import io.memscope.trainer.train.TrainSummary;
import io.memscope.trainer.train.Trainer;
import io.memscope.trainer.train.TrainingException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The command line: {@code train}, {@code plan}, {@code export}, {@code import}, {@code convert}, {@code modes},
 * {@code layers}, {@code help}.
 * Errors a user can fix print one clear line and exit 2 (usage) or 1 (the run failed); stack traces only with
 * {@code MEMSCOPE_DEBUG=1}.
 */
public final class MemScopeCli {
    static final String DEFAULT_BUDGET = TrainDefaults.BUDGET;
    /** The most CPU worker threads {@code --threads} accepts. */
    static final int MAX_THREADS = 1024;
    /** The largest batch {@code --fit-batch} tries. */
    static final int MAX_FIT_BATCH = 1 << 16;
    /** The flags (options without a value) {@code train} takes. */
    static final Set<String> TRAIN_FLAGS = Set.of("quiet", "fit-batch", "paged");

    private final PrintStream out;
    private final PrintStream err;

    public MemScopeCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] argv) {
        // netlib announces its BLAS choice on stderr through java.util.logging; the summary line says it instead.
        java.util.logging.Logger.getLogger("dev.ludovic.netlib").setLevel(java.util.logging.Level.WARNING);
        System.exit(new MemScopeCli(System.out, System.err).run(argv));
    }

    /** Runs one command and returns the process exit code. */
    public int run(String... argv) {
        if (argv.length == 0) {
            out.print(HELP);
            return 0;
        }
        String command = argv[0];
        List<String> rest = Arrays.asList(argv).subList(1, argv.length);
        if (rest.contains("--help") || rest.contains("-h")) {
            out.print(HELP);
            return 0;
        }
        try {
            switch (command) {
                case "train" -> train(new Args(rest, TRAIN_FLAGS));
                case "plan" -> plan(new Args(rest, Set.of("max-batch", "program", "paged")));
                case "export" -> export(new Args(rest, Set.of()));
                case "convert" -> convert(new Args(rest, Set.of("force")));
                case "import" -> importSnapshot(new Args(rest, Set.of("force")));
                case "devices" -> printDevices(out, new Args(rest, Set.of()));
                case "modes" -> printModes(out);
                case "layers" -> printLayers(out);
                case "help", "--help", "-h" -> out.print(HELP);
                default -> throw new UsageException("unknown command '" + command + "'; try: train, plan, export, import, convert, devices, modes, layers, help");
            }
            return 0;
        } catch (UsageException e) {
            err.println("memscope: " + e.getMessage());
            return 2;
        } catch (SpecException | DataException | TrainingException | TraceFormatException | SnapshotFormatException
                 | IllegalArgumentException | CudaUnavailableException | CudaException e) {
            String message = e.getMessage();
            if (e instanceof TrainingException t && t.advice() != null) {
                message += "; " + AdviceWords.of(t.advice());
            }
            if (System.getProperty("memscope.launcher") != null) {
                // the ./memscope script sets the heap from MEMSCOPE_HEAP
                message = message.replace("start Java with -Xmx", "run with MEMSCOPE_HEAP=");
            }
            err.println("memscope: " + message);
            debug(e);
            return 1;
        } catch (UncheckedIOException e) {
            err.println("memscope: " + reason(e.getCause()));
            debug(e);
            return 1;
        } catch (OutOfMemoryError e) {
            err.println("memscope: the Java heap is too small for this run; start Java with a larger -Xmx");
            return 1;
        }
    }

    private void debug(Throwable e) {
        if ("1".equals(System.getenv("MEMSCOPE_DEBUG"))) {
            e.printStackTrace(err);
        }
    }

    // ---- train ----------------------------------------------------------------------------------------

    /** What {@code train} runs: the configuration and the configured mode its id names. */
    private record TrainRun(TrainConfig config, MemoryMode mode) {}

    private static TrainRun trainRun(Args a) {
        Network net = loadNetwork(a);
        int batch = a.getInt("batch", TrainDefaults.BATCH, 1, Integer.MAX_VALUE);
        if (a.has("steps") && a.has("epochs")) {
            throw new UsageException("give --steps or --epochs, not both");
        }
        int steps = a.getInt("steps", 0, 1, Integer.MAX_VALUE);
        int epochs = a.getInt("epochs", 0, 1, Integer.MAX_VALUE);
        if (steps == 0 && epochs == 0) {
            steps = TrainDefaults.STEPS;
        }
        MemoryMode mode = mode(a);
        long budget = a.getBytes("budget", DEFAULT_BUDGET);
        TrainConfig cfg = new TrainConfig(net, mode.id(), data(a), batch, steps, epochs, budget,
                a.getLong("seed", TrainDefaults.SEED), optimizer(a), threads(a),
                a.getInt("eval", TrainDefaults.EVAL_SAMPLES, 0, Integer.MAX_VALUE), paging(a, budget),
                device(a).toString());
        return new TrainRun(cfg, mode);
    }

    /**
     * The configuration {@code memscope train ARGS} runs, without running it; {@code trainArgs} are the words after
     * {@code train}, e.g. {@code "lenet5", "--batch", "32"}. Options that only change the output are not checked.
     */
    public static TrainConfig configFor(String... trainArgs) {
        return trainRun(new Args(Arrays.asList(trainArgs), TRAIN_FLAGS)).config();
    }

    private void train(Args a) {
        TrainRun run = trainRun(a);
        TrainConfig cfg = run.config();
        MemoryMode mode = run.mode();
        Network net = cfg.network();
        int batch = cfg.batch();
        String traceOut = a.get("trace", null);
        boolean quiet = a.flag("quiet");
        int logEvery = a.getInt("log-every", 0, 0, Integer.MAX_VALUE);
        boolean fit = a.flag("fit-batch");
        if (fit && a.has("batch")) {
            throw new UsageException("--fit-batch chooses the batch; leave --batch out");
        }
        a.rejectUnknown("train");
        if (cfg.deviceSpec().cuda() && !Cuda.probe().usable()) {
            throw new CudaUnavailableException(Cuda.probe().notice());
        }
        if (fit) {
            int largest = Trainer.largestBatch(cfg, mode, MAX_FIT_BATCH);
            if (largest == 0) {
                throw new TrainingException(net.name() + " in " + mode.id() + " mode does not fit "
                        + Bytes.format(cfg.budgetBytes()) + " even at batch 1; raise --budget");
            }
            out.printf(Locale.ROOT, "fit the budget: batch %d is the largest that %s mode fits in %s%n", largest, mode.id(),
                    Bytes.format(cfg.budgetBytes()));
            cfg = cfg.withBatch(largest);
            batch = largest;
        }
        String layout = mode.layout(net);

        Trainer trainer = new Trainer(cfg, mode);
        out.printf(Locale.ROOT, "%s: %d layers, %,d parameters, %.1f MFLOP/sample; mode %s, batch %d, budget %s%s, %s, data %s%n",
                net.name(), net.nodes().size(), net.parameterCount(), net.flopsPerSample() / 1e6, cfg.mode(), batch,
                Bytes.format(cfg.budgetBytes()), cfg.paging().paged() ? " (" + cfg.paging().describe() + ")" : "",
                cfg.optimizer().describe(), cfg.data());
        out.print(layout);
        out.println("device: " + deviceLine(cfg.deviceSpec(), cfg.threads()));
        TrainSummary summary;
        try {
            summary = trainer.run(new ProgressPrinter(quiet, logEvery));
        } catch (RuntimeException | Error e) {
            // the trace of a failed run is written too; the run's own error is the one reported
            String problem = traceOut == null ? null : writeTrace(trainer, Path.of(traceOut));
            if (problem != null) {
                err.println("memscope: " + problem);
            }
            throw e;
        }
        String traceProblem = traceOut == null ? null : writeTrace(trainer, Path.of(traceOut));
        out.print(reconstructionTable(trainer.reconstruction()));
        out.print(compressionTable(trainer.compression()));
        out.printf(Locale.ROOT, "done: %d steps%s, loss %.4f, train accuracy %.1f%%%s%n", summary.steps(),
                summary.stopped() ? " (stopped)" : "", summary.finalLoss(), 100 * summary.trainAccuracy(),
                Double.isNaN(summary.testAccuracy()) ? ""
                        : String.format(Locale.ROOT, ", test accuracy %.1f%% on %d samples", 100 * summary.testAccuracy(),
                        summary.testSamples()));
        out.printf(Locale.ROOT, "step time %.1f ms (median), peak device memory %s (planned %s) of %s, %,d events%n",
                summary.stepNanos() / 1e6, Bytes.format(summary.peakBytes()), Bytes.format(summary.plannedPeakBytes()),
                Bytes.format(cfg.budgetBytes()), summary.events());
        out.print(hostPeakLine(MemoryProfile.of(trainer.trace().events())));
        if (traceProblem != null) {
            throw new TrainingException(traceProblem);
        }
    }

    /**
     * The reconstruction error of every tensor reversible mode rebuilt, as last measured: one row per rebuilt
     * tensor, top of the network first, so the error can be followed down the chain. Empty for other modes.
     */
    static String reconstructionTable(List<Reconstruction> measured) {
        if (measured.isEmpty()) {
            return "";
        }
        TextTable t = new TextTable("rebuilt tensor", "by the inverse of", "depth", "SNR", "max |x - x'|").right(2, 3, 4);
        for (Reconstruction r : measured) {
            t.add(r.tensor(), r.layer(), String.valueOf(r.depth()), r.snrText(),
                    String.format(Locale.ROOT, "%.2e", r.maxError()));
        }
        Reconstruction worst = measured.stream().min(java.util.Comparator.comparingDouble(Reconstruction::snr))
                .orElseThrow();
        return String.format(Locale.ROOT, "reconstruction error at step %d (SNR = mean(x^2) / mean((x - x')^2), x as "
                + "forward computed it, x' rebuilt from the layer's output):%n", Steps.shown(measured.get(0).step()))
                + t.render()
                + String.format(Locale.ROOT, "lowest SNR %s, %s rebuilt by %s at depth %d%n", worst.snrText(), worst.tensor(),
                worst.layer(), worst.depth());
    }

    /**
     * The activations the last step held compressed: size, stream, ratio and error bound each, then the totals.
     * Empty for modes that compress nothing.
     */
    static String compressionTable(List<CompressionRecord> records) {
        if (records.isEmpty()) {
            return "";
        }
        TextTable t = new TextTable("compressed tensor", "size", "stream", "ratio", "error bound").right(1, 2, 3, 4);
        long raw = 0;
        long kept = 0;
        for (CompressionRecord r : records) {
            t.add(r.tensor(), Bytes.format(r.bytes()), Bytes.format(r.compressedBytes()),
                    String.format(Locale.ROOT, "%.1fx", r.ratio()),
                    r.errorBound() == 0 ? "exact" : String.format(Locale.ROOT, "%.2e", r.errorBound()));
            raw += r.bytes();
            kept += r.compressedBytes();
        }
        return String.format(Locale.ROOT, "activations held compressed at step %d:%n", Steps.shown(records.get(0).step()))
                + t.render() + String.format(Locale.ROOT, "%d tensors: %s held as %s (%.1fx smaller)%n", records.size(),
                Bytes.format(raw), Bytes.format(kept), (double) raw / Math.max(1, kept));
    }

    /** The host-memory peak of a run that swapped tensors out to the host, as a line; empty for one that did not. */
    static String hostPeakLine(MemoryProfile p) {
        return p.hostPeakBytes() == 0 ? "" : String.format(Locale.ROOT,
                "host memory peak %s (copies swapped out of the device, not part of the budget)%n",
                Bytes.format(p.hostPeakBytes()));
    }

    /** What a paged plan's peak is made of, as a line: pages, blocks on them, page rounding; empty when unpaged. */
    static String pagesLine(Planner.Plan plan) {
        if (!plan.paging().paged()) {
            return "";
        }
        DeviceAllocator.Occupancy at = plan.atPeak();
        return String.format(Locale.ROOT, "%s: the peak is %,d resident pages holding %s of blocks (%s of page "
                        + "rounding, %.1f%%)%n", plan.paging().describe(), at.usedBytes() / plan.paging().pageBytes(),
                Bytes.format(at.blockBytes()), Bytes.format(at.wasteBytes()),
                100.0 * at.wasteBytes() / Math.max(1, at.usedBytes()));
    }

    /** Writes the run's trace, when it recorded anything; returns why it could not, or null. */
    private String writeTrace(Trainer trainer, Path file) {
        if (trainer.trace().recorded() == 0) {
            return null;
        }
        try {
            TraceFile.write(file, trainer.trace().info(), trainer.trace().events());
            String dropped = trainer.trace().dropped() > 0
                    ? " (the oldest " + trainer.trace().dropped() + " events did not fit the trace buffer)" : "";
            out.println("trace written to " + file + dropped);
            return null;
        } catch (IOException e) {
            return "could not write the trace to " + file + ": " + reason(e);
        }
    }

    /** What went wrong with a file, in words: the system's reason where it gives one, not just a path. */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f) {
            String why = f.getReason() != null ? f.getReason()
                    : e instanceof java.nio.file.NoSuchFileException ? "no such file or folder"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileAlreadyExistsException ? "a file stands where a folder is needed"
                    : e.getClass().getSimpleName();
            return why + (f.getFile() == null ? "" : " (" + f.getFile() + ")");
        }
        return e.getMessage();
    }

    /** Prints a line every few steps (about twenty lines a run, or every {@code --log-every} steps). */
    private final class ProgressPrinter implements TrainListener {
        private final boolean quiet;
        private final int every;

        ProgressPrinter(boolean quiet, int every) {
            this.quiet = quiet;
            this.every = every;
        }

        @Override
        public void onStep(StepResult r) {
            int interval = every > 0 ? every : Math.max(1, r.totalSteps() / 20);
            if (quiet || ((r.step() + 1) % interval != 0 && r.step() + 1 != r.totalSteps() && r.step() != 0)) {
                return;
            }
            int width = 20;
            int filled = (int) ((long) width * (r.step() + 1) / r.totalSteps());
            out.printf(Locale.ROOT, "[%s%s] step %d/%d  epoch %d  loss %.4f  acc %5.1f%%  %.1f ms/step  peak %s%n",
                    "#".repeat(filled), ".".repeat(width - filled), r.step() + 1, r.totalSteps(), r.epoch() + 1,
                    r.loss(), 100 * r.accuracy(), r.stepNanos() / 1e6, Bytes.format(r.peakBytes()));
        }

        @Override
        public void onNote(String text) {
            out.print(text.endsWith("\n") ? text : text + "\n");
        }

        @Override
        public void onEval(double accuracy, int samples) {
            if (!quiet) {
                out.printf(Locale.ROOT, "held-out accuracy %.1f%% on %d samples%n", 100 * accuracy, samples);
            }
        }
    }

    // ---- convert --------------------------------------------------------------------------------------

    /**
     * {@code convert NETWORK.json [--out OUT.json] [--force]}: the reversible counterpart of a residual network
     * (ReversibleConversion), written atomically next to it as NAME_reversible.json unless --out says where; an
     * existing file is replaced only with --force.
     */
    private void convert(Args a) {
        if (a.positional().size() != 1) {
            throw new UsageException("name one network file to convert (e.g. samples/resnet18_cifar.json)");
        }
        Path in = resolveNetwork(a.positional().get(0));
        String outName = a.get("out", null);
        boolean force = a.flag("force");
        a.rejectUnknown("convert");
        NetworkSpec spec = NetworkSpec.load(in);
        ReversibleConversion.Result r;
        try {
            r = ReversibleConversion.convert(spec);
        } catch (SpecException e) {
            throw e.inFile(in.toString());
        }
        Path target = outName != null ? Path.of(outName) : in.resolveSibling(stem(in) + "_reversible.json");
        if (Files.isDirectory(target)) {
            throw new UsageException("--out " + target + " is a folder; name the file to write, e.g. " + target.resolve(
                    stem(in) + "_reversible.json"));
        }
        if (Files.exists(target) && !force) {
            throw new UsageException(target + " exists; name another file with --out, or add --force to replace it");
        }
        out.println(spec.name() + " -> " + r.network().name() + ":");
        r.changes().forEach(c -> out.println("  changed: " + c));
        r.kept().forEach(k -> out.println("  " + k));
        try {
            r.network().save(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Network net = Network.build(r.network());
        out.printf(Locale.ROOT, "wrote %s: %d layers, %,d parameters (%s had %,d); plan it with: memscope plan %s --mode "
                + "reversible%n", target, net.nodes().size(), net.parameterCount(), in.getFileName(),
                Network.build(spec).parameterCount(), target);
    }

    // ---- import -----------------------------------------------------------------------------------------

    /**
     * {@code import SNAPSHOT.pickle [--out TRACE.json] [--device N] [--force]}: a PyTorch memory snapshot
     * ({@code torch.cuda.memory._dump_snapshot()}) as a MemScope trace, written atomically beside it as
     * SNAPSHOT.json unless --out says where; one device per trace (the busiest unless --device says which).
     */
    private void importSnapshot(Args a) {
        if (a.positional().size() != 1) {
            throw new UsageException("usage: memscope import SNAPSHOT.pickle [--out TRACE.json] [--device N] [--force]");
        }
        Path in = Path.of(a.positional().get(0));
        String outName = a.get("out", null);
        boolean force = a.flag("force");
        boolean chosen = a.has("device");
        int device = a.getInt("device", 0, 0, Integer.MAX_VALUE);
        a.rejectUnknown("import");
        if (!Files.isRegularFile(in)) {
            throw new UsageException(in + ": no such snapshot file");
        }
        String name = in.getFileName().toString().replaceFirst("\\.(pickle|pkl)(\\.gz)?$", "");
        Path target = outName != null ? Path.of(outName) : in.resolveSibling(name + ".json");
        if (Files.isDirectory(target)) {
            throw new UsageException("--out " + target + " is a folder; name the file to write, e.g. "
                    + target.resolve(name + ".json"));
        }
        if (Files.exists(target) && !force) {
            throw new UsageException(target + " exists; name another file with --out, or add --force to replace it");
        }
        try {
            Snapshot snapshot = SnapshotReader.read(in);
            SnapshotImport.Result r = chosen ? SnapshotImport.of(snapshot, device) : SnapshotImport.of(snapshot);
            out.println(in + ": PyTorch memory snapshot");
            for (String line : r.summary().lines()) {
                out.println("  " + line);
            }
            if (!r.summary().otherDevices().isEmpty()) {
                out.println("  (one device per trace: import another with --device "
                        + r.summary().otherDevices().get(0).device() + ")");
            }
            TraceFile.write(target, r.info(), r.events(), r.details());
            out.printf(Locale.ROOT, "wrote %s (%,d events); draw it with: memscope export %s --png %s%n", target,
                    r.events().size(), target, name + ".png");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
    }

    // ---- plan -----------------------------------------------------------------------------------------

    private void plan(Args a) {
        Network net = loadNetwork(a);
        int batch = a.getInt("batch", TrainDefaults.BATCH, 1, Integer.MAX_VALUE);
        MemoryMode mode = mode(a);
        long budget = a.getBytes("budget", DEFAULT_BUDGET);
        Paging paging = paging(a, budget);
        DeviceSpec device = device(a);
        String pagingProblem = TrainConfig.pagingProblem(paging, device);
        if (pagingProblem != null) {
            throw new UsageException(pagingProblem);
        }
        int threads = threads(a);
        int eval = a.getInt("eval", TrainDefaults.EVAL_SAMPLES, 0, Integer.MAX_VALUE);
        boolean maxBatch = a.flag("max-batch");
        boolean listing = a.flag("program");
        a.rejectUnknown("plan");
        try (CudaSession session = device.cuda() ? Cuda.open(device.ordinal()) : null) {
            plan(net, batch, mode, budget, device, session, new CompileOptions(batch, optimizer(a), session == null
                    ? CpuBackend.workspaceModel(threads) : Trainer.leastWorkspace(session), eval, paging), maxBatch,
                    listing);
        }
    }

    private void plan(Network net, int batch, MemoryMode mode, long budget, DeviceSpec device, CudaSession session,
                      CompileOptions options, boolean maxBatch, boolean listing) {
        StringBuilder chosen = new StringBuilder();
        mode = mode.fitTo(net, options, budget, chosen::append);
        if (session != null) {
            options = Trainer.withCudaWorkspace(session, net, mode, options, budget);
        }
        String layout = mode.layout(net);
        Planner.Plan plan = Planner.plan(net, mode, options, budget);
        MemoryProfile p = plan.profile();
        out.printf(Locale.ROOT, "%s, mode %s, batch %d, budget %s%s, %s (planned on the meta backend for %s)%n%n",
                net.name(), mode.id(), batch, Bytes.format(budget), options.paging().paged()
                        ? " (" + options.paging().describe() + ")" : "", options.evalBatch() == 0 ? "no evaluation"
                        : "then evaluation in batches of " + options.evalBatch(), session == null ? "the CPU"
                        : session.device().id() + "'s cuDNN workspaces");
        if (chosen.length() > 0) {
            out.println(chosen);
        }
        if (!layout.isEmpty()) {
            out.println(layout);
        }
        out.print(layerTable(net, batch, p).render());
        out.println();
        TextTable cats = new TextTable("category", "at peak", "largest").right(1, 2);
        for (Category c : Category.values()) {
            long at = p.atPeak(c);
            long most = p.maxByCategory().getOrDefault(c, 0L);
            if (most > 0) {
                cats.add(c.name().toLowerCase(Locale.ROOT), Bytes.format(at), Bytes.format(most));
            }
        }
        out.print(cats.render());
        out.println();
        if (p.evalPeakBytes() > 0) {
            out.printf(Locale.ROOT, "training step peak %s, evaluation peak %s%n", Bytes.format(p.trainingPeakBytes()),
                    Bytes.format(p.evalPeakBytes()));
        }
        out.printf(Locale.ROOT, "peak %s (%,d bytes) of %s budget: %s%n", Bytes.format(plan.peakBytes()),
                plan.peakBytes(), Bytes.format(budget), plan.fits() ? "fits" : "does NOT fit — " + plan.oom().getMessage());
        out.print(pagesLine(plan));
        out.print(hostPeakLine(p));
        if (!plan.fits()) {
            out.println(AdviceWords.of(FitAdvice.of(net, mode, options, budget, plan)));
        }
        String cpu = device.cuda() ? null : CpuBackend.deviceProblem(budget, options.paging());
        if (maxBatch) {
            int max = Planner.maxBatch(net, mode, options, budget, 1 << 20);
            out.println(max == 0 ? "not even batch 1 fits " + Bytes.format(budget)
                    : "largest batch that fits " + Bytes.format(budget) + ": " + max);
        }
        if (listing) {
            out.println();
            out.print(plan.program().listing());
            if (plan.eval() != null) {
                out.println();
                out.print(plan.eval().listing());
            }
        }
        if (cpu != null) {
            throw new TrainingException("the plan is for a " + Bytes.format(budget) + " device, but the CPU backend "
                    + "cannot run it: " + cpu);
        }
    }

    private static TextTable layerTable(Network net, int batch, MemoryProfile profile) {
        TextTable t = new TextTable("layer", "type", "output", "params", "MFLOP", "activation", "saved", "peak fwd",
                "peak bwd").right(3, 4, 5, 6, 7, 8);
        Map<String, MemoryProfile.LayerPeak> peaks = new java.util.HashMap<>();
        profile.layers().forEach(lp -> peaks.put(lp.layer(), lp));
        for (Node n : net.nodes()) {
            var l = n.layer();
            long params = l.params().stream().filter(pd -> pd.trainable()).mapToLong(pd -> pd.dims().elements()).sum();
            long act = l.isView() ? 0 : l.outShape().batch(batch).bytes();
            long saved = l.saved(batch).stream().mapToLong(SavedDef::bytes).sum();
            MemoryProfile.LayerPeak lp = peaks.get(l.name());
            t.add(l.name(), l.type(), l.outShape(), String.format(Locale.ROOT, "%,d", params),
                    String.format(Locale.ROOT, "%.2f", l.flopsPerSample() * (double) batch / 1e6),
                    l.isView() ? "view" : Bytes.format(act), saved == 0 ? "-" : Bytes.format(saved),
                    lp == null ? "-" : Bytes.format(lp.forwardPeak()),
                    lp == null || lp.backwardPeak() == 0 ? "-" : Bytes.format(lp.backwardPeak()));
        }
        return t;
    }

    // ---- export ---------------------------------------------------------------------------------------

    private void export(Args a) {
        if (a.positional().size() != 1) {
            throw new UsageException("usage: memscope export TRACE.json [--perfetto OUT.json] [--png OUT.png] "
                    + "[--svg OUT.svg] [--width 1920 --height 1080] [--axis time|events] [--steps A-B]");
        }
        Path in = Path.of(a.positional().get(0));
        String perfetto = a.get("perfetto", null);
        String png = a.get("png", null);
        String svg = a.get("svg", null);
        int width = a.getInt("width", 1920, PngExporter.MIN_SIZE, PngExporter.MAX_SIZE);
        int height = a.getInt("height", 1080, PngExporter.MIN_SIZE, PngExporter.MAX_SIZE);
        String axis = a.get("axis", null);
        String steps = a.get("steps", null);
        a.rejectUnknown("export");
        if (perfetto == null && png == null && svg == null) {
            throw new UsageException("say what to export: --perfetto OUT.json, --png OUT.png and/or --svg OUT.svg");
        }
        if (!Files.isRegularFile(in)) {
            throw new UsageException(in + ": no such trace file");
        }
        XAxis given = axis == null ? null : switch (axis) {
            case "time" -> XAxis.TIME_NS;
            case "events" -> XAxis.EVENT_INDEX;
            default -> throw new UsageException("--axis is time or events, got '" + axis + "'");
        };
        if (steps != null && png == null && svg == null) {
            throw new UsageException("--steps chooses the range of a picture: add --png OUT.png or --svg OUT.svg");
        }
        try {
            TraceFile.LoadedTrace t = TraceFile.read(in);
            // a trace without a clock (a PyTorch snapshot before 2.2) counts trace entries where others count time
            XAxis xAxis = given == XAxis.EVENT_INDEX ? given : t.info().hasClock() ? XAxis.TIME_NS : XAxis.ENTRY_ORDER;
            // the picture's range is checked before anything is written, so a bad --steps writes nothing
            TimelineModel model = png == null && svg == null ? null : TimelineModel.of(t.info(), t.events(), xAxis);
            Viewport viewport = model == null ? null : viewport(model, steps);
            if (perfetto != null) {
                PerfettoExporter.export(Path.of(perfetto), t.info(), t.events());
                out.println("wrote " + perfetto + " (" + t.events().size() + " events); open it at https://ui.perfetto.dev");
            }
            if (model != null) {
                if (png != null) {
                    PngExporter.export(Path.of(png), model, width, height, viewport);
                    out.println("wrote " + png + " (" + width + "x" + height + ")");
                }
                if (svg != null) {
                    SvgExporter.export(Path.of(svg), model, width, height, viewport);
                    out.println("wrote " + svg + " (" + width + "x" + height + ")");
                }
            }
            out.print(hostPeakLine(MemoryProfile.of(t.events())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole trace, or the span of steps A to B (inclusive, numbered from 1) written as {@code A-B} or {@code A}. */
    private static Viewport viewport(TimelineModel model, String steps) {
        if (steps == null) {
            return Viewport.of(model);
        }
        String[] parts = steps.split("-", 2);
        int from;
        int to;
        try {
            from = Integer.parseInt(parts[0].trim());
            to = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : from;
        } catch (NumberFormatException e) {
            throw new UsageException("--steps takes A-B or A (step numbers from 1), got '" + steps + "'");
        }
        from = Steps.ofShown(from);
        to = Steps.ofShown(to);
        long x0 = Long.MIN_VALUE;
        long x1 = model.xMax();
        for (StepBoundary b : model.steps()) {
            if (b.step() == from) {
                x0 = b.x();
            } else if (b.step() == to + 1) {
                x1 = b.x();
            }
        }
        if (x0 == Long.MIN_VALUE || to < from) {
            throw new UsageException("the trace has no steps " + steps + " (it has steps 1 to " + model.steps().size() + ")");
        }
        return new Viewport(x0, x1);
    }

    // ---- shared ---------------------------------------------------------------------------------------

    /**
     * The mode {@code --mode} names, configured with the settings flags it takes ({@code --bands 8}). A setting
     * of another mode is refused rather than ignored: the user meant it to change something.
     */
    private static MemoryMode mode(Args a) {
        MemoryMode mode;
        try {
            mode = Modes.get(a.get("mode", TrainDefaults.MODE));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--mode: " + e.getMessage());
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (MemoryMode m : Modes.all()) {
            for (String key : m.settingKeys()) {
                if (!a.has(key) || settings.containsKey("--" + key)) {
                    continue;
                }
                if (!mode.settingKeys().contains(key)) {
                    List<String> owners = Modes.all().stream().filter(o -> o.settingKeys().contains(key))
                            .map(MemoryMode::id).toList();
                    throw new UsageException("--" + key + " is a setting of the " + String.join(" and the ", owners)
                            + " mode, not of " + mode.id() + "; add --mode " + owners.get(0) + " or leave --" + key
                            + " out");
                }
                settings.put("--" + key, a.get(key, null));
            }
        }
        try {
            return settings.isEmpty() ? mode : Modes.get(mode.id(), settings);
        } catch (IllegalArgumentException e) {
            // the settings alone are wrong (a band count of 0, an unknown halo), whatever the network
            throw new UsageException(e.getMessage());
        }
    }

    /** {@code --data}, checked as written (the files are read when training starts). */
    private static String data(Args a) {
        String spec = a.get("data", TrainDefaults.DATA);
        try {
            DataSource.parse(spec);
        } catch (DataException e) {
            throw new UsageException("--data: " + e.getMessage());
        }
        return spec;
    }

    /**
     * The device's allocator: {@code --paged} (pages of {@link Paging#DEFAULT_PAGE_BYTES}) or {@code --page-size
     * SIZE} (paged, pages of that size); the classic arena without either.
     */
    private static Paging paging(Args a, long budget) {
        boolean paged = a.flag("paged");
        if (!a.has("page-size") && !paged) {
            return Paging.NONE;
        }
        String flag = a.has("page-size") ? "--page-size" : "--paged";
        try {
            Paging p = a.has("page-size") ? new Paging(a.getBytes("page-size", null)) : Paging.pages();
            p.checkBudget(budget);
            return p;
        } catch (IllegalArgumentException e) {
            throw new UsageException(flag + ": " + e.getMessage());
        }
    }

    /** {@code --device cpu|cuda|cuda:N}. */
    private static DeviceSpec device(Args a) {
        try {
            return DeviceSpec.parse(a.get("device", TrainDefaults.DEVICE));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--device: " + e.getMessage());
        }
    }

    /** What a run computes on, as train's header line says it. */
    static String deviceLine(DeviceSpec device, int threads) {
        if (!device.cuda()) {
            return String.format(Locale.ROOT, "cpu, %d threads, %s", threads, CpuBackend.blasName());
        }
        Cuda.Probe probe = Cuda.probe();
        if (!probe.usable() || device.ordinal() >= probe.devices().size()) {
            return device + " (not available here)";
        }
        return probe.devices().get(device.ordinal()).describe() + ", CUDA driver "
                + Cuda.Probe.cudaVersion(probe.driverVersion()) + ", cuDNN " + Cuda.Probe.cudnnVersion(probe.cudnnVersion());
    }

    /**
     * {@code devices}: the CPU backend, then each CUDA device with its compute capability and memory, or the one
     * line saying why there is none.
     */
    static void printDevices(PrintStream out, Args a) {
        a.rejectUnknown("devices");
        out.println("cpu     " + deviceLine(DeviceSpec.CPU, TrainDefaults.threads()) + "; simulates a device of the "
                + "budget's size in the Java heap");
        Cuda.Probe probe = Cuda.probe();
        for (var d : probe.devices()) {
            out.println(d.describe());
        }
        if (probe.driverVersion() > 0) {
            out.println("CUDA driver " + Cuda.Probe.cudaVersion(probe.driverVersion()) + (probe.cudnnVersion() > 0
                    ? ", cuDNN " + Cuda.Probe.cudnnVersion(probe.cudnnVersion()) : ""));
        }
        out.println(probe.usable() ? "train or plan on one with --device cuda:N" : "cuda: " + probe.notice());
    }

    /** Worker threads of the CPU backend; more than a machine could use is a typo. */
    private static int threads(Args a) {
        return a.getInt("threads", TrainDefaults.threads(), 1, MAX_THREADS);
    }

    private static Network loadNetwork(Args a) {
        if (a.positional().isEmpty()) {
            // "train --fast net.json": an unknown option took the file as its value
            String swallowed = a.optionTakingFile();
            if (swallowed != null) {
                throw new UsageException(swallowed + " is not an option here, so it took the network file as its "
                        + "value; put the network first or leave " + swallowed.substring(0, swallowed.indexOf(' '))
                        + " out (see --help)");
            }
        }
        if (a.positional().size() != 1) {
            throw new UsageException("name one network file (e.g. samples/lenet5.json)");
        }
        return Network.load(resolveNetwork(a.positional().get(0)));
    }

    /** A path as given, or the name of a bundled sample ({@code lenet5} → {@code samples/lenet5.json}). */
    static Path resolveNetwork(String arg) {
        Path p = Path.of(arg);
        if (Files.exists(p)) {
            return p;
        }
        String file = arg.endsWith(".json") ? arg : arg + ".json";
        for (String root : new String[] {".", System.getProperty("memscope.root", ".")}) {
            Path sample = Path.of(root, "samples", file);
            if (Files.exists(sample)) {
                return sample;
            }
        }
        return p;
    }

    private static Optimizer optimizer(Args a) {
        String name = a.get("optimizer", TrainDefaults.OPTIMIZER);
        double lr = a.getPositive("lr", TrainDefaults.learningRate(name));
        double momentum = a.getDouble("momentum", TrainDefaults.MOMENTUM, 0, 1);
        double weightDecay = a.getDouble("weight-decay", TrainDefaults.WEIGHT_DECAY, 0, Double.POSITIVE_INFINITY);
        try {
            return Optimizer.of(name, lr, momentum, weightDecay);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--optimizer: " + e.getMessage());
        }
    }

    static final String HELP = """
            MemScope: memory-efficient CNN training, with every device allocation recorded.

            usage: memscope <command> [options]

              train NETWORK.json   train and print progress (on the CPU backend unless --device says otherwise)
                  --mode baseline         memory mode ('memscope modes' lists them); row-centric takes:
                      --halo overlap|two-phase  --bands N|rows:R  --bwd-bands N|rows:R (backward only)
                      --cuts downsampling|none  --layer-bands LAYER=SPEC[,LAYER=SPEC] (SPEC: N, rows:R, FWD/BWD)
                      reversible rebuilds the inputs of invertible layers (coupling, space_to_depth,
                      inv_batchnorm2d, leaky_relu) from their outputs and prints the reconstruction error
                      compressed holds kept activations compressed within an error bound (COMET) and takes:
                      --eb 1e-3|rel:1e-3|adaptive[:0.01]  --reestimate 50 (steps between adaptive estimates)
                      checkpoint keeps one activation per segment and recomputes the rest in backward and takes:
                      --segments auto|N       (auto: every ceil(sqrt n)-th of the n places one tensor crosses)
                  --data builtin          builtin | mnist:DIR | cifar10:DIR
                  --batch 64              samples per step
                  --steps 400 | --epochs N
                  --budget 512MiB         device-memory budget (the arena's size)
                  --paged                 map tensors onto 2 MiB pages of the budget (virtual addressing: no
                                          fragmentation, some page rounding); --page-size 64KiB sets the page
                  --optimizer sgd|adam    --lr 0.01 (adam: 0.001)  --momentum 0.9  --weight-decay 5e-4
                  --device cpu            cpu | cuda | cuda:N ('memscope devices' lists them; CUDA needs the
                                          NVIDIA driver and cuDNN 9, see docs/CUDA.md)
                  --seed 1                --threads N   --eval 1000 (held-out samples; 0 = none)
                                          (the plan before training covers the evaluation too)
                  --fit-batch             the largest batch the mode fits in --budget (instead of --batch)
                  --trace out.json        write the MemScope trace (also when the run fails)
                  --log-every N           --quiet
              plan NETWORK.json    predict memory on the meta backend, per layer and per category
                  --batch 64  --mode baseline (and its settings, as for train)  --budget 512MiB
                  --paged | --page-size 64KiB   plan on a paged device, as for train
                  --optimizer sgd|adam    --eval 1000 (held-out samples evaluated after training; 0 = none)
                  --device cpu            plan for this device's workspaces (cuda: cuDNN's algorithms)
                  --max-batch             also find the largest batch that fits the budget
                  --program               print the compiled step program
              export TRACE.json    --perfetto OUT.json   Chrome/Perfetto trace (open at https://ui.perfetto.dev)
                  --png OUT.png [--width 1920 --height 1080] [--axis time|events] [--steps A-B]
                                          the memory timeline picture, rendered without a display
                                          (a trace without a clock counts trace entries for time)
                  --svg OUT.svg           the same picture as SVG (vector graphics, for papers); it takes
                                          the same options, and --png and --svg may be given together
                                          (steps are numbered from 1, as in train's progress)
              import SNAPSHOT.pickle  a PyTorch memory snapshot (torch.cuda.memory._dump_snapshot(), PyTorch
                                   2.0 to 2.11) as a MemScope trace: allocations as tensor lifetimes, segments
                                   as reserved memory, OOMs, each event's stack and stream; categories guessed
                                   from the stacks (docs/PYTORCH_IMPORT.md). The file is only read as data:
                                   a pickle that would run code is refused
                  --out TRACE.json        where to write it (default SNAPSHOT.json beside it)
                  --device N              which device (default: the one with the most trace entries)
                  --force                 replace TRACE.json if it exists
              convert NETWORK.json the reversible counterpart of a residual network: blocks that keep their
                                   shape become coupling blocks, batch norms and ReLUs whose inputs can then
                                   be rebuilt become invertible; what cannot convert is kept and said why
                  --out OUT.json          where to write it (default NETWORK_reversible.json beside it)
                  --force                 replace OUT.json if it exists
              devices              list the devices: the CPU, and each CUDA device or why there is none
              modes                list the memory modes
              layers               list the layer types a network file may use

            NETWORK.json may also name a bundled sample: lenet5, vgg_small, resnet18_cifar, vgg16, revnet38,
            invertible_cifar.
            """;

    /** Each mode with its settings (the flags of train and plan), their values and defaults. */
    private static void printModes(PrintStream out) {
        for (MemoryMode m : Modes.all()) {
            out.printf("%-12s %s%n", m.id(), m.description());
            for (ModeSetting st : m.settings()) {
                String values = st.choices().isEmpty() ? "" : " (" + String.join(" | ", st.choices()) + ")";
                out.printf("  --%-12s %s%s; default %s%n", st.key(), st.help(), values, st.defaultValue());
            }
        }
    }

    /** Each layer type a network file may use, with its fields and their defaults. */
    private static void printLayers(PrintStream out) {
        for (LayerFields.Type t : LayerFields.all()) {
            out.printf("%-22s %s%n", t.name(), t.description());
            for (LayerFields.Field f : t.fields()) {
                out.printf("  %-16s %s (%s)%n", f.key(), f.help(), f.required() ? "required" : "default " + f.defaultText());
            }
        }
    }

}
