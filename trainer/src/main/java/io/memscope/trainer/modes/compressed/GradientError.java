package io.memscope.trainer.modes.compressed;

import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.Node;
import io.memscope.trainer.net.layers.ParamDef;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.Batch;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.StepProgram;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weight-gradient error a mode's step makes against baseline's on the same weights and batch: per layer,
 * ‖g − g_baseline‖ / ‖g_baseline‖ over the layer's trained parameters. What the compressed mode's lossy
 * activations cost, layer by layer.
 */
public final class GradientError {
    /** One layer's relative gradient error. */
    public record Layer(String layer, double relativeError, double baselineNorm) {}

    private GradientError() {}

    /**
     * The gradient of one step of each from the seeded initial weights on {@code batch}, after a first step on
     * the same batch that lets a mode settle (then the weights are put back).
     */
    public static List<Layer> of(Network net, MemoryMode mode, CompileOptions options, Batch batch, long seed,
                                 int threads) {
        return of(net, mode, options, batch, seed, threads, Map.of());
    }

    /**
     * As {@link #of(Network, MemoryMode, CompileOptions, Batch, long, int)}, from {@code weights} (parameters and
     * buffers by name, e.g. a trained network's; any not given keep their seeded initial values): the first step
     * and the one compared both start from them.
     */
    public static List<Layer> of(Network net, MemoryMode mode, CompileOptions options, Batch batch, long seed,
                                 int threads, Map<String, float[]> weights) {
        Map<String, float[]> base = gradients(net, Modes.get("baseline"), options, batch, seed, threads, weights);
        Map<String, float[]> other = gradients(net, mode, options, batch, seed, threads, weights);
        List<Layer> out = new ArrayList<>();
        for (Node n : net.nodes()) {
            double diff = 0;
            double norm = 0;
            for (ParamDef p : n.layer().params()) {
                if (!p.trainable()) {
                    continue;
                }
                String g = n.name() + "." + p.suffix() + ".grad";
                float[] b = base.get(g);
                float[] o = other.get(g);
                for (int i = 0; i < b.length; i++) {
                    double d = (double) o[i] - b[i];
                    diff += d * d;
                    norm += (double) b[i] * b[i];
                }
            }
            if (norm > 0) {
                out.add(new Layer(n.name(), Math.sqrt(diff / norm), Math.sqrt(norm)));
            }
        }
        return out;
    }

    private static Map<String, float[]> gradients(Network net, MemoryMode mode, CompileOptions options, Batch batch,
                                                  long seed, int threads, Map<String, float[]> weights) {
        StepProgram program = mode.compile(net, options);
        long budget = Planner.plan(net, mode, options, Planner.UNBOUNDED).peakBytes() * 2 + (16L << 20);
        Trace trace = new Trace(new TraceInfo(net.name(), mode.id(), "cpu", options.batch(), budget, null), 1 << 12);
        try (CpuBackend cpu = new CpuBackend(new DeviceMemory(budget, trace), threads)) {
            ProgramRunner runner = new ProgramRunner(net, cpu, options.optimizer(), seed);
            runner.setup(program);
            // a first step lets the mode settle (adaptive bounds measure the gradients); the weights then go
            // back to where they started, so every mode's gradient is taken at the same point
            Map<String, float[]> start = runner.parameters();
            start.putAll(weights);
            runner.write(start);
            runner.run(program, 0, batch);
            runner.write(start);
            runner.run(program, 1, batch);
            Map<String, float[]> grads = new LinkedHashMap<>();
            for (String p : runner.parameterNames()) {
                if (program.tensors().containsKey(p + ".grad")) {
                    grads.put(p + ".grad", runner.read(p + ".grad"));
                }
            }
            return grads;
        }
    }
}
