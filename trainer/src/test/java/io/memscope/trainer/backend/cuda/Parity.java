package io.memscope.trainer.backend.cuda;

import static org.junit.jupiter.api.Assertions.fail;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.backend.RandomValues;
import io.memscope.trainer.backend.ConvGeometry;
import io.memscope.trainer.backend.ConvPass;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.Tensor;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * A scenario run twice, on the CPU backend (the reference) and on another backend, from the same seed, with every
 * output compared: |other − cpu| ≤ atol + rtol·|cpu|, atol a fraction of the output's largest |value|. The worst
 * difference of each output is printed, and on failure the first mismatches. New tensors start as NaN on both
 * sides, so an element a kernel forgets to write shows.
 */
final class Parity {
    private Parity() {}

    private static final int MISMATCHES_SHOWN = 5;

    /** One backend's side of a scenario. */
    static final class Side implements AutoCloseable {
        final DeviceMemory memory;
        final Backend backend;
        final Random random = new Random(42);
        private final RandomValues draw = new RandomValues(random);

        Side(long budget, Function<DeviceMemory, Backend> make) {
            this.memory = new DeviceMemory(budget, new Trace(new TraceInfo("parity", "baseline", "test", 1, budget, null),
                    1 << 16));
            this.backend = make.apply(memory);
        }

        Tensor tensor(String name, Dims dims) {
            Tensor t = memory.allocate(name, "test", Category.ACTIVATION, dims);
            float[] nan = new float[t.size()];
            java.util.Arrays.fill(nan, Float.NaN);
            backend.upload(nan, 0, t);
            return t;
        }

        Tensor tensor(String name, Dims dims, float[] values) {
            Tensor t = memory.allocate(name, "test", Category.ACTIVATION, dims);
            backend.upload(values, 0, t);
            return t;
        }

        /** Uniform values in [-1, 1). */
        Tensor random(String name, Dims dims) {
            return tensor(name, dims, uniform((int) dims.elements(), -1, 1));
        }

        float[] uniform(int count, float lo, float hi) {
            return draw.uniform(count, lo, hi);
        }

        /** Values at least {@code gap} apart, shuffled: no ties for max pooling to break differently. */
        float[] distinct(int count, float gap) {
            return draw.distinct(count, gap);
        }

        /** Magnitudes of at least {@code margin}: away from the kinks of ReLU and |x| at 0. */
        float[] awayFromZero(int count, float margin) {
            return draw.awayFromZero(count, margin);
        }

        /** One class index per sample, as floats. */
        Tensor labels(String name, int n, int classes) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = random.nextInt(classes);
            }
            return tensor(name, Dims.of(n, 1, 1, 1), v);
        }

        Tensor workspace(ConvGeometry g, ConvPass pass) {
            long bytes = backend.workspaceModel().convWorkspaceBytes(g, pass);
            return bytes == 0 ? null : memory.allocate("ws", "test", Category.WORKSPACE,
                    Dims.vector(Math.toIntExact((bytes + Float.BYTES - 1) / Float.BYTES)));
        }

        float[] read(Tensor t) {
            float[] v = new float[t.size()];
            backend.download(t, v, 0);
            return v;
        }

        @Override
        public void close() {
            backend.close();
        }
    }

    interface Scenario {
        void run(Side side, Map<String, float[]> out);
    }

    static Map<String, float[]> run(long budget, Function<DeviceMemory, Backend> make, Scenario scenario) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (Side side = new Side(budget, make)) {
            scenario.run(side, out);
            side.backend.synchronize();
        }
        return out;
    }

    /** Runs the scenario on the CPU and on {@code other} and compares every output. */
    static void assertClose(String what, long budget, Function<DeviceMemory, Backend> other, double rtol,
                            double atolOfMax, Scenario scenario) {
        Map<String, float[]> cpu = run(budget, m -> new CpuBackend(m, 1), scenario);
        Map<String, float[]> got = run(budget, other, scenario);
        StringBuilder failures = new StringBuilder();
        for (var e : cpu.entrySet()) {
            float[] ref = e.getValue();
            float[] v = got.get(e.getKey());
            double max = 0;
            for (float r : ref) {
                max = Math.max(max, Math.abs(r));
            }
            double atol = atolOfMax * Math.max(max, Float.MIN_NORMAL);
            double worst = 0;
            int worstAt = 0;
            int shown = 0;
            StringBuilder mismatches = new StringBuilder();
            for (int i = 0; i < ref.length; i++) {
                boolean same = ref[i] == v[i] || (Float.isNaN(ref[i]) && Float.isNaN(v[i])); // infinities too
                double diff = same ? 0 : Math.abs((double) v[i] - ref[i]);
                double ratio = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff / (atol + rtol * Math.abs(ref[i]));
                if (ratio > worst) {
                    worst = ratio;
                    worstAt = i;
                }
                if (ratio > 1 && shown++ < MISMATCHES_SHOWN) {
                    mismatches.append(String.format(Locale.ROOT, "%n    [%d] cpu %.8g, other %.8g", i, ref[i], v[i]));
                }
            }
            String line = String.format(Locale.ROOT, "%s %s: largest |other - cpu| / (atol + rtol*|cpu|) = %.3f at [%d] "
                    + "(cpu %.8g, other %.8g)", what, e.getKey(), worst, worstAt, ref.length == 0 ? 0 : ref[worstAt],
                    ref.length == 0 ? 0 : v[worstAt]);
            System.out.println(line);
            if (worst > 1) {
                failures.append(line).append(mismatches).append('\n');
            }
        }
        if (failures.length() > 0) {
            fail("outputs differ beyond rtol " + rtol + ", atol " + atolOfMax + "·max|cpu|:\n" + failures);
        }
    }
}
