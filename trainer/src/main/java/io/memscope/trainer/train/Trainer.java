package io.memscope.trainer.train;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.backend.DeviceSpec;
import io.memscope.trainer.backend.WorkspaceModel;
import io.memscope.trainer.backend.cuda.Cuda;
import io.memscope.trainer.backend.cuda.CudaBackend;
import io.memscope.trainer.backend.cuda.CudaException;
import io.memscope.trainer.backend.cuda.CudaSession;
import io.memscope.trainer.backend.cuda.CudaUnavailableException;
import io.memscope.trainer.backend.cuda.CudaWorkspaceModel;
import io.memscope.trainer.data.BatchSampler;
import io.memscope.trainer.data.DataSource;
import io.memscope.trainer.data.DataSplit;
import io.memscope.trainer.data.Dataset;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.OutOfDeviceMemoryException;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.layers.Pass;
import io.memscope.trainer.plan.FitAdvice;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.Batch;
import io.memscope.trainer.program.CompressionRecord;
import io.memscope.trainer.program.Instruction;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.Reconstruction;
import io.memscope.trainer.program.StepOutcome;
import io.memscope.trainer.program.StepProgram;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs training: opens the data, plans the step and refuses up front when it cannot fit, then runs the
 * compiled program step by step on the CPU backend or a CUDA device ({@link TrainConfig#device()}), recording
 * every allocation into the trace.
 */
public final class Trainer {
    private final TrainConfig config;
    private final MemoryMode mode;
    private final Trace trace;
    private volatile boolean stopRequested;
    private final Object gate = new Object();
    private boolean paused;
    private int stepsGranted;
    /** Steps between measurements of reversible mode's reconstruction error (also the first and last step). */
    public static final int RECONSTRUCTION_EVERY = 50;

    private volatile ProgramRunner runner;
    private volatile List<Reconstruction> reconstruction = List.of();
    private volatile List<CompressionRecord> compression = List.of();

    /** A run in the mode {@code config.mode()} names, with that mode's default settings. */
    public Trainer(TrainConfig config) {
        this(config, Trace.DEFAULT_CAPACITY);
    }

    public Trainer(TrainConfig config, int traceCapacity) {
        this(config, Modes.get(config.mode()), traceCapacity);
    }

    /** A run in a configured mode, e.g. {@code Modes.get("row-centric", settings)}; its id is {@code config.mode()}. */
    public Trainer(TrainConfig config, MemoryMode mode) {
        this(config, mode, Trace.DEFAULT_CAPACITY);
    }

    public Trainer(TrainConfig config, MemoryMode mode, int traceCapacity) {
        if (!mode.id().equals(config.mode())) {
            throw new IllegalArgumentException("the run is configured for mode " + config.mode() + ", but was given "
                    + "the " + mode.id() + " mode");
        }
        this.config = config;
        this.mode = mode;
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("optimizer", config.optimizer().describe());
        extra.put("data", config.data());
        extra.put("seed", Long.toString(config.seed()));
        if (config.paging().paged()) {
            extra.put(TraceInfo.PAGE_BYTES, Long.toString(config.paging().pageBytes()));
        }
        this.trace = new Trace(new TraceInfo(config.network().name(), mode.id(), config.device(), config.batch(),
                config.budgetBytes(), extra), traceCapacity);
    }

    public TrainConfig config() {
        return config;
    }

    public Trace trace() {
        return trace;
    }

    /** The reconstruction error last measured (reversible mode), top of the network first; empty otherwise. */
    public List<Reconstruction> reconstruction() {
        return reconstruction;
    }

    /** The tensors the last step compressed (compressed mode), with sizes and bounds; empty otherwise. */
    public List<CompressionRecord> compression() {
        return compression;
    }

    /** The runner of the run in progress (its parameters), or null before set-up. */
    public ProgramRunner runner() {
        return runner;
    }

    /** Asks the run to stop after the step in progress (a paused run stops at once). Safe from any thread. */
    public void requestStop() {
        stopRequested = true;
        synchronized (gate) {
            gate.notifyAll();
        }
    }

    /** Holds the run before its next step until {@link #resume()} or {@link #stepOnce()}. Safe from any thread. */
    public void pause() {
        synchronized (gate) {
            paused = true;
        }
    }

    public void resume() {
        synchronized (gate) {
            paused = false;
            gate.notifyAll();
        }
    }

    /** While paused, lets exactly one more step run. */
    public void stepOnce() {
        synchronized (gate) {
            stepsGranted++;
            gate.notifyAll();
        }
    }

    public boolean isPaused() {
        synchronized (gate) {
            return paused;
        }
    }

    /** Blocks while paused; returns false when the run should stop instead. */
    private boolean awaitTurn() {
        synchronized (gate) {
            while (paused && stepsGranted == 0 && !stopRequested) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopRequested = true;
                }
            }
            if (paused && stepsGranted > 0) {
                stepsGranted--;
            }
            return !stopRequested;
        }
    }

    public TrainSummary run(TrainListener listener) {
        Network net = config.network();
        DataSplit data = DataSource.parse(config.data()).open(net.input().c(), net.input().h(), net.input().w(),
                net.classes(), config.seed());
        DataSource.checkFits(data.train(), net.input().c(), net.input().h(), net.input().w(), net.classes());

        // The plan covers the whole run: the training step and the held-out evaluation it ends with.
        int heldOut = config.evalSamples() == 0 ? 0 : Math.min(config.evalSamples(), data.test().size());
        CudaSession session;
        try {
            session = openDevice(config);
        } catch (CudaUnavailableException e) {
            throw new TrainingException(e.getMessage(), e);
        }
        try {
            long budget = budgetOn(session, listener);
            CompileOptions options = new CompileOptions(config.batch(), config.optimizer(), leastWorkspace(config, session),
                    heldOut, config.paging());
            MemoryMode calibrated = calibrate(config, mode, net, options, data.train(), listener);
            MemoryMode mode;
            try {
                mode = calibrated.fitTo(net, options, budget, listener::onNote);
            } catch (io.memscope.trainer.modes.BudgetTooSmallException e) {
                throw new TrainingException(e.getMessage(), null, e);
            } catch (IllegalArgumentException e) {
                Planner.Plan asIs = Planner.plan(net, calibrated, options, budget);
                throw new TrainingException(e.getMessage(), asIs.fits() ? null
                        : FitAdvice.of(net, calibrated, options, budget, asIs), e);
            }
            if (session != null) {
                options = withCudaWorkspace(session, net, mode, options, budget);
            }
            Planner.Plan plan = Planner.plan(net, mode, options, budget);
            if (!plan.fits()) {
                FitAdvice advice = FitAdvice.of(net, mode, options, budget, plan);
                throw new TrainingException(net.name() + " at batch " + config.batch() + " in " + mode.id() + " mode does "
                        + "not fit: " + advice.facts() + " (" + plan.oom().getMessage() + ")", advice, plan, plan.oom());
            }

            DeviceMemory memory = new DeviceMemory(budget, trace, config.paging());
            Backend backend = session == null ? new CpuBackend(memory, config.threads())
                    : new CudaBackend(session, memory, (CudaWorkspaceModel) options.workspace());
            session = null; // the backend owns it now
            try (backend) {
                runner = new ProgramRunner(net, backend, config.optimizer(), config.seed());
                runner.setup(plan.program());
                long resident = memory.arena().usedBytes();
                listener.onStart(this);
                return loop(plan, data, listener, backend, resident);
            } catch (OutOfDeviceMemoryException e) {
                // The plan said it fits; a run that still runs out is reported with the same advice.
                throw new TrainingException(net.name() + ": " + e.getMessage(),
                        FitAdvice.of(net, mode, options, budget, plan), e);
            }
        } catch (CudaException e) {
            throw new TrainingException(config.device() + ": " + e.getMessage(), e);
        } finally {
            if (session != null) {
                session.close();
            }
        }
    }

    /** The CUDA device the run asked for, opened (or the notice saying why it cannot be), or null for the CPU. */
    private static CudaSession openDevice(TrainConfig config) {
        DeviceSpec device = config.deviceSpec();
        return device.cuda() ? Cuda.open(device.ordinal()) : null;
    }

    /**
     * The run's budget: the one asked for, or on a CUDA device that cannot give it, the most it can (said in a
     * note, and on the trace). The trace records the device and the memory its session took outside the arena.
     */
    private long budgetOn(CudaSession session, TrainListener listener) {
        long budget = config.budgetBytes();
        if (session == null) {
            return budget;
        }
        trace.addInfo("device", session.device().describe());
        trace.addInfo("outside-arena", session.outsideArena());
        long largest = session.largestArenaBytes();
        if (budget > largest) {
            listener.onNote("budget capped at " + Bytes.format(largest) + ": " + session.budgetProblem(budget));
            budget = largest;
            trace.setBudget(budget);
        }
        return budget;
    }

    /** The workspace model to fit and calibrate with: the CPU's formula, or on CUDA each pass's least workspace. */
    private static WorkspaceModel leastWorkspace(TrainConfig config, CudaSession session) {
        return session == null ? CpuBackend.workspaceModel(config.threads()) : leastWorkspace(session);
    }

    /** A CUDA device's model with every convolution pass on the algorithm that needs the least workspace. */
    public static CudaWorkspaceModel leastWorkspace(CudaSession session) {
        return new CudaWorkspaceModel(session.cudnn(), session::makeCurrent, 0);
    }

    /**
     * The options for a CUDA run of a mode already fitted to the budget: the workspace cuDNN's algorithms may take
     * is what the step, planned with the least workspace, leaves of the budget ({@link CudaWorkspaceModel#underBudget}).
     */
    public static CompileOptions withCudaWorkspace(CudaSession session, Network net, MemoryMode fitted,
                                                   CompileOptions options, long budget) {
        CompileOptions least = options.withWorkspace(leastWorkspace(session));
        return options.withWorkspace(session.workspaceModel(budget, m -> {
            Planner.Plan p = Planner.plan(net, fitted, least.withWorkspace(m), budget);
            return p.fits() ? p.peakBytes() : Long.MAX_VALUE;
        }));
    }

    /**
     * The largest batch up to {@code limit} that the mode fits in the run's budget, planned as {@link #run} plans
     * (calibrated on the run's data first, for a mode whose memory depends on it), or 0 when none fits.
     */
    public static int largestBatch(TrainConfig config, MemoryMode mode, int limit) {
        Network net = config.network();
        DataSplit data = DataSource.parse(config.data()).open(net.input().c(), net.input().h(), net.input().w(),
                net.classes(), config.seed());
        int heldOut = config.evalSamples() == 0 ? 0 : Math.min(config.evalSamples(), data.test().size());
        try (CudaSession session = openDevice(config)) {
            // on CUDA, with each convolution pass's least workspace (the run may then give them more)
            CompileOptions options = new CompileOptions(config.batch(), config.optimizer(),
                    leastWorkspace(config, session), heldOut, config.paging());
            MemoryMode calibrated = calibrate(config, mode, net, options, data.train(), TrainListener.NONE);
            return Planner.maxBatch(net, calibrated.fitTo(net, options, config.budgetBytes(), s -> { }), options,
                    config.budgetBytes(), limit);
        } catch (CudaUnavailableException e) {
            throw new TrainingException(e.getMessage(), e);
        }
    }

    /**
     * The mode calibrated on the run's first batch (the compressed mode measures its streams; other modes are
     * themselves), the same batch and seed the run starts with.
     */
    private static MemoryMode calibrate(TrainConfig config, MemoryMode mode, Network net, CompileOptions options,
                                        Dataset train, TrainListener listener) {
        Batch first = firstBatch(net, train, config.batch(), config.seed(), config.batch());
        MemoryMode m = mode.calibrate(net, options, first, config.seed(), config.threads());
        if (m != mode) {
            listener.onNote(m.layout(net));
        }
        return m;
    }

    /**
     * The first {@code limit} samples of the first batch a run of {@code batch} with {@code seed} trains on (all of
     * it when {@code limit >= batch}): what a mode is calibrated on, so that a plan made before the run measures
     * the same samples the run will.
     */
    public static Batch firstBatch(Network net, Dataset train, int batch, long seed, int limit) {
        int n = Math.min(batch, limit);
        int[] indices = new int[batch];
        new BatchSampler(train.size(), batch, seed).nextBatch(indices);
        Batch first = new Batch(n, new float[hostFloats(n, net.input().elements())], new float[n]);
        train.fill(java.util.Arrays.copyOf(indices, n), first.images(), first.labels());
        return first;
    }

    private TrainSummary loop(Planner.Plan plan, DataSplit data, TrainListener listener, Backend backend,
                              long resident) {
        DeviceMemory memory = backend.memory();
        StepProgram program = plan.program();
        Dataset train = data.train();
        int n = config.batch();
        int stepsPerEpoch = Math.max(1, train.size() / n);
        int total = config.steps() > 0 ? config.steps() : Math.toIntExact(Math.min(Integer.MAX_VALUE,
                (long) config.epochs() * stepsPerEpoch));
        BatchSampler sampler = new BatchSampler(train.size(), n, config.seed());
        int perSample = program.decl("input").dims().perSample();
        Batch batch = new Batch(n, new float[hostFloats(n, perSample)], new float[n]);
        int[] indices = new int[n];

        int window = Math.max(1, Math.min(20, total / 5 + 1));
        double[] recentLoss = new double[window];
        double[] recentAcc = new double[window];
        StepTimes times = new StepTimes();
        int done = 0;
        long runPeak = memory.arena().peakBytes();
        boolean rebuilds = program.stepInstructions(Instruction.Run.class).stream()
                .anyMatch(r -> r.pass() == Pass.INVERSE);
        for (int step = 0; step < total && awaitTurn(); step++) {
            sampler.nextBatch(indices);
            train.fill(indices, batch.images(), batch.labels());
            memory.arena().resetPeak();
            boolean measure = rebuilds && (step % RECONSTRUCTION_EVERY == 0 || step == total - 1);
            runner.measureReconstruction(measure);
            long t0 = System.nanoTime();
            StepOutcome out = runner.run(program, step, batch);
            long dt = System.nanoTime() - t0; // a measured step also copies the rebuilt tensors to the host
            if (measure) {
                reconstruction = runner.reconstructions();
                listener.onReconstruction(reconstruction);
            }
            if (program.codec() != null) {
                compression = runner.compressions();
            }
            runPeak = Math.max(runPeak, memory.arena().peakBytes());
            times.add(dt);
            recentLoss[step % window] = out.loss();
            recentAcc[step % window] = out.accuracy();
            done++;
            if (!Double.isFinite(out.loss())) {
                throw new TrainingException("loss became " + out.loss() + " at step " + (step + 1)
                        + "; lower the learning rate");
            }
            listener.onStep(new StepResult(step, total, step / stepsPerEpoch, out.loss(), out.accuracy(), dt,
                    memory.arena().peakBytes(), resident));
            String memoryCheck = backend.checkDeviceMemory();
            if (memoryCheck != null) {
                listener.onNote(memoryCheck);
            }
        }
        int k = Math.min(done, window);
        double loss = 0;
        double acc = 0;
        for (int i = 0; i < k; i++) {
            loss += recentLoss[i];
            acc += recentAcc[i];
        }
        double testAcc = Double.NaN;
        int tested = 0;
        StepProgram eval = plan.eval();
        if (!stopRequested && eval != null) {
            Dataset test = data.test();
            int evalBatch = eval.decl("input").dims().n();
            Batch eb = new Batch(evalBatch, new float[hostFloats(evalBatch, perSample)], new float[evalBatch]);
            int[] idx = new int[evalBatch];
            int correct = 0;
            int limit = Math.min(test.size(), config.evalSamples());
            memory.arena().resetPeak();
            for (int start = 0; start + evalBatch <= limit && !stopRequested; start += evalBatch) {
                for (int i = 0; i < evalBatch; i++) {
                    idx[i] = start + i;
                }
                test.fill(idx, eb.images(), eb.labels());
                correct += runner.run(eval, done, eb).correct();
                tested += evalBatch;
            }
            runPeak = Math.max(runPeak, memory.arena().peakBytes());
            testAcc = tested == 0 ? Double.NaN : (double) correct / tested;
            listener.onEval(testAcc, tested);
        }
        return new TrainSummary(done, stopRequested, k == 0 ? Double.NaN : loss / k, k == 0 ? Double.NaN : acc / k,
                testAcc, tested, times.median(), Math.max(runPeak, memory.arena().peakBytes()), plan.peakBytes(),
                trace.recorded());
    }

    /** Floats of a host-side batch buffer; a batch a Java array cannot hold is refused with the numbers. */
    private static int hostFloats(int samples, int perSample) {
        long floats = (long) samples * perSample;
        if (floats > Integer.MAX_VALUE - 8) {
            throw new TrainingException("a batch of " + samples + " samples of " + perSample + " values each does not fit "
                    + "one Java array (at most 2^31-1 values); choose a smaller batch");
        }
        return (int) floats;
    }
}
