package io.memscope.trainer.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Small cases worked out by hand, to pin down conventions the gradient checks cannot see. */
class CpuBackendHandComputedTest {
    private static final float TOL = 1e-6f;

    private final CpuFixture f = new CpuFixture(1);
    private final Backend b = f.backend;

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void convolution3x3With2x2Kernel() {
        // x = 1 2 3 / 4 5 6 / 7 8 9, w = 1 2 / 3 4, bias 0.5: y(0,0) = 1 + 4 + 12 + 20 + 0.5 = 37.5, and so on.
        ConvGeometry g = new ConvGeometry(1, 1, 3, 3, 1, 2, 2, 1, 1, 0, 0);
        Tensor x = f.tensor("x", Dims.of(1, 1, 3, 3), new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        Tensor w = f.tensor("w", Dims.of(1, 1, 2, 2), new float[] {1, 2, 3, 4});
        Tensor bias = f.tensor("bias", Dims.vector(1), new float[] {0.5f});
        Tensor y = f.tensor("y", Dims.of(1, 1, 2, 2));
        b.convForward(g, x, w, bias, y, f.workspace(g, ConvPass.FORWARD));
        assertArrayEquals(new float[] {37.5f, 47.5f, 67.5f, 77.5f}, f.read(y), TOL);

        // With dy all ones, dx counts how often each input meets each weight; dw sums the 2x2 windows' cells.
        Tensor dy = f.tensor("dy", y.dims(), new float[] {1, 1, 1, 1});
        Tensor dx = f.tensor("dx", x.dims());
        Tensor dw = f.tensor("dw", w.dims());
        Tensor dbias = f.tensor("dbias", bias.dims());
        b.convBackwardData(g, dy, w, dx, f.workspace(g, ConvPass.BACKWARD_DATA), false);
        b.convBackwardFilter(g, x, dy, dw, dbias, f.workspace(g, ConvPass.BACKWARD_FILTER), false);
        assertArrayEquals(new float[] {1, 3, 2, 4, 10, 6, 3, 7, 4}, f.read(dx), TOL);
        assertArrayEquals(new float[] {12, 16, 24, 28}, f.read(dw), TOL);
        assertArrayEquals(new float[] {4}, f.read(dbias), TOL);
    }

    @Test
    void maxPool2x2On4x4() {
        PoolGeometry g = new PoolGeometry(1, 1, 4, 4, 2, 2, 2, 2, 0, 0, true);
        Tensor x = f.tensor("x", Dims.of(1, 1, 4, 4), new float[] {
            1, 3, 2, 1,
            4, 2, 0, 5,
            7, 7, 1, 1,
            6, 0, 1, 9});
        Tensor y = f.tensor("y", Dims.of(1, 1, 2, 2));
        b.poolForward(g, x, y);
        assertArrayEquals(new float[] {4, 5, 7, 9}, f.read(y), TOL);

        // The bottom-left window holds 7 twice: the gradient goes to the first in row-major order.
        Tensor dy = f.tensor("dy", y.dims(), new float[] {10, 20, 30, 40});
        Tensor dx = f.tensor("dx", x.dims());
        b.poolBackward(g, x, y, dy, dx, false);
        assertArrayEquals(new float[] {
            0, 0, 0, 0,
            10, 0, 0, 20,
            30, 0, 0, 0,
            0, 0, 0, 40}, f.read(dx), TOL);
    }

    @Test
    void averagePoolCountsPadding() {
        // 3x3 windows with padding 1 over a 2x2 image: every window sees all four cells and five zeros.
        PoolGeometry g = new PoolGeometry(1, 1, 2, 2, 3, 3, 1, 1, 1, 1, false);
        Tensor x = f.tensor("x", Dims.of(1, 1, 2, 2), new float[] {1, 2, 3, 3});
        Tensor y = f.tensor("y", Dims.of(1, 1, 2, 2));
        b.poolForward(g, x, y);
        assertArrayEquals(new float[] {1, 1, 1, 1}, f.read(y), TOL);
    }

    @Test
    void softmaxCrossEntropyOnTwoClasses() {
        // Sample 0: logits (0, ln 3) give probabilities (1/4, 3/4), label 1, loss −ln(3/4).
        // Sample 1: logits (1, 1) give (1/2, 1/2), label 0, loss ln 2.
        Tensor logits = f.tensor("logits", Dims.of(2, 2, 1, 1), new float[] {0, (float) Math.log(3), 1, 1});
        Tensor labels = f.tensor("labels", Dims.of(2, 1, 1, 1), new float[] {1, 0});
        Tensor probs = f.tensor("probs", logits.dims());
        Tensor loss = f.tensor("loss", Dims.of(1, 1, 1, 1));
        b.softmaxCrossEntropyForward(logits, labels, probs, loss);
        assertArrayEquals(new float[] {0.25f, 0.75f, 0.5f, 0.5f}, f.read(probs), TOL);
        assertEquals((-Math.log(0.75) + Math.log(2)) / 2, f.read(loss)[0], TOL);

        Tensor dlogits = f.tensor("dlogits", logits.dims());
        b.softmaxCrossEntropyBackward(probs, labels, dlogits);
        assertArrayEquals(new float[] {0.125f, -0.125f, -0.25f, 0.25f}, f.read(dlogits), TOL);
    }

    @Test
    void softmaxIsStableForHugeLogits() {
        Tensor logits = f.tensor("logits", Dims.of(1, 3, 1, 1), new float[] {1000, 1001, 1002});
        Tensor labels = f.tensor("labels", Dims.of(1, 1, 1, 1), new float[] {2});
        Tensor probs = f.tensor("probs", logits.dims());
        Tensor loss = f.tensor("loss", Dims.of(1, 1, 1, 1));
        b.softmaxCrossEntropyForward(logits, labels, probs, loss);
        double z = 1 + Math.exp(-1) + Math.exp(-2);
        assertArrayEquals(new float[] {(float) (Math.exp(-2) / z), (float) (Math.exp(-1) / z), (float) (1 / z)},
                f.read(probs), TOL);
        assertEquals(Math.log(z), f.read(loss)[0], 1e-5);
    }

    @Test
    void labelsMustBeClassIndices() {
        Tensor logits = f.tensor("logits", Dims.of(1, 3, 1, 1), new float[] {0, 0, 0});
        Tensor probs = f.tensor("probs", logits.dims());
        Tensor loss = f.tensor("loss", Dims.of(1, 1, 1, 1));
        for (float bad : new float[] {3, -1, 1.5f}) {
            Tensor labels = f.tensor("labels", Dims.of(1, 1, 1, 1), new float[] {bad});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> b.softmaxCrossEntropyForward(logits, labels, probs, loss));
            assertEquals("label " + bad + " of sample 0 is not a class index in [0, 3)", e.getMessage());
        }
    }

