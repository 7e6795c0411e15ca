package io.memscope.trainer.modes;

import dev.ludovic.netlib.blas.BLAS;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.Batch;
import io.memscope.trainer.program.ProgramChecker;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.StepProgram;
import io.memscope.trainer.program.TensorDecl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Trains a network for a few steps on the CPU backend in a given mode, with the same seed and data for every mode. */
public final class StepRuns {
    public static final int THREADS = 2;

    /** What a run leaves: every parameter and buffer, its losses, the events of its steps, its program and planned peak. */
    public record Result(Map<String, float[]> params, List<Double> losses, List<MemoryEvent> events, StepProgram program,
                  long plannedPeak) {}

    /**
     * Baseline's run of a few steps: the state before every step and after the last (parameters, buffers and
     * optimizer state), and the loss of every step.
     */
    public record Trajectory(List<Map<String, float[]>> states, List<Double> losses) {
        public int steps() {
            return losses.size();
        }
    }

    /** One step of a mode taken from baseline's state before that step: its loss and the state it leaves. */
    public record Step(int step, double loss, Map<String, float[]> state) {}

    private StepRuns() {}

    /** SGD with momentum and weight decay. */
    public static CompileOptions options(int batch) {
        return new CompileOptions(batch, Optimizer.of("sgd", 0.01, 0.9, 5e-4), CpuBackend.workspaceModel(THREADS));
    }

    /** {@code steps} steps of one mode from the seeded initial weights, on the default BLAS. */
    public static Result train(Network net, MemoryMode mode, int batch, int steps) {
        return train(net, mode, batch, steps, BLAS.getInstance(), false);
    }

    /** As {@link #train(Network, MemoryMode, int, int)}; with {@code poison}, every allocated block starts as NaN. */
    public static Result train(Network net, MemoryMode mode, int batch, int steps, BLAS blas, boolean poison) {
        try (Run run = new Run(net, mode, batch, blas, poison)) {
            Batches data = new Batches(net, batch);
            List<Double> losses = new ArrayList<>();
            for (int s = 0; s < steps; s++) {
                losses.add(run.step(s, data.next()));
            }
            return new Result(run.params(), losses, run.trace.events(), run.program, run.plannedPeak);
        }
    }

    /** {@code steps} steps of {@code mode} from the seeded initial weights, recording the state before each. */
    public static Trajectory trajectory(Network net, MemoryMode mode, int batch, int steps, BLAS blas) {
        List<Map<String, float[]>> states = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        try (Run run = new Run(net, mode, batch, blas, false)) {
            Batches data = new Batches(net, batch);
            for (int s = 0; s < steps; s++) {
                states.add(run.state());
                losses.add(run.step(s, data.next()));
            }
            states.add(run.state());
        }
        return new Trajectory(states, losses);
    }

    /**
     * Each step of {@code reference} taken again by {@code mode} on the same batch, starting from the state
     * the reference had before it (gradients are not loaded: a step must not depend on the last one's). So
     * every step is compared on its own, from the same point. Compared over several free-running steps
     * instead, the two runs drift apart: a pre-activation within rounding of ReLU's kink takes the other
     * branch in one of them, and from then on they train different networks (ROW_CENTRIC.md, Correctness).
     * With {@code poison}, every block the mode's run allocates starts as NaN.
     */
    public static List<Step> replay(Network net, MemoryMode mode, int batch, Trajectory reference, BLAS blas,
                             boolean poison) {
        List<Step> out = new ArrayList<>();
        try (Run run = new Run(net, mode, batch, blas, poison)) {
            Batches data = new Batches(net, batch);
            for (int s = 0; s < reference.steps(); s++) {
                run.load(reference.states().get(s));
                double loss = run.step(s, data.next());
                out.add(new Step(s, loss, run.state()));
            }
        }
        return out;
    }

    /**
     * The largest |a − b| / (atol + rtol·|b|) over every parameter and buffer, and where: at most 1 is within
     * tolerance.
     */
    public static double worstRatio(Map<String, float[]> a, Map<String, float[]> b, double atol, double rtol,
                             StringBuilder where) {
        double worst = 0;
        where.setLength(0);
        where.append("no value (all equal)");
        for (Map.Entry<String, float[]> e : b.entrySet()) {
            float[] x = a.get(e.getKey());
            float[] y = e.getValue();
            for (int i = 0; i < y.length; i++) {
                double ratio = Math.abs(x[i] - y[i]) / (atol + rtol * Math.abs(y[i]));
                if (!(ratio <= worst)) {
                    worst = Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio;
                    where.setLength(0);
                    where.append(e.getKey()).append('[').append(i).append("]: ").append(x[i]).append(" vs ")
                            .append(y[i]);
                }
            }
        }
        return worst;
    }

    /** The first of the seeded batches every run trains on. */
    /** A batch of Gaussian noise with uniformly drawn labels, from {@code seed}. */
    public static Batch gaussian(Network net, int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] images = new float[n * net.input().elements()];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) r.nextGaussian();
        }
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(net.classes());
        }
        return new Batch(n, images, labels);
    }

    public static Batch batch(Network net, int batch) {
        return new Batches(net, batch).next();
    }

    /** The same seeded batches for every run: Gaussian images, uniform labels. */
    private static final class Batches {
        private final Network net;
        private final int batch;
        private final Random random = new Random(5);

        Batches(Network net, int batch) {
            this.net = net;
            this.batch = batch;
        }

        Batch next() {
            float[] images = new float[batch * net.input().elements()];
            for (int i = 0; i < images.length; i++) {
                images[i] = (float) random.nextGaussian();
            }
            float[] labels = new float[batch];
            for (int i = 0; i < batch; i++) {
                labels[i] = random.nextInt(net.classes());
            }
            return new Batch(batch, images, labels);
        }
    }

    /** One mode's program set up on its own CPU device, stepped one batch at a time. */
    private static final class Run implements AutoCloseable {
        final StepProgram program;
        final long plannedPeak;
        final Trace trace;
        final CpuBackend cpu;
        final ProgramRunner runner;

        Run(Network net, MemoryMode mode, int batch, BLAS blas, boolean poison) {
            CompileOptions options = options(batch);
            Planner.Plan plan = Planner.plan(net, mode, options, 1L << 40);
            program = plan.program();
            ProgramChecker.verify(program);
            plannedPeak = plan.peakBytes();
            // headroom for fragmentation: the planner measured the peak on an unbounded arena
            long budget = plan.peakBytes() + plan.peakBytes() / 4 + (1L << 20);
            trace = new Trace(new TraceInfo(net.name(), mode.id(), "cpu", batch, budget, null), 1 << 20);
            cpu = new CpuBackend(new DeviceMemory(budget, trace), THREADS, blas);
            if (poison) {
                cpu.poisonAllocations(Float.NaN);
            }
            runner = new ProgramRunner(net, cpu, options.optimizer(), 11);
            runner.setup(program);
        }

        double step(int s, Batch b) {
            return runner.run(program, s, b).loss();
        }

        Map<String, float[]> params() {
            return runner.parameters();
        }

        /** Parameters, buffers and optimizer state: what one step reads and the next one starts from. */
        Map<String, float[]> state() {
            Map<String, float[]> state = new LinkedHashMap<>();
            for (TensorDecl d : program.tensors().values()) {
                if (d.persistent() && (d.category() == Category.PARAMETER || d.category() == Category.OPTIMIZER_STATE)) {
                    state.put(d.name(), runner.read(d.name()));
                }
            }
            return state;
        }

        void load(Map<String, float[]> state) {
            runner.write(state);
        }

        @Override
        public void close() {
            cpu.close();
        }
    }
}
