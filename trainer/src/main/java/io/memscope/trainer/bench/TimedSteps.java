package io.memscope.trainer.bench;

import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.memory.TraceListener;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.plan.MemoryProfile;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.Batch;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.StepProgram;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A network ready to train in one mode on the CPU backend, one timed step at a time (after one warm-up step),
 * on one fixed batch of Gaussian noise. Each step's time is also split by phase (forward, recompute, backward,
 * update: the first word of the phase's name) from the trace's phase marks. The measured memory is checked
 * against the plan to the byte.
 */
final class TimedSteps implements AutoCloseable {
    private final Planner.Plan plan;
    private final Trace trace;
    private final CpuBackend cpu;
    private final ProgramRunner runner;
    private final Batch batch;
    private final PhaseClock clock = new PhaseClock();
    private int step;

    TimedSteps(Network net, MemoryMode mode, CompileOptions options, int threads) {
        plan = Planner.plan(net, mode, options, Planner.UNBOUNDED);
        long budget = plan.peakBytes() + plan.peakBytes() / 4 + (16L << 20);
        trace = new Trace(new TraceInfo(net.name(), mode.id(), "cpu", options.batch(), budget, null), 1 << 20);
        trace.addListener(clock);
        cpu = new CpuBackend(new DeviceMemory(budget, trace), threads);
        runner = new ProgramRunner(net, cpu, options.optimizer(), 1);
        runner.setup(plan.program());
        batch = randomBatch(net, options.batch());
        step();
    }

    /** Runs one step; its wall time in nanoseconds. */
    long step() {
        clock.start();
        long t0 = System.nanoTime();
        runner.run(plan.program(), step++, batch);
        long dt = System.nanoTime() - t0;
        clock.stop();
        return dt;
    }

    /** The median wall time of {@code n} steps after warm-up steps for {@link #WARM_UP_NANOS} (at least one). */
    long medianStep(int n) {
        return medianStep(n, WARM_UP_NANOS);
    }

    /** How long {@link #medianStep(int)} warms up: the JIT has compiled the kernels by then. */
    static final long WARM_UP_NANOS = 3_000_000_000L;

    /**
     * The median wall time of {@code n} steps after warm-up steps: one more, and then as many as it takes for
     * {@code warmUpNanos} to pass (the JIT compiles the kernels during the first seconds; a short network's
     * first hundreds of steps are slower, and the JIT's threads take cores from the workers meanwhile).
     */
    long medianStep(int n, long warmUpNanos) {
        long start = System.nanoTime();
        do {
            step();
        } while (System.nanoTime() - start < warmUpNanos);
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            times[i] = step();
        }
        return median(times);
    }

    /** Runs another program of the same network (an inference pass) on the same batch; its wall time. */
    long time(StepProgram other) {
        long t0 = System.nanoTime();
        runner.run(other, step, batch);
        return System.nanoTime() - t0;
    }

    /** Nanoseconds the last step spent in each phase kind, in the order they first ran. */
    Map<String, Long> lastPhases() {
        return new LinkedHashMap<>(clock.last);
    }

    Planner.Plan plan() {
        return plan;
    }

    ProgramRunner runner() {
        return runner;
    }

    /** The measured profile of setup and the steps so far, after checking its peak against the plan's. */
    MemoryProfile measured() {
        MemoryProfile measured = MemoryProfile.of(trace.events());
        if (measured.peakBytes() != plan.peakBytes()) {
            throw new IllegalStateException(plan.program().mode() + ": measured peak " + measured.peakBytes()
                    + " differs from the plan's " + plan.peakBytes());
        }
        return measured;
    }

    @Override
    public void close() {
        cpu.close();
    }

    /** Sums, per phase kind, the time from each phase mark to the next mark (or to the end of the step). */
    private static final class PhaseClock implements TraceListener {
        private final Map<String, Long> running = new LinkedHashMap<>();
        private Map<String, Long> last = Map.of();
        private String phase;
        private long since;

        void start() {
            running.clear();
            phase = "load";
            since = System.nanoTime();
        }

        void stop() {
            close(System.nanoTime());
            last = new LinkedHashMap<>(running);
            phase = null;
        }

        @Override
        public void onEvent(MemoryEvent e) {
            if (phase != null && e.action() == Action.PHASE) {
                close(System.nanoTime());
                String name = e.phase();
                int space = name.indexOf(' ');
                phase = space < 0 ? name : name.substring(0, space);
            }
        }

        private void close(long now) {
            running.merge(phase, now - since, Long::sum);
            since = now;
        }
    }

    // ---- helpers the benchmarks share ---------------------------------------------------------------------

    static long median(long[] t) {
        long[] s = t.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    static double median(double[] t) {
        double[] s = t.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** What stays between steps: parameters, gradients and optimizer state, at the peak. */
    static long persistent(MemoryProfile p) {
        return p.atPeak(Category.PARAMETER) + p.atPeak(Category.GRADIENT) + p.atPeak(Category.OPTIMIZER_STATE);
    }

    /** {@code value} against {@code base} as a signed percentage, e.g. {@code -42%}. */
    static String change(long value, long base) {
        return String.format(java.util.Locale.ROOT, "%+.0f%%", 100.0 * (value - base) / base);
    }

    /** Gaussian images and uniform labels from seed 1: the same batch for every mode. */
    static Batch randomBatch(Network net, int batch) {
        Random r = new Random(1);
        float[] images = new float[batch * net.input().elements()];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) r.nextGaussian();
        }
        float[] labels = new float[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = r.nextInt(net.classes());
        }
        return new Batch(batch, images, labels);
    }
}