    @Test
    void batchNormStatisticsAndMomentum() {
        // One channel holding 1, 2, 3, 4: mean 2.5, biased variance 1.25, unbiased 5/3.
        Tensor x = f.tensor("x", Dims.of(2, 1, 1, 2), new float[] {1, 2, 3, 4});
        Dims one = Dims.vector(1);
        Tensor gamma = f.tensor("gamma", one, new float[] {2});
        Tensor beta = f.tensor("beta", one, new float[] {1});
        Tensor runningMean = f.tensor("runningMean", one, new float[] {0});
        Tensor runningVar = f.tensor("runningVar", one, new float[] {1});
        Tensor saveMean = f.tensor("saveMean", one);
        Tensor saveInvStd = f.tensor("saveInvStd", one);
        Tensor y = f.tensor("y", x.dims());
        b.batchNormForwardTraining(x, gamma, beta, y, runningMean, runningVar, saveMean, saveInvStd, 0.1, 0);
        double invStd = 1 / Math.sqrt(1.25);
        assertEquals(2.5f, f.read(saveMean)[0], TOL);
        assertEquals(invStd, f.read(saveInvStd)[0], TOL);
        assertEquals(0.25f, f.read(runningMean)[0], TOL);
        assertEquals(0.9 + 0.1 * 5 / 3.0, f.read(runningVar)[0], TOL);
        assertArrayEquals(new float[] {(float) (1 - 3 * invStd), (float) (1 - invStd), (float) (1 + invStd),
            (float) (1 + 3 * invStd)}, f.read(y), 1e-5f);

        // Inference with running mean 0.25 and variance 1: y = 2·(x − 0.25) + 1.
        b.fill(runningVar, 1);
        b.batchNormForwardInference(x, gamma, beta, y, runningMean, runningVar, 0);
        assertArrayEquals(new float[] {2.5f, 4.5f, 6.5f, 8.5f}, f.read(y), TOL);
    }

