package io.memscope.trainer.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * One thread and two threads give the same numbers up to float rounding. The tensors are large enough that every
 * loop is split between the two workers (each loop does more than the pool's minimum parallel work). Splitting a
 * loop changes how sums are cut (a BLAS rounds a product differently when it is cut into smaller ones), so the
 * results agree to |one − two| ≤ atol + rtol·|one| with atol a fraction of the array's largest magnitude, not
 * bit for bit. A worker skipping or repeating part of its slice is off by a whole value.
 */
class CpuBackendThreadsTest {
    private static final double RTOL = 1e-5;
    /** The absolute tolerance as a fraction of the array's largest |value|: for sums that cancel to near 0. */
    private static final double ATOL_OF_MAX = 1e-5;
    private static final int MISMATCHES_SHOWN = 5;

    @Test
    void convolutionOnABatchOfFour() {
        ConvGeometry[] geometries = {
            new ConvGeometry(4, 16, 16, 16, 32, 3, 3, 1, 1, 1, 1),
            new ConvGeometry(4, 8, 15, 13, 12, 3, 3, 2, 2, 1, 1),
            new ConvGeometry(4, 32, 16, 16, 16, 1, 1, 1, 1, 0, 0),
            new ConvGeometry(7, 16, 4, 4, 24, 3, 3, 1, 1, 1, 1), // images in groups of 7, 4 or 2 as threads vary
        };
        for (ConvGeometry g : geometries) {
            assertSameResults("conv " + g, (f, out) -> {
                Backend b = f.backend;
                Tensor x = f.random("x", Dims.of(g.n(), g.c(), g.h(), g.w()));
                Tensor w = f.random("w", Dims.of(g.k(), g.c(), g.kh(), g.kw()));
                Tensor bias = f.random("bias", Dims.vector(g.k()));
                Dims outDims = Dims.of(g.n(), g.k(), g.outH(), g.outW());
                Tensor y = f.tensor("y", outDims);
                Tensor dy = f.random("dy", outDims);
                Tensor dx = f.tensor("dx", x.dims());
                Tensor dw = f.tensor("dw", w.dims());
                Tensor dbias = f.tensor("dbias", bias.dims());
                b.convForward(g, x, w, bias, y, f.workspace(g, ConvPass.FORWARD));
                b.convBackwardData(g, dy, w, dx, f.workspace(g, ConvPass.BACKWARD_DATA), false);
                b.convBackwardFilter(g, x, dy, dw, dbias, f.workspace(g, ConvPass.BACKWARD_FILTER), false);
                out.put("y", f.read(y));
                out.put("dx", f.read(dx));
                out.put("dw", f.read(dw));
                out.put("dbias", f.read(dbias));
            });
        }
    }

    @Test
    void otherKernels() {
        assertSameResults("other kernels", (f, out) -> {
            Backend b = f.backend;
            Dims dims = Dims.of(4, 32, 32, 33);
            Tensor x = f.random("x", dims);
            Tensor dy = f.random("dy", dims);
            Tensor y = f.tensor("y", dims);
            Tensor dx = f.tensor("dx", dims);

            b.activationForward(x, y, 0.1f);
            b.activationBackward(y, dy, dx, 0.1f, false);
            out.put("leaky relu y", f.read(y));
            out.put("leaky relu dx", f.read(dx));

            b.add(x, dy, y);
            b.axpy(0.5f, x, y);
            out.put("add, axpy", f.read(y));

            Tensor mask = f.tensor("mask", dims);
            b.dropoutForward(x, mask, y, 0.25f, 3);
            b.dropoutBackward(dy, mask, dx, true);
            out.put("dropout y", f.read(y));
            out.put("dropout dx", f.read(dx));

            PoolGeometry pool = new PoolGeometry(4, 32, 32, 33, 3, 3, 2, 2, 1, 1, true);
            Dims pooled = Dims.of(4, 32, pool.outH(), pool.outW());
            Tensor py = f.tensor("pool y", pooled);
            Tensor pdy = f.random("pool dy", pooled);
            b.poolForward(pool, x, py);
            b.poolBackward(pool, x, py, pdy, dx, false);
            out.put("max pool y", f.read(py));
            out.put("max pool dx", f.read(dx));

            Dims channels = Dims.vector(32);
            Tensor gamma = f.random("gamma", channels);
            Tensor beta = f.random("beta", channels);
            Tensor mean = f.tensor("running mean", channels, new float[32]);
            Tensor var = f.random("running var", channels);
            Tensor saveMean = f.tensor("save mean", channels);
            Tensor saveInvStd = f.tensor("save inv std", channels);
            Tensor dgamma = f.tensor("dgamma", channels);
            Tensor dbeta = f.tensor("dbeta", channels);
            b.fill(var, 1);
            b.batchNormForwardTraining(x, gamma, beta, y, mean, var, saveMean, saveInvStd, 0.1, 1e-5);
            b.batchNormBackward(x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta, false, false);
            out.put("batch norm y", f.read(y));
            out.put("batch norm running var", f.read(var));
            out.put("batch norm dx", f.read(dx));
            out.put("batch norm dgamma", f.read(dgamma));

            Tensor flat = x.reshaped(Dims.of(4, 32 * 32 * 33, 1, 1));
            Tensor w = f.random("linear w", Dims.of(20, 32 * 32 * 33, 1, 1));
            Tensor ly = f.tensor("linear y", Dims.of(4, 20, 1, 1));
            Tensor ldy = f.random("linear dy", ly.dims());
            Tensor dw = f.tensor("linear dw", w.dims());
            b.linearForward(flat, w, null, ly);
            b.linearBackward(flat, w, ldy, dx.reshaped(flat.dims()), dw, null, false, false);
            out.put("linear y", f.read(ly));
            out.put("linear dx", f.read(dx));
            out.put("linear dw", f.read(dw));

            Tensor logits = f.random("logits", Dims.of(64, 1000, 1, 1));
            float[] classes = new float[64];
            for (int i = 0; i < classes.length; i++) {
                classes[i] = (i * 37) % 1000;
            }
            Tensor labels = f.tensor("labels", Dims.of(64, 1, 1, 1), classes);
            Tensor probs = f.tensor("probs", logits.dims());
            Tensor loss = f.tensor("loss", Dims.of(1, 1, 1, 1));
            b.softmaxCrossEntropyForward(logits, labels, probs, loss);
            b.softmaxCrossEntropyBackward(probs, labels, logits);
            out.put("loss", f.read(loss));
            out.put("dlogits", f.read(logits));

            Tensor m = f.tensor("adam m", w.dims(), new float[w.size()]);
            Tensor v = f.tensor("adam v", w.dims(), new float[w.size()]);
            b.adamUpdate(w, dw, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 1e-4f, 1);
            b.sgdUpdate(w, dw, m, 0.01f, 0.9f, 1e-4f);
            out.put("optimizers", f.read(w));
        });
    }

    /** Runs {@code scenario} on a 1-thread and a 2-thread backend and compares every recorded array. */
    private static void assertSameResults(String what, BiConsumer<CpuFixture, Map<String, float[]>> scenario) {
        Map<String, float[]> one = new LinkedHashMap<>();
        Map<String, float[]> two = new LinkedHashMap<>();
        try (CpuFixture f = new CpuFixture(1)) {
            scenario.accept(f, one);
        }
        try (CpuFixture f = new CpuFixture(2)) {
            scenario.accept(f, two);
        }
        assertEquals(one.keySet(), two.keySet());
        for (String key : one.keySet()) {
            float[] a = one.get(key);
            float[] b = two.get(key);
            assertEquals(a.length, b.length, what + " " + key);
            double max = 0;
            for (float v : a) {
                max = Math.max(max, Math.abs(v));
            }
            double atol = ATOL_OF_MAX * max;
            double worst = 0;
            int worstAt = 0;
            int mismatches = 0;
            StringBuilder shown = new StringBuilder();
            for (int i = 0; i < a.length; i++) {
                double ratio = Math.abs(a[i] - b[i]) / (atol + RTOL * Math.abs(a[i]));
                if (!(ratio <= 1)) {
                    if (++mismatches <= MISMATCHES_SHOWN) {
                        shown.append(String.format("%n  %s[%d]: 1 thread %s, 2 threads %s", key, i, a[i], b[i]));
                    }
                    ratio = Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio;
                }
                if (ratio > worst) {
                    worst = ratio;
                    worstAt = i;
                }
            }
            System.out.printf("%s %s: worst |diff| / (%.0e·max + %.0e·|1 thread|) = %.3f at [%d]%n", what, key,
                    ATOL_OF_MAX, RTOL, worst, worstAt);
            if (mismatches > 0) {
                fail(String.format("%s %s: %d of %d values differ by more than %.0e·%.4g + %.0e·|1 thread| "
                        + "(worst ratio %.3g at [%d]); first:%s", what, key, mismatches, a.length, ATOL_OF_MAX, max,
                        RTOL, worst, worstAt, shown));
            }
        }
    }
}
