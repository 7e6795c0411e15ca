package io.memscope.trainer.net.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.Tensor;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.Shape;
import io.memscope.trainer.program.Reconstruction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The invertible building blocks of reversible mode, each on its own: its inverse rebuilds the input (and the
 * saved tensors it claims to rebuild) from the output, and its backward matches central differences.
 *
 * <p>Tolerances. Inverse: |x − x̂| ≤ tol · (1 + |x|) per element, with tol 0 for space-to-depth (a permutation),
 * 1e-6 for leaky ReLU (one division), 1e-5 for invertible batch norm and the coupling block (a few float
 * operations, and the subtraction of F and G). Gradients: directional derivatives along 4 random directions per
 * tensor, (L(v + εd) − L(v − εd)) / 2ε with ε = 1e-3 and L = Σ R ⊙ forward in double, against ⟨analytic, d⟩ within
 * 1e-2 · max(1, |numeric|). A direction along which a ReLU inside F or G (or the leaky ReLU itself) changes sides
 * within ±ε straddles a kink, where the difference is no derivative: it is skipped for another.
 */
class InvertibleLayersTest {
    private static final int N = 2;
    private static final double EPS = 1e-3;
    private static final double GRAD_TOL = 1e-2;

    static Stream<Arguments> blocks() {
        return Stream.of(
                Arguments.of("coupling", Map.of(), new Shape(4, 5, 5), 1e-5),
                Arguments.of("coupling", Map.of("hidden", 3, "kernel", 1), new Shape(6, 4, 3), 1e-5),
                Arguments.of("coupling", Map.of("hidden", 5, "kernel", 5), new Shape(8, 6, 6), 1e-5),
                Arguments.of("space_to_depth", Map.of(), new Shape(3, 4, 6), 0.0),
                Arguments.of("space_to_depth", Map.of("block", 3), new Shape(2, 6, 3), 0.0),
                Arguments.of("inv_batchnorm2d", Map.of(), new Shape(3, 4, 4), 1e-5),
                Arguments.of("inv_batchnorm2d", Map.of("scale_eps", 0.5), new Shape(5, 3, 2), 1e-5),
                Arguments.of("leaky_relu", Map.of(), new Shape(3, 4, 4), 1e-6),
                Arguments.of("leaky_relu", Map.of("negative_slope", 0.3), new Shape(2, 3, 5), 1e-6));
    }

