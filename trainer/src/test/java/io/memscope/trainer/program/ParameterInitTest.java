package io.memscope.trainer.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.BaselineMode;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.NetworkSpec;
import io.memscope.trainer.net.layers.ParamDef;
import io.memscope.trainer.optim.Optimizer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parameters start as PyTorch's layers start them: {@code Conv2d} and {@code Linear} weights and biases uniform on
 * [−1/√fanIn, 1/√fanIn] (fanIn = in_channels·k² for a convolution, in_features for a linear layer), batch norm's
 * scale 1 and shift 0, its running mean 0 and variance 1. The statistics are checked to five standard errors.
 */
class ParameterInitTest {
    private static final String NET = """
            {"name": "init", "input": {"channels": 16, "height": 4, "width": 4}, "layers": [
              {"name": "conv", "type": "conv2d", "out_channels": 1024, "kernel": 4},
              {"name": "bn", "type": "batchnorm2d"},
              {"name": "flatten", "type": "flatten"},
              {"name": "fc", "type": "linear", "out_features": 2048},
              {"name": "relu", "type": "relu"},
              {"name": "head", "type": "linear", "out_features": 10},
              {"name": "loss", "type": "softmax_cross_entropy"}]}
            """;
    private static final Map<String, float[]> VALUES = new HashMap<>();

    @BeforeAll
    static void initialize() {
        Network net = Network.build(NetworkSpec.parse(NET));
        Optimizer sgd = Optimizer.of("sgd", 0.01, 0.9, 5e-4);
        long budget = 256L << 20;
        DeviceMemory memory = new DeviceMemory(budget, new Trace(new TraceInfo("init", "baseline", "cpu", 1, budget, null)));
        try (CpuBackend cpu = new CpuBackend(memory, 1)) {
            ProgramRunner runner = new ProgramRunner(net, cpu, sgd, 1);
            runner.setup(new BaselineMode().compile(net, new CompileOptions(1, sgd, CpuBackend.workspaceModel(1))));
            for (String name : runner.parameterNames()) {
                VALUES.put(name, runner.read(name));
            }
        }
    }

    @Test
    void convolutionWeightAndBiasAreUniformOnOneOverRootFanIn() {
        int fanIn = 16 * 4 * 4;
        assertUniform("conv.weight", 1024 * fanIn, fanIn);
        assertUniform("conv.bias", 1024, fanIn);
    }

    @Test
    void linearWeightAndBiasAreUniformOnOneOverRootFanIn() {
        assertUniform("fc.weight", 2048 * 1024, 1024);
        assertUniform("fc.bias", 2048, 1024);
        assertUniform("head.weight", 10 * 2048, 2048);
    }

    @Test
    void theBoundIsPyTorchsKaimingUniformWithASqrt5() {
        for (int fanIn : new int[] {1, 25, 150, 400, 4608}) {
            double a = Math.sqrt(5);
            double gain = Math.sqrt(2 / (1 + a * a));
            assertEquals(gain * Math.sqrt(3.0 / fanIn), ParamDef.Init.uniformBound(fanIn), 1e-12);
            assertEquals(1 / Math.sqrt(fanIn), ParamDef.Init.uniformBound(fanIn), 1e-12);
        }
    }

    @Test
    void batchNormStartsAsTheIdentity() {
        for (float v : VALUES.get("bn.gamma")) {
            assertEquals(1f, v);
        }
        for (float v : VALUES.get("bn.beta")) {
            assertEquals(0f, v);
        }
        for (float v : VALUES.get("bn.running_mean")) {
            assertEquals(0f, v);
        }
        for (float v : VALUES.get("bn.running_var")) {
            assertEquals(1f, v);
        }
    }

    @Test
    void parametersDrawDifferentNumbers() {
        float[] w = VALUES.get("fc.weight");
        float[] b = VALUES.get("fc.bias");
        int same = 0;
        for (int i = 0; i < b.length; i++) {
            same += w[i] == b[i] ? 1 : 0;
        }
        assertEquals(0, same, "the weight's and the bias's values come from streams of their own");
    }

    private static void assertUniform(String name, int count, int fanIn) {
        float[] v = VALUES.get(name);
        assertEquals(count, v.length, name);
        double b = 1 / Math.sqrt(fanIn);
        double sum = 0;
        double sumSq = 0;
        double maxAbs = 0;
        int inner = 0;
        for (float x : v) {
            assertTrue(Math.abs(x) <= (float) b, name + " value " + x + " outside ±" + b);
            sum += x;
            sumSq += (double) x * x;
            maxAbs = Math.max(maxAbs, Math.abs(x));
            inner += Math.abs(x) < b / 2 ? 1 : 0;
        }
        int n = v.length;
        double mean = sum / n;
        double variance = sumSq / n - mean * mean;
        // U(-b, b): mean 0 (standard error b/√(3n)), variance b²/3 (standard error b²·√(4/(45n))), half the values
        // inside ±b/2 (a normal law of the same variance puts 61% there)
        assertEquals(0, mean, 5 * b / Math.sqrt(3.0 * n), name + " mean");
        assertEquals(b * b / 3, variance, 5 * b * b * Math.sqrt(4.0 / (45.0 * n)), name + " variance");
        assertEquals(0.5, inner / (double) n, 5 * Math.sqrt(0.25 / n), name + " share inside ±b/2");
        assertTrue(maxAbs > 0.98 * b, name + " reaches its bound: largest |value| " + maxAbs + " of " + b);
    }
}
