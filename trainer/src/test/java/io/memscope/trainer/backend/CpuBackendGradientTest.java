package io.memscope.trainer.backend;

import static io.memscope.trainer.backend.GradientCheck.check;
import static io.memscope.trainer.backend.GradientCheck.checkAccumulates;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every backward kernel against central differences of L = Σ R ⊙ forward(inputs), with R a random upstream
 * gradient, and every {@code accumulate} flag. Each case runs on one thread, and on three threads with every
 * loop split however small, so the sliced code paths are checked too.
 *
 * <p>Tolerance: |numeric − analytic| ≤ tol · max(1, |numeric|). Piecewise-linear ops (conv, linear, pooling,
 * ReLU, dropout, add, concat) are exact up to float rounding, so they use eps = 1e-2 and tol = 1e-3, with
 * inputs kept away from kinks and ties; batch norm and softmax are curved and use tol = 5e-3.
 */
class CpuBackendGradientTest {
    private static final double EPS = 1e-2;
    private static final double LINEAR_TOL = 1e-3;
    private static final double CURVED_TOL = 5e-3;

    private static CpuFixture fixture(int threads) {
        return new CpuFixture(threads, threads > 1);
    }

    static Stream<Arguments> convCases() {
        List<Arguments> cases = new ArrayList<>();
        Object[][] geometries = {
            {"3x3 pad 1", new ConvGeometry(2, 3, 5, 5, 4, 3, 3, 1, 1, 1, 1), true},
            {"3x3 stride 2 non-square", new ConvGeometry(2, 2, 7, 6, 3, 3, 3, 2, 2, 1, 1), false},
            {"2x3 strides 1,2 pad 0,1", new ConvGeometry(3, 2, 6, 5, 3, 2, 3, 1, 2, 0, 1), true},
            {"1x1", new ConvGeometry(2, 4, 3, 3, 5, 1, 1, 1, 1, 0, 0), true},
            {"1x1 stride 2", new ConvGeometry(2, 3, 5, 4, 2, 1, 1, 2, 2, 0, 0), false},
            {"5x5 pad 2 on 4x4", new ConvGeometry(1, 2, 4, 4, 3, 5, 5, 1, 1, 2, 2), true},
            {"3x3 pad 1, 7 images in groups", new ConvGeometry(7, 2, 4, 4, 3, 3, 3, 1, 1, 1, 1), true},
        };
        for (Object[] g : geometries) {
            for (int threads : new int[] {1, 3}) {
                cases.add(Arguments.of(g[0], g[1], g[2], threads));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, bias {2}, {3} threads")
    @MethodSource("convCases")
    void convolution(String name, ConvGeometry g, boolean withBias, int threads) {
        try (CpuFixture f = fixture(threads)) {
            Backend b = f.backend;
            Tensor x = f.random("x", Dims.of(g.n(), g.c(), g.h(), g.w()));
            Tensor w = f.random("w", Dims.of(g.k(), g.c(), g.kh(), g.kw()));
            Tensor bias = withBias ? f.random("bias", Dims.vector(g.k())) : null;
            Dims out = Dims.of(g.n(), g.k(), g.outH(), g.outW());
            Tensor y = f.tensor("y", out);
            Tensor dy = f.random("dy", out);
            float[] upstream = f.read(dy);
            Tensor dx = f.tensor("dx", x.dims());
            Tensor dw = f.tensor("dw", w.dims());
            Tensor dbias = withBias ? f.tensor("dbias", bias.dims()) : null;
            Tensor forwardWs = f.workspace(g, ConvPass.FORWARD);
            Tensor dataWs = f.workspace(g, ConvPass.BACKWARD_DATA);
            Tensor filterWs = f.workspace(g, ConvPass.BACKWARD_FILTER);
            DoubleSupplier loss = () -> {
                b.convForward(g, x, w, bias, y, forwardWs);
                return f.dot(upstream, y);
            };
            loss.getAsDouble();
            b.convBackwardData(g, dy, w, dx, dataWs, false);
            b.convBackwardFilter(g, x, dy, dw, dbias, filterWs, false);

            check(name + " dx", f, x, f.read(dx), loss, EPS, LINEAR_TOL);
            check(name + " dw", f, w, f.read(dw), loss, EPS, LINEAR_TOL);
            if (withBias) {
                check(name + " dbias", f, bias, f.read(dbias), loss, EPS, LINEAR_TOL);
            }
            checkAccumulates(name + " backward data", f,
                    () -> b.convBackwardData(g, dy, w, dx, dataWs, false),
                    () -> b.convBackwardData(g, dy, w, dx, dataWs, true), dx);
            Tensor[] filterGrads = withBias ? new Tensor[] {dw, dbias} : new Tensor[] {dw};
            checkAccumulates(name + " backward filter", f,
                    () -> b.convBackwardFilter(g, x, dy, dw, dbias, filterWs, false),
                    () -> b.convBackwardFilter(g, x, dy, dw, dbias, filterWs, true), filterGrads);
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void linear(int threads) {
        try (CpuFixture f = fixture(threads)) {
            Backend b = f.backend;
            Tensor x = f.random("x", Dims.of(3, 2, 2, 2));
            Tensor w = f.random("w", Dims.of(5, 8, 1, 1));
            Tensor bias = f.random("bias", Dims.vector(5));
            Tensor y = f.tensor("y", Dims.of(3, 5, 1, 1));
            Tensor dy = f.random("dy", y.dims());
            float[] upstream = f.read(dy);
            Tensor dx = f.tensor("dx", x.dims());
            Tensor dw = f.tensor("dw", w.dims());
            Tensor dbias = f.tensor("dbias", bias.dims());
            DoubleSupplier loss = () -> {
                b.linearForward(x, w, bias, y);
                return f.dot(upstream, y);
            };
            loss.getAsDouble();
            b.linearBackward(x, w, dy, dx, dw, dbias, false, false);

            check("linear dx", f, x, f.read(dx), loss, EPS, LINEAR_TOL);
            check("linear dw", f, w, f.read(dw), loss, EPS, LINEAR_TOL);
            check("linear dbias", f, bias, f.read(dbias), loss, EPS, LINEAR_TOL);
            checkAccumulates("linear dx", f,
                    () -> b.linearBackward(x, w, dy, dx, dw, dbias, false, false),
                    () -> b.linearBackward(x, w, dy, dx, dw, dbias, true, false), dx);
            checkAccumulates("linear params", f,
                    () -> b.linearBackward(x, w, dy, dx, dw, dbias, false, false),
                    () -> b.linearBackward(x, w, dy, dx, dw, dbias, false, true), dw, dbias);

            b.linearBackward(x, w, dy, dx, dw, dbias, false, false);
            float[] withDx = f.read(dw);
            b.linearBackward(x, w, dy, null, dw, null, false, false);
            assertArrayClose(withDx, f.read(dw), "dw without dx and dbias");
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void reluAndLeakyRelu(int threads) {
        for (float slope : new float[] {0f, 0.1f}) {
            try (CpuFixture f = fixture(threads)) {
                Backend b = f.backend;
                Dims dims = Dims.of(2, 3, 4, 5);
                Tensor x = f.tensor("x", dims, f.awayFromZero((int) dims.elements(), 0.05f));
                Tensor y = f.tensor("y", dims);
                Tensor dy = f.random("dy", dims);
                float[] upstream = f.read(dy);
                Tensor dx = f.tensor("dx", dims);
                DoubleSupplier loss = () -> {
                    b.activationForward(x, y, slope);
                    return f.dot(upstream, y);
                };
                loss.getAsDouble();
                b.activationBackward(y, dy, dx, slope, false);
                check("activation slope " + slope, f, x, f.read(dx), loss, EPS, LINEAR_TOL);
                checkAccumulates("activation slope " + slope, f,
                        () -> b.activationBackward(y, dy, dx, slope, false),
                        () -> b.activationBackward(y, dy, dx, slope, true), dx);
            }
        }
    }

    static Stream<Arguments> poolCases() {
        List<Arguments> cases = new ArrayList<>();
        Object[][] geometries = {
            {"max 3x3 stride 2 pad 1", new PoolGeometry(2, 2, 5, 5, 3, 3, 2, 2, 1, 1, true)},
            {"max 2x2 stride 2", new PoolGeometry(1, 2, 4, 6, 2, 2, 2, 2, 0, 0, true)},
            {"max 3x2 strides 1,2 pad 1,0", new PoolGeometry(2, 1, 5, 4, 3, 2, 1, 2, 1, 0, true)},
            {"avg 3x3 stride 2 pad 1", new PoolGeometry(2, 2, 5, 5, 3, 3, 2, 2, 1, 1, false)},
            {"avg 3x3 stride 1 pad 1", new PoolGeometry(1, 2, 4, 3, 3, 3, 1, 1, 1, 1, false)},
            {"avg 2x3 strides 2,1 pad 0,1", new PoolGeometry(2, 1, 5, 4, 2, 3, 2, 1, 0, 1, false)},
        };
        for (Object[] g : geometries) {
            for (int threads : new int[] {1, 3}) {
                cases.add(Arguments.of(g[0], g[1], threads));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, {2} threads")
    @MethodSource("poolCases")
    void pooling(String name, PoolGeometry g, int threads) {
        try (CpuFixture f = fixture(threads)) {
            Backend b = f.backend;
            Dims in = Dims.of(g.n(), g.c(), g.h(), g.w());
            Dims out = Dims.of(g.n(), g.c(), g.outH(), g.outW());
            // Distinct values 0.05 apart: a ±0.01 step never changes which cell is a window's maximum.
            Tensor x = f.tensor("x", in, f.distinct((int) in.elements(), 0.05f));
            Tensor y = f.tensor("y", out);
            Tensor dy = f.random("dy", out);
            float[] upstream = f.read(dy);
            Tensor dx = f.tensor("dx", in);
            DoubleSupplier loss = () -> {
                b.poolForward(g, x, y);
                return f.dot(upstream, y);
            };
            loss.getAsDouble();
            b.poolBackward(g, x, y, dy, dx, false);
            check(name, f, x, f.read(dx), loss, EPS, LINEAR_TOL);
            checkAccumulates(name, f,
                    () -> b.poolBackward(g, x, y, dy, dx, false),
                    () -> b.poolBackward(g, x, y, dy, dx, true), dx);
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void batchNormTraining(int threads) {
        try (CpuFixture f = fixture(threads)) {
            Backend b = f.backend;
            Dims dims = Dims.of(3, 2, 3, 3);
            float[] values = f.uniform((int) dims.elements(), -2, 3);
            Tensor x = f.tensor("x", dims, values);
            Dims channels = Dims.vector(2);
            Tensor gamma = f.tensor("gamma", channels, f.uniform(2, 0.5f, 1.5f));
            Tensor beta = f.random("beta", channels);
            Tensor runningMean = f.tensor("runningMean", channels, new float[2]);
            Tensor runningVar = f.tensor("runningVar", channels, new float[] {1, 1});
            Tensor saveMean = f.tensor("saveMean", channels);
            Tensor saveInvStd = f.tensor("saveInvStd", channels);
            Tensor y = f.tensor("y", dims);
            Tensor dy = f.random("dy", dims);
            float[] upstream = f.read(dy);
            Tensor dx = f.tensor("dx", dims);
            Tensor dgamma = f.tensor("dgamma", channels);
            Tensor dbeta = f.tensor("dbeta", channels);
            DoubleSupplier loss = () -> {
                b.batchNormForwardTraining(x, gamma, beta, y, runningMean, runningVar, saveMean, saveInvStd, 0.1,
                        1e-5);
                return f.dot(upstream, y);
            };
            loss.getAsDouble();
            b.batchNormBackward(x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta, false, false);

            check("batch norm dx", f, x, f.read(dx), loss, EPS, CURVED_TOL);
            check("batch norm dgamma", f, gamma, f.read(dgamma), loss, EPS, CURVED_TOL);
            check("batch norm dbeta", f, beta, f.read(dbeta), loss, EPS, CURVED_TOL);
            checkAccumulates("batch norm dx", f,
                    () -> b.batchNormBackward(x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta, false, false),
                    () -> b.batchNormBackward(x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta, true, false),
                    dx);
            checkAccumulates("batch norm params", f,
                    () -> b.batchNormBackward(x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta, false, false),
                    () -> b.batchNormBackward(x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta, false, true),
                    dgamma, dbeta);
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void addAndAxpy(int threads) {
        try (CpuFixture f = fixture(threads)) {
            Backend b = f.backend;
            Dims dims = Dims.of(2, 3, 2, 3);
            Tensor a = f.random("a", dims);
            Tensor c = f.random("c", dims);
            Tensor y = f.tensor("y", dims);
            float[] upstream = f.uniform((int) dims.elements(), -1, 1);
            DoubleSupplier sum = () -> {
                b.add(a, c, y);
                return f.dot(upstream, y);
            };
            // The backward of a sum hands the upstream gradient to both operands unchanged.
            check("add da", f, a, upstream, sum, EPS, LINEAR_TOL);
            check("add db", f, c, upstream, sum, EPS, LINEAR_TOL);

            float[] start = f.read(y);
            float alpha = -0.7f;
            DoubleSupplier axpy = () -> {
                f.write(y, start);
                b.axpy(alpha, a, y);
                return f.dot(upstream, y);
            };
            float[] scaled = new float[upstream.length];
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] = alpha * upstream[i];
            }
            check("axpy dx", f, a, scaled, axpy, EPS, LINEAR_TOL);
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void concatenationByCopyChannels(int threads) {
        try (CpuFixture f = fixture(threads)) {
            Backend b = f.backend;
            Tensor a = f.random("a", Dims.of(2, 3, 2, 2));
            Tensor c = f.random("c", Dims.of(2, 2, 2, 2));
            Tensor cat = f.tensor("cat", Dims.of(2, 5, 2, 2));
            Tensor dcat = f.random("dcat", cat.dims());
            float[] upstream = f.read(dcat);
            Tensor da = f.tensor("da", a.dims());
            Tensor dc = f.tensor("dc", c.dims());
            DoubleSupplier loss = () -> {
                b.copyChannels(a, 0, cat, 0, 3, false);
                b.copyChannels(c, 0, cat, 3, 2, false);
                return f.dot(upstream, cat);
            };
            loss.getAsDouble();
            b.copyChannels(dcat, 0, da, 0, 3, false);
            b.copyChannels(dcat, 3, dc, 0, 2, false);
            check("concat da", f, a, f.read(da), loss, EPS, LINEAR_TOL);
            check("concat dc", f, c, f.read(dc), loss, EPS, LINEAR_TOL);
            checkAccumulates("concat backward", f,
                    () -> b.copyChannels(dcat, 3, dc, 0, 2, false),
                    () -> b.copyChannels(dcat, 3, dc, 0, 2, true), dc);
            assertThrows(IllegalArgumentException.class, () -> b.copyChannels(dcat, 4, dc, 0, 2, false));
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void dropout(int threads) {
        try (CpuFixture f = fixture(threads)) {
            Backend b = f.backend;
            Dims dims = Dims.of(2, 3, 4, 4);
            float p = 0.3f;
            long seed = 7;
            Tensor x = f.random("x", dims);
            Tensor mask = f.tensor("mask", dims);
            Tensor y = f.tensor("y", dims);
            Tensor dy = f.random("dy", dims);
            float[] upstream = f.read(dy);
            Tensor dx = f.tensor("dx", dims);
            DoubleSupplier loss = () -> {
                b.dropoutForward(x, mask, y, p, seed);
                return f.dot(upstream, y);
            };
            loss.getAsDouble();
            float[] m = f.read(mask);
            int kept = 0;
            for (int i = 0; i < m.length; i++) {
                float expected = Dropout.uniform(seed, i) >= p ? 1f / (1f - p) : 0f;
                assertEquals(expected, m[i], "mask[" + i + "]");
                kept += m[i] > 0 ? 1 : 0;
            }
            assertTrue(kept > 0 && kept < m.length, "some kept, some dropped: " + kept + " of " + m.length);
            b.dropoutBackward(dy, mask, dx, false);
            check("dropout dx", f, x, f.read(dx), loss, EPS, LINEAR_TOL);
            checkAccumulates("dropout", f,
                    () -> b.dropoutBackward(dy, mask, dx, false),
                    () -> b.dropoutBackward(dy, mask, dx, true), dx);
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void softmaxCrossEntropy(int threads) {
        try (CpuFixture f = fixture(threads)) {
            Backend b = f.backend;
            Dims dims = Dims.of(4, 3, 1, 2);
            Tensor logits = f.tensor("logits", dims, f.uniform((int) dims.elements(), -2, 2));
            Tensor labels = f.tensor("labels", Dims.of(4, 1, 1, 1), new float[] {0, 5, 2, 3});
            Tensor probs = f.tensor("probs", dims);
            Tensor loss = f.tensor("loss", Dims.of(1, 1, 1, 1));
            Tensor dlogits = f.tensor("dlogits", dims);
            DoubleSupplier objective = () -> {
                b.softmaxCrossEntropyForward(logits, labels, probs, loss);
                return f.read(loss)[0];
            };
            objective.getAsDouble();
            float[] p = f.read(probs);
            for (int i = 0; i < 4; i++) {
                double sum = 0;
                for (int j = 0; j < 6; j++) {
                    sum += p[i * 6 + j];
                }
                assertEquals(1.0, sum, 1e-6, "probabilities of sample " + i);
            }
            b.softmaxCrossEntropyBackward(probs, labels, dlogits);
            check("softmax cross-entropy dlogits", f, logits, f.read(dlogits), objective, EPS, CURVED_TOL);
        }
    }

    private static void assertArrayClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6 * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
        }
    }
}
