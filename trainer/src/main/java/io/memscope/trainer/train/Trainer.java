package io.memscope.trainer.train;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.backend.CpuBackend;
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
import io.memscope.trainer.modes.InferenceProgram;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.Batch;
import io.memscope.trainer.program.ProgramChecker;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.StepOutcome;
import io.memscope.trainer.program.StepProgram;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs training: opens the data, plans the step and refuses up front when it cannot fit, then runs the
 * compiled program step by step on the CPU backend, recording every allocation into the trace.
 */
public final class Trainer {
    private final TrainConfig config;
    private final MemoryMode mode;
    private final Trace trace;
    private volatile boolean stopRequested;
    private final Object gate = new Object();
    private boolean paused;
    private int stepsGranted;
    private volatile ProgramRunner runner;

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
        this.trace = new Trace(new TraceInfo(config.network().name(), mode.id(), "cpu", config.batch(),
                config.budgetBytes(), extra), traceCapacity);
    }

    public TrainConfig config() {
        return config;
    }

    public Trace trace() {
        return trace;
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

        CompileOptions options = new CompileOptions(config.batch(), config.optimizer(),
                CpuBackend.workspaceModel(config.threads()));
        MemoryMode mode;
        try {
            mode = this.mode.fitTo(net, options, config.budgetBytes(), listener::onNote);
        } catch (IllegalArgumentException e) {
            throw new TrainingException(e.getMessage(), e);
        }
        Planner.Plan plan = Planner.plan(net, mode, options, config.budgetBytes());
        if (!plan.fits()) {
            int max = Planner.maxBatch(net, mode, options, config.budgetBytes(), 1 << 16);
            throw new TrainingException(net.name() + " at batch " + config.batch() + " in " + mode.id() + " mode needs "
                    + Bytes.format(plan.peakBytes()) + " at its peak, more than the " + Bytes.format(config.budgetBytes())
                    + " budget (" + plan.oom().getMessage() + "). "
                    + (max > 0 ? "The largest batch that fits is " + max + "." : "Not even batch 1 fits."));
        }

        DeviceMemory memory = new DeviceMemory(config.budgetBytes(), trace);
        try (Backend backend = new CpuBackend(memory, config.threads())) {
            StepProgram program = mode.compile(net, options);
            ProgramChecker.verify(program);
            runner = new ProgramRunner(net, backend, config.optimizer(), config.seed());
            runner.setup(program);
            long resident = memory.arena().usedBytes();
            listener.onStart(this);
            return loop(program, data, listener, memory, plan.peakBytes(), resident);
        } catch (OutOfDeviceMemoryException e) {
            throw new TrainingException(e.getMessage(), e);
        }
    }

    private TrainSummary loop(StepProgram program, DataSplit data, TrainListener listener, DeviceMemory memory,
                              long plannedPeak, long resident) {
        Dataset train = data.train();
        int n = config.batch();
        int stepsPerEpoch = Math.max(1, train.size() / n);
        int total = config.steps() > 0 ? config.steps() : config.epochs() * stepsPerEpoch;
        BatchSampler sampler = new BatchSampler(train.size(), n, config.seed());
        Batch batch = new Batch(n, new float[n * program.decl("input").dims().perSample()], new float[n]);
        int[] indices = new int[n];

        int window = Math.max(1, Math.min(20, total / 5 + 1));
        double[] recentLoss = new double[window];
        double[] recentAcc = new double[window];
        long timeSum = 0;
        int timed = 0;
        int done = 0;
        long runPeak = memory.arena().peakBytes();
        for (int step = 0; step < total && awaitTurn(); step++) {
            sampler.nextBatch(indices);
            train.fill(indices, batch.images(), batch.labels());
            memory.arena().resetPeak();
            long t0 = System.nanoTime();
            StepOutcome out = runner.run(program, step, batch);
            long dt = System.nanoTime() - t0;
            runPeak = Math.max(runPeak, memory.arena().peakBytes());
            if (step > 0 || total == 1) {
                timeSum += dt;
                timed++;
            }
            recentLoss[step % window] = out.loss();
            recentAcc[step % window] = out.accuracy();
            done++;
            if (!Double.isFinite(out.loss())) {
                throw new TrainingException("loss became " + out.loss() + " at step " + step
                        + "; lower the learning rate (--lr)");
            }
            listener.onStep(new StepResult(step, total, step / stepsPerEpoch, out.loss(), out.accuracy(), dt,
                    memory.arena().peakBytes(), resident));
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
        if (!stopRequested && config.evalSamples() > 0) {
            Dataset test = data.test();
            int evalBatch = Math.min(n, Math.min(test.size(), config.evalSamples()));
            if (evalBatch > 0) {
                StepProgram eval = InferenceProgram.compile(config.network(),
                        new CompileOptions(evalBatch, config.optimizer(), CpuBackend.workspaceModel(config.threads())));
                ProgramChecker.verify(eval);
                Batch eb = new Batch(evalBatch, new float[evalBatch * batch.images().length / n], new float[evalBatch]);
                int[] idx = new int[evalBatch];
                int correct = 0;
                int limit = Math.min(test.size(), config.evalSamples());
                for (int start = 0; start + evalBatch <= limit && !stopRequested; start += evalBatch) {
                    for (int i = 0; i < evalBatch; i++) {
                        idx[i] = start + i;
                    }
                    test.fill(idx, eb.images(), eb.labels());
                    correct += runner.run(eval, done, eb).correct();
                    tested += evalBatch;
                }
                testAcc = tested == 0 ? Double.NaN : (double) correct / tested;
                listener.onEval(testAcc, tested);
            }
        }
        return new TrainSummary(done, stopRequested, k == 0 ? Double.NaN : loss / k, k == 0 ? Double.NaN : acc / k,
                testAcc, tested, timed == 0 ? 0 : timeSum / timed, Math.max(runPeak, memory.arena().peakBytes()), plannedPeak,
                trace.recorded());
    }
}