    @Test
    void sgdMomentumStep() {
        // g = 0.5 + 0.01·1 = 0.51; v = 0.9·0.2 + 0.51 = 0.69; w = 1 − 0.1·0.69 = 0.931.
        Tensor w = f.tensor("w", Dims.vector(1), new float[] {1});
        Tensor dw = f.tensor("dw", Dims.vector(1), new float[] {0.5f});
        Tensor v = f.tensor("v", Dims.vector(1), new float[] {0.2f});
        b.sgdUpdate(w, dw, v, 0.1f, 0.9f, 0.01f);
        assertEquals(0.69f, f.read(v)[0], TOL);
        assertEquals(0.931f, f.read(w)[0], TOL);

        // Without momentum there is no velocity: w = 0.931 − 0.1·(0.5 + 0.01·0.931).
        b.sgdUpdate(w, dw, null, 0.1f, 0f, 0.01f);
        assertEquals(0.931 - 0.1 * (0.5 + 0.00931), f.read(w)[0], TOL);
    }

    @Test
    void adamSteps() {
        // Step 1, no weight decay: m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25, w = 1 − 0.1·0.5/0.5 = 0.9.
        Tensor w = f.tensor("w", Dims.vector(1), new float[] {1});
        Tensor dw = f.tensor("dw", Dims.vector(1), new float[] {0.5f});
        Tensor m = f.tensor("m", Dims.vector(1), new float[] {0});
        Tensor v = f.tensor("v", Dims.vector(1), new float[] {0});
        b.adamUpdate(w, dw, m, v, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, 1);
        assertEquals(0.05f, f.read(m)[0], TOL);
        assertEquals(0.00025f, f.read(v)[0], TOL);
        assertEquals(0.9f, f.read(w)[0], TOL);

        // Step 2 with weight decay 0.1 and dw = −0.2: g = −0.2 + 0.09 = −0.11; m = 0.045 − 0.011 = 0.034;
        // v = 0.999·0.00025 + 0.001·0.0121 = 0.00026185; m̂ = 0.034/0.19; v̂ = 0.00026185/0.001999.
        f.write(dw, new float[] {-0.2f});
        b.adamUpdate(w, dw, m, v, 0.1f, 0.9f, 0.999f, 1e-8f, 0.1f, 2);
        double mHat = 0.034 / (1 - 0.81);
        double vHat = 0.00026185 / (1 - 0.998001);
        assertEquals(0.034f, f.read(m)[0], TOL);
        // 1 − 0.999f is 0.99998713e-3 in float, hence the looser bound on v.
        assertEquals(0.00026185f, f.read(v)[0], 1e-8f);
        assertEquals(0.9 - 0.1 * mHat / (Math.sqrt(vHat) + 1e-8), f.read(w)[0], 1e-5);
    }

    @Test
    void fillCopyAndTransfers() {
        Tensor a = f.tensor("a", Dims.of(1, 2, 1, 2), new float[] {1, 2, 3, 4});
        Tensor c = f.tensor("c", Dims.of(2, 2, 1, 1));
        b.copy(a, c);
        float[] host = {9, 9, 9, 9, 9, 9};
        b.download(c, host, 1);
        assertArrayEquals(new float[] {9, 1, 2, 3, 4, 9}, host, 0f);
        b.fill(c, -2);
        assertArrayEquals(new float[] {-2, -2, -2, -2}, f.read(c), 0f);
        b.upload(host, 2, c);
        assertArrayEquals(new float[] {2, 3, 4, 9}, f.read(c), 0f);
    }
}
