package io.memscope.trainer.modes.rows;

import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.Batch;
import io.memscope.trainer.program.ProgramChecker;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.StepProgram;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Trains a network for a few steps on the CPU backend in a given mode, with the same seed and data for every mode. */
final class StepRuns {
    static final int THREADS = 2;

    /** What a run leaves: every parameter and buffer, the events of its steps, its program and planned peak. */
    record Result(Map<String, float[]> params, List<MemoryEvent> events, StepProgram program, long plannedPeak) {}

    private StepRuns() {}

    /** SGD with momentum and weight decay; see ROW_CENTRIC.md for why 0.01. */
    static CompileOptions options(int batch) {
        return new CompileOptions(batch, Optimizer.of("sgd", 0.01, 0.9, 5e-4), CpuBackend.workspaceModel(THREADS));
    }

    static Result train(Network net, MemoryMode mode, int batch, int steps) {
        CompileOptions options = options(batch);
        Planner.Plan plan = Planner.plan(net, mode, options, 1L << 40);
        StepProgram program = plan.program();
        ProgramChecker.verify(program);
        // headroom for fragmentation: the planner measured the peak on an unbounded arena
        long budget = plan.peakBytes() + plan.peakBytes() / 4 + (1L << 20);
        Trace trace = new Trace(new TraceInfo(net.name(), mode.id(), "cpu", batch, budget, null), 1 << 20);
        DeviceMemory memory = new DeviceMemory(budget, trace);
        try (CpuBackend cpu = new CpuBackend(memory, THREADS)) {
            ProgramRunner runner = new ProgramRunner(net, cpu, options.optimizer(), 11);
            runner.setup(program);
            Random r = new Random(5);
            int per = net.input().elements();
            for (int s = 0; s < steps; s++) {
                float[] images = new float[batch * per];
                for (int i = 0; i < images.length; i++) {
                    images[i] = (float) r.nextGaussian();
                }
                float[] labels = new float[batch];
                for (int i = 0; i < batch; i++) {
                    labels[i] = r.nextInt(net.classes());
                }
                runner.run(program, s, new Batch(batch, images, labels));
            }
            Map<String, float[]> params = new LinkedHashMap<>();
            for (String p : runner.parameterNames()) {
                params.put(p, runner.read(p));
            }
            return new Result(params, trace.events(), program, plan.peakBytes());
        }
    }

    /**
     * The largest |a − b| / (atol + rtol·|b|) over every parameter and buffer, and where: at most 1 is within
     * tolerance.
     */
    static double worstRatio(Map<String, float[]> a, Map<String, float[]> b, double atol, double rtol,
                             StringBuilder where) {
        double worst = 0;
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
}