    @ParameterizedTest(name = "{0} {1} on {2}")
    @MethodSource("blocks")
    void theInverseRebuildsTheInputAndTheSavedTensorsFromTheOutput(String type, Map<String, Object> fields, Shape in,
                                                                   double tol) {
        try (Harness h = new Harness(type, fields, in)) {
            assertTrue(h.layer.invertible(), type + " says it is invertible");
            h.forward();
            float[] x = h.read(h.x);
            float[] y = h.read(h.y);
            List<float[]> saved = h.saved.stream().map(h::read).toList();

            Tensor rebuilt = h.poisoned("x.rebuilt", h.x.dims());
            List<Tensor> savedForInverse = new ArrayList<>();
            for (int i = 0; i < h.saved.size(); i++) {
                savedForInverse.add(h.layer.inverseRebuildsSaved(i)
                        ? h.poisoned("saved" + i + ".rebuilt", h.saved.get(i).dims()) : h.saved.get(i));
            }
            h.inverse(rebuilt, savedForInverse);
            assertClose(type + " input", x, h.read(rebuilt), tol);
            assertClose(type + " output (untouched by the inverse)", y, h.read(h.y), 0);
            for (int i = 0; i < saved.size(); i++) {
                assertClose(type + " saved " + h.layer.saved(N).get(i).suffix(), saved.get(i),
                        h.read(savedForInverse.get(i)), tol);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} on {2}")
    @MethodSource("blocks")
    void backwardMatchesCentralDifferencesForTheInputAndEveryParameter(String type, Map<String, Object> fields,
                                                                       Shape in, double tol) {
        try (Harness h = new Harness(type, fields, in)) {
            float[] upstream = h.uniform(h.y.size());
            h.forward();
            h.backward(upstream, false, false);
            List<Tensor> wrt = new ArrayList<>(List.of(h.x));
            List<float[]> analytic = new ArrayList<>(List.of(h.read(h.dx)));
            for (int p = 0; p < h.params.size(); p++) {
                if (h.paramGrads.get(p) != null) {
                    wrt.add(h.params.get(p));
                    analytic.add(h.read(h.paramGrads.get(p)));
                }
            }
            for (int k = 0; k < wrt.size(); k++) {
                Tensor t = wrt.get(k);
                float[] base = h.read(t);
                h.objective(upstream);
                String pattern = h.pattern();
                int checked = 0;
                for (int d = 0; checked < 4 && d < 40; d++) {
                    float[] dir = h.sparse(base.length);
                    double expected = 0;
                    for (int i = 0; i < base.length; i++) {
                        expected += (double) analytic.get(k)[i] * dir[i];
                    }
                    h.write(t, shifted(base, dir, EPS));
                    double plus = h.objective(upstream);
                    boolean kink = !h.pattern().equals(pattern);
                    h.write(t, shifted(base, dir, -EPS));
                    double minus = h.objective(upstream);
                    kink |= !h.pattern().equals(pattern);
                    h.write(t, base);
                    if (kink) {
                        continue; // a ReLU changed sides within ±ε: the difference straddles a kink
                    }
                    checked++;
                    double numeric = (plus - minus) / (2 * EPS);
                    double error = Math.abs(numeric - expected) / Math.max(1, Math.abs(numeric));
                    if (error > GRAD_TOL) {
                        fail(type + " " + fields + ": gradient of " + t.name() + " along direction " + d + ": numeric "
                                + numeric + ", analytic " + expected);
                    }
                }
                assertEquals(4, checked, t.name() + ": directions clear of ReLU kinks");
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} on {2}")
    @MethodSource("blocks")
    void backwardAddsIntoGradientsWhenAskedTo(String type, Map<String, Object> fields, Shape in, double tol) {
        try (Harness h = new Harness(type, fields, in)) {
            float[] upstream = h.uniform(h.y.size());
            h.forward();
            List<Tensor> grads = new ArrayList<>(List.of(h.dx));
            h.paramGrads.stream().filter(g -> g != null).forEach(grads::add);
            for (Tensor g : grads) {
                h.backend.fill(g, Float.NaN); // an overwriting backward must ignore what was there
            }
            h.backward(upstream, false, false);
            List<float[]> fresh = grads.stream().map(h::read).toList();
            List<float[]> prior = new ArrayList<>();
            for (Tensor g : grads) {
                float[] p = h.uniform(g.size());
                prior.add(p);
                h.write(g, p);
            }
            h.backward(upstream, true, true);
            for (int k = 0; k < grads.size(); k++) {
                float[] sum = h.read(grads.get(k));
                for (int i = 0; i < sum.length; i++) {
                    assertFalse(Float.isNaN(fresh.get(k)[i]), grads.get(k).name() + " kept a NaN it should overwrite");
                    double expected = (double) prior.get(k)[i] + fresh.get(k)[i];
                    assertEquals(expected, sum[i], 1e-5 * Math.max(1, Math.abs(expected)),
                            type + ": accumulating into " + grads.get(k).name() + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void reluAndBatchNormAreNotInvertibleAndSayWhatIs() {
        Layer relu = Layers.create(new LayerSpec("r", "relu", List.of(), Map.of()));
        assertFalse(relu.invertible());
        assertTrue(relu.whyNotInvertible().contains("leaky_relu"), relu.whyNotInvertible());
        Layer flat = Layers.create(new LayerSpec("l", "leaky_relu", List.of(), Map.of("negative_slope", 0.0)));
        assertFalse(flat.invertible());
        Layer bn = Layers.create(new LayerSpec("b", "batchnorm2d", List.of(), Map.of()));
        assertFalse(bn.invertible());
        assertTrue(bn.whyNotInvertible().contains("inv_batchnorm2d"), bn.whyNotInvertible());
    }

    @Test
    void aCouplingBlockNeedsAnEvenNumberOfChannels() {
        Layer c = Layers.create(new LayerSpec("rev", "coupling", List.of("conv1"), Map.of()));
        var e = org.junit.jupiter.api.Assertions.assertThrows(io.memscope.trainer.net.SpecException.class,
                () -> c.bind(List.of(new Shape(3, 8, 8))));
        assertTrue(e.getMessage().contains("rev") && e.getMessage().contains("conv1 has 3 channels"), e.getMessage());
        var even = org.junit.jupiter.api.Assertions.assertThrows(io.memscope.trainer.net.SpecException.class,
                () -> Layers.create(new LayerSpec("rev", "coupling", List.of(), Map.of("kernel", 4))));
        assertTrue(even.getMessage().contains("odd"), even.getMessage());
    }

    @Test
    void theSignalToNoiseRatioIsMeanSquareOverMeanSquaredError() {
        Reconstruction r = Reconstruction.measure("t", "l", 1, new float[] {3, 4}, new float[] {3, 3}, 0);
        assertEquals(25.0, r.snr(), 1e-12); // mean(x²) = (9 + 16) / 2, mean((x − x̂)²) = (0 + 1) / 2
        assertEquals(1.0, r.maxError());
        assertEquals("exact", Reconstruction.measure("t", "l", 1, new float[] {1}, new float[] {1}, 0).snrText());
    }

    private static float[] shifted(float[] base, float[] dir, double by) {
        float[] v = base.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (base[i] + by * dir[i]);
        }
        return v;
    }

    private static void assertClose(String what, float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + ": size");
        for (int i = 0; i < expected.length; i++) {
            double bound = tol * (1 + Math.abs(expected[i]));
            if (!(Math.abs(expected[i] - actual[i]) <= bound)) {
                fail(what + "[" + i + "]: rebuilt " + actual[i] + ", forward had " + expected[i] + " (tolerance " + bound
                        + ")");
            }
        }
    }

    /** One layer bound to tensors on a small CPU device, with seeded random inputs and parameters. */
    private static final class Harness implements AutoCloseable {
        final DeviceMemory memory;
        final CpuBackend backend;
        final Random random = new Random(17);
        final Layer layer;
        final Tensor x;
        final Tensor y;
        final Tensor dx;
        final List<Tensor> params = new ArrayList<>();
        final List<Tensor> paramGrads = new ArrayList<>();
        final List<Tensor> saved = new ArrayList<>();

        Harness(String type, Map<String, Object> fields, Shape in) {
            long budget = 64L << 20;
            memory = new DeviceMemory(budget, new Trace(new TraceInfo("test", "reversible", "cpu", N, budget, null),
                    1 << 16));
            backend = new CpuBackend(memory, 2);
            layer = Layers.create(new LayerSpec("blk", type, List.of("x"), fields));
            Shape out = layer.bind(List.of(in));
            x = random("x", in.batch(N));
            y = tensor("y", out.batch(N));
            dx = tensor("dx", in.batch(N));
            for (ParamDef p : layer.params()) {
                Tensor t = tensor(p.suffix(), p.dims());
                float[] v = uniform(t.size());
                if (p.init() == ParamDef.Init.UNIFORM_FAN_IN) {
                    float bound = (float) ParamDef.Init.uniformBound(p.fanIn()); // as training starts
                    for (int i = 0; i < v.length; i++) {
                        v[i] *= bound;
                    }
                } else if (p.suffix().equals("gamma")) {
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (v[i] < 0 ? -0.6f : 0.6f) + 0.4f * v[i]; // both signs, away from 0
                    }
                } else if (p.suffix().equals("running_var")) {
                    Arrays.fill(v, 1f);
                }
                write(t, v);
                params.add(t);
                paramGrads.add(p.trainable() ? tensor(p.suffix() + ".grad", p.dims()) : null);
            }
            for (SavedDef s : layer.saved(N)) {
                saved.add(tensor(s.suffix(), s.dims()));
            }
        }

        Tensor tensor(String name, Dims dims) {
            return memory.allocate(name, "blk", Category.ACTIVATION, dims);
        }

        Tensor poisoned(String name, Dims dims) {
            Tensor t = tensor(name, dims);
            backend.fill(t, Float.NaN);
            return t;
        }

        Tensor random(String name, Dims dims) {
            Tensor t = tensor(name, dims);
            write(t, uniform(t.size()));
            return t;
        }

        float[] uniform(int count) {
            float[] v = new float[count];
            for (int i = 0; i < count; i++) {
                v[i] = 2 * random.nextFloat() - 1;
            }
            return v;
        }

        /** A direction along three random elements, each ±(0.5..1): few ReLUs move, so few kinks lie in reach. */
        float[] sparse(int count) {
            float[] v = new float[count];
            for (int k = 0; k < 3; k++) {
                v[random.nextInt(count)] = (random.nextBoolean() ? 1 : -1) * (0.5f + 0.5f * random.nextFloat());
            }
            return v;
        }

        float[] read(Tensor t) {
            float[] v = new float[t.size()];
            backend.download(t, v, 0);
            return v;
        }

        void write(Tensor t, float[] v) {
            backend.upload(v, 0, t);
        }

        private Tensor workspace(Pass pass) {
            long bytes = layer.workspaceBytes(backend.workspaceModel(), N, pass, true);
            return bytes == 0 ? null : tensor("ws." + pass.label(), Dims.vector(Math.toIntExact((bytes + 3) / 4)));
        }

        void forward() {
            Tensor ws = workspace(Pass.FORWARD);
            layer.forward(backend, new LayerCall(N, true, 7, List.of(x), y, params, List.of(), saved, ws, null,
                    List.of(), List.of(), false, null));
            release(ws);
        }

        void inverse(Tensor rebuilt, List<Tensor> savedForInverse) {
            Tensor ws = workspace(Pass.INVERSE);
            layer.inverse(backend, new LayerCall(N, true, 7, List.of(rebuilt), y, params, List.of(), savedForInverse,
                    ws, null, List.of(), List.of(), false, null));
            release(ws);
        }

        void backward(float[] upstream, boolean accumulateIn, boolean accumulateParams) {
            Tensor dy = tensor("dy", y.dims());
            write(dy, upstream);
            Tensor ws = workspace(Pass.BACKWARD);
            layer.backward(backend, new LayerCall(N, true, 7, List.of(x), y, params, paramGrads, saved, ws, dy,
                    Collections.singletonList(dx), List.of(accumulateIn), accumulateParams, null));
            release(ws);
            memory.free(dy);
        }

        /**
         * Which side of 0 each value of the output and the saved tensors (a coupling block's hidden maps) is on:
         * the branches the piecewise-linear parts took. Central differences are exact only when both evaluations
         * take the branches the point itself takes.
         */
        String pattern() {
            StringBuilder sb = new StringBuilder();
            List<Tensor> all = new ArrayList<>(saved);
            all.add(y);
            for (Tensor t : all) {
                for (float v : read(t)) {
                    sb.append(v > 0 ? '+' : '-');
                }
            }
            return sb.toString();
        }

        /** L = Σ upstream ⊙ forward(x), in double. */
        double objective(float[] upstream) {
            forward();
            float[] v = read(y);
            double sum = 0;
            for (int i = 0; i < v.length; i++) {
                sum += (double) upstream[i] * v[i];
            }
            return sum;
        }

        private void release(Tensor ws) {
            if (ws != null) {
                memory.free(ws);
            }
        }

        @Override
        public void close() {
            backend.close();
        }
    }
}
