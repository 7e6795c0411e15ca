package io.memscope.trainer.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.backend.ConvGeometry;
import io.memscope.trainer.backend.ConvPass;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.backend.PoolGeometry;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.Tensor;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every op of the CUDA backend against its CPU twin on seeded inputs, outputs and gradients, the accumulating
 * forms too. Subclasses say which backend stands against the CPU: the kernels emulated on the CPU (our kernels
 * only: cuDNN's ops need a GPU) or a real card.
 */
abstract class KernelParityCases {
    /** Sums in another order: float rounding, scaled to the output's largest value. */
    static final double RTOL = 1e-5;
    static final double ATOL = 1e-5;

    /** The backend to compare with the CPU, on the given memory. */
    abstract Function<DeviceMemory, Backend> backend();

    /** Whether cuDNN's ops run (a real card) or only our kernels (emulated). */
    abstract boolean cudnn();

    long budget() {
        return 4L << 20;
    }

    void check(String what, Parity.Scenario scenario) {
        Parity.assertClose(what, budget(), backend(), RTOL, ATOL, scenario);
    }

    /** Bit for bit: the optimizers compute the CPU's float formulas operation for operation. */
    void checkExact(String what, Parity.Scenario scenario) {
        Parity.assertClose(what, budget(), backend(), 0, 0, scenario);
    }

    private void needsCudnn() {
        assumeTrue(cudnn(), "cuDNN's ops run on a GPU only");
    }

    // ---- our kernels ---------------------------------------------------------------------------------------

    @Test
    void fillAndCopy() {
        check("fill, copy", (s, out) -> {
            Tensor a = s.tensor("a", Dims.of(3, 5, 7, 11));
            s.backend.fill(a, 0.25f);
            Tensor b = s.tensor("b", a.dims());
            s.backend.copy(a, b);
            out.put("filled", s.read(a));
            out.put("copied", s.read(b));
        });
    }

    @Test
    void leakyRelu() {
        check("leaky relu", (s, out) -> {
            Dims d = Dims.of(2, 3, 17, 19);
            Tensor x = s.tensor("x", d, s.awayFromZero((int) d.elements(), 0.01f));
            Tensor y = s.tensor("y", d);
            Tensor dy = s.random("dy", d);
            Tensor dx = s.random("dx", d);
            Tensor back = s.tensor("back", d);
            s.backend.activationForward(x, y, 0.1f);
            s.backend.activationBackward(y, dy, dx, 0.1f, true);
            s.backend.activationInverse(y, back, 0.1f);
            out.put("y", s.read(y));
            out.put("dx (accumulated)", s.read(dx));
            out.put("rebuilt x", s.read(back));
        });
    }

    @Test
    void batchNormWithSavedStatistics() {
        check("batch norm apply, inverse", (s, out) -> {
            Dims d = Dims.of(3, 4, 9, 7);
            Tensor x = s.random("x", d);
            Tensor gamma = s.tensor("gamma", Dims.vector(4), s.uniform(4, 0.5f, 1.5f));
            Tensor beta = s.random("beta", Dims.vector(4));
            Tensor mean = s.random("mean", Dims.vector(4));
            Tensor invStd = s.tensor("invStd", Dims.vector(4), s.uniform(4, 0.5f, 2f));
            Tensor y = s.tensor("y", d);
            Tensor back = s.tensor("back", d);
            s.backend.batchNormApply(x, gamma, beta, mean, invStd, y);
            s.backend.batchNormInverse(y, gamma, beta, mean, invStd, back);
            out.put("y", s.read(y));
            out.put("rebuilt x", s.read(back));
        });
    }

    @Test
    void magnitude() {
        check("magnitude", (s, out) -> {
            Dims d = Dims.vector(1000);
            Tensor x = s.tensor("x", d, s.awayFromZero(1000, 0.01f));
            Tensor y = s.tensor("y", d);
            Tensor dy = s.random("dy", d);
            Tensor dx = s.random("dx", d);
            s.backend.magnitude(x, 0.01f, y);
            s.backend.magnitudeBackward(x, dy, dx, true);
            out.put("y", s.read(y));
            out.put("dx (accumulated)", s.read(dx));
        });
    }

    @Test
    void spaceToDepthAndBack() {
        check("space to depth", (s, out) -> {
            Tensor x = s.random("x", Dims.of(2, 3, 8, 6));
            Tensor y = s.tensor("y", Dims.of(2, 12, 4, 3));
            Tensor back = s.random("back", x.dims());
            s.backend.spaceToDepth(x, y, 2);
            s.backend.depthToSpace(y, back, 2, true);
            out.put("y", s.read(y));
            out.put("x + depth-to-space(y)", s.read(back));
        });
    }

    @Test
    void channelsAndRows() {
        check("copy channels, rows, fill rows", (s, out) -> {
            Tensor src = s.random("src", Dims.of(3, 5, 6, 7));
            Tensor dst = s.random("dst", Dims.of(3, 8, 6, 7));
            s.backend.copyChannels(src, 1, dst, 4, 3, false);
            s.backend.copyChannels(src, 0, dst, 0, 2, true);
            out.put("channels", s.read(dst));
            Tensor band = s.random("band", Dims.of(3, 5, 4, 7));
            s.backend.copyRows(src, 1, band, 0, 3, false);
            s.backend.copyRows(src, 4, band, 2, 2, true);
            s.backend.fillRows(band, 3, 1, Float.NEGATIVE_INFINITY);
            out.put("rows", s.read(band));
        });
    }

    @Test
    void dropout() {
        check("dropout", (s, out) -> {
            Dims d = Dims.of(4, 8, 9, 9);
            Tensor x = s.random("x", d);
            Tensor mask = s.tensor("mask", d);
            Tensor y = s.tensor("y", d);
            Tensor dy = s.random("dy", d);
            Tensor dx = s.tensor("dx", d);
            s.backend.dropoutForward(x, mask, y, 0.3f, 0x5eed_1234_abcdL);
            s.backend.dropoutBackward(dy, mask, dx, false);
            out.put("mask", s.read(mask));
            out.put("y", s.read(y));
            out.put("dx", s.read(dx));
        });
    }

    @Test
    void linear() {
        // sizes that are no multiple of the GEMM's 64 × 64 tile or its 16-deep steps
        for (int[] size : new int[][] {{70, 130, 10}, {5, 3, 2}, {64, 64, 64}}) {
            int n = size[0];
            int in = size[1];
            int outF = size[2];
            check("linear " + n + "x" + in + "->" + outF, (s, out) -> {
                Tensor x = s.random("x", Dims.of(n, in, 1, 1));
                Tensor w = s.random("w", Dims.of(outF, in, 1, 1));
                Tensor bias = s.random("bias", Dims.vector(outF));
                Tensor y = s.tensor("y", Dims.of(n, outF, 1, 1));
                Tensor dy = s.random("dy", y.dims());
                Tensor dx = s.tensor("dx", x.dims());
                Tensor dw = s.random("dw", w.dims());
                Tensor dbias = s.random("dbias", bias.dims());
                s.backend.linearForward(x, w, bias, y);
                s.backend.linearBackward(x, w, dy, dx, dw, dbias, false, true);
                out.put("y", s.read(y));
                out.put("dx", s.read(dx));
                out.put("dw (accumulated)", s.read(dw));
                out.put("dbias (accumulated)", s.read(dbias));
                Tensor dx2 = s.random("dx2", x.dims());
                s.backend.linearBackward(x, w, dy, dx2, dw, null, true, false);
                out.put("dx (accumulated)", s.read(dx2));
                out.put("dw", s.read(dw));
            });
        }
    }

    @Test
    void crossEntropyLossAndGradient() {
        check("cross-entropy", (s, out) -> {
            int n = 300;
            int classes = 10;
            float[] scores = s.uniform(n * classes, -4, 4);
            Tensor logits = s.tensor("logits", Dims.of(n, classes, 1, 1), scores);
            Tensor labels = s.labels("labels", n, classes);
            Tensor probs = s.tensor("probs", logits.dims());
            Tensor loss = s.tensor("loss", Dims.vector(1));
            s.backend.softmaxCrossEntropyForward(logits, labels, probs, loss);
            out.put("loss", s.read(loss));
            if (cudnn()) {
                out.put("probs", s.read(probs));
            }
            // the gradient from the same probabilities on both sides (a softmax in double here), to check its kernel
            float[] p = new float[n * classes];
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int j = 0; j < classes; j++) {
                    sum += Math.exp(scores[i * classes + j]);
                }
                for (int j = 0; j < classes; j++) {
                    p[i * classes + j] = (float) (Math.exp(scores[i * classes + j]) / sum);
                }
            }
            Tensor cpuProbs = s.tensor("cpu probs", logits.dims(), p);
            Tensor dlogits = s.tensor("dlogits", logits.dims());
            s.backend.softmaxCrossEntropyBackward(cpuProbs, labels, dlogits);
            out.put("dlogits", s.read(dlogits));
        });
    }

    @Test
    void labelThatIsNoClassIsRefusedAsOnTheCpu() {
        String[] messages = new String[2];
        int k = 0;
        for (Function<DeviceMemory, Backend> make : java.util.List.<Function<DeviceMemory, Backend>>of(
                m -> new CpuBackend(m, 1), backend())) {
            int side = k++;
            Parity.run(budget(), make, (s, out) -> {
                Tensor logits = s.random("logits", Dims.of(4, 3, 1, 1));
                Tensor labels = s.tensor("labels", Dims.of(4, 1, 1, 1), new float[] {0, 2, 3, 1});
                Tensor probs = s.tensor("probs", logits.dims());
                Tensor loss = s.tensor("loss", Dims.vector(1));
                messages[side] = assertThrows(IllegalArgumentException.class,
                        () -> s.backend.softmaxCrossEntropyForward(logits, labels, probs, loss)).getMessage();
            });
        }
        assertEquals(messages[0], messages[1]);
        assertEquals("label 3.0 of sample 2 is not a class index in [0, 3)", messages[1]);
    }

    @Test
    void optimizersBitForBit() {
        checkExact("sgd, adam", (s, out) -> {
            Dims d = Dims.vector(5000);
            Tensor w = s.random("w", d);
            Tensor dw = s.random("dw", d);
            Tensor v = s.random("v", d);
            s.backend.sgdUpdate(w, dw, v, 0.01f, 0.9f, 5e-4f);
            s.backend.sgdUpdate(w, dw, null, 0.02f, 0f, 1e-4f);
            out.put("sgd w", s.read(w));
            out.put("sgd velocity", s.read(v));
            Tensor m = s.random("m", d);
            Tensor second = s.tensor("second", d, s.uniform(5000, 0, 0.1f));
            for (int t = 1; t <= 3; t++) {
                s.backend.adamUpdate(w, dw, m, second, 1e-3f, 0.9f, 0.999f, 1e-8f, 1e-4f, t);
            }
            out.put("adam w", s.read(w));
            out.put("adam m", s.read(m));
            out.put("adam v", s.read(second));
        });
    }

    // ---- cuDNN's ops -------------------------------------------------------------------------------------

    @Test
    void relu() {
        needsCudnn();
        check("relu", (s, out) -> {
            Dims d = Dims.of(2, 3, 17, 19);
            Tensor x = s.tensor("x", d, s.awayFromZero((int) d.elements(), 0.01f));
            Tensor y = s.tensor("y", d);
            Tensor dy = s.random("dy", d);
            Tensor dx = s.random("dx", d);
            s.backend.activationForward(x, y, 0f);
            s.backend.activationBackward(y, dy, dx, 0f, true);
            out.put("y", s.read(y));
            out.put("dx (accumulated)", s.read(dx));
        });
    }

    @Test
    void addAndAxpy() {
        needsCudnn();
        check("add, axpy", (s, out) -> {
            Dims d = Dims.of(2, 3, 10, 10);
            Tensor a = s.random("a", d);
            Tensor b = s.random("b", d);
            Tensor y = s.tensor("y", d);
            s.backend.add(a, b, y);
            out.put("a + b", s.read(y));
            s.backend.add(y, b, y);
            out.put("y += b (y as a)", s.read(y));
            s.backend.add(a, y, y);
            out.put("y += a (y as b)", s.read(y));
            s.backend.axpy(-0.5f, a, y);
            out.put("y -= a/2", s.read(y));
        });
    }

    @Test
    void convolution() {
        needsCudnn();
        ConvGeometry[] geometries = {
            new ConvGeometry(4, 3, 16, 16, 8, 3, 3, 1, 1, 1, 1),
            new ConvGeometry(3, 8, 15, 13, 12, 3, 3, 2, 2, 1, 1),
            new ConvGeometry(2, 16, 8, 8, 8, 1, 1, 1, 1, 0, 0),
            new ConvGeometry(2, 1, 28, 28, 6, 5, 5, 1, 1, 0, 0),
        };
        for (ConvGeometry g : geometries) {
            check("conv " + g, (s, out) -> {
                Tensor x = s.random("x", Dims.of(g.n(), g.c(), g.h(), g.w()));
                Tensor w = s.random("w", Dims.of(g.k(), g.c(), g.kh(), g.kw()));
                Tensor bias = s.random("bias", Dims.vector(g.k()));
                Dims outDims = Dims.of(g.n(), g.k(), g.outH(), g.outW());
                Tensor y = s.tensor("y", outDims);
                Tensor dy = s.random("dy", outDims);
                Tensor dx = s.random("dx", x.dims());
                Tensor dw = s.random("dw", w.dims());
                Tensor dbias = s.random("dbias", bias.dims());
                s.backend.convForward(g, x, w, bias, y, s.workspace(g, ConvPass.FORWARD));
                s.backend.convBackwardData(g, dy, w, dx, s.workspace(g, ConvPass.BACKWARD_DATA), true);
                s.backend.convBackwardFilter(g, x, dy, dw, dbias, s.workspace(g, ConvPass.BACKWARD_FILTER), true);
                out.put("y", s.read(y));
                out.put("dx (accumulated)", s.read(dx));
                out.put("dw (accumulated)", s.read(dw));
                out.put("dbias (accumulated)", s.read(dbias));
            });
        }
    }

    @Test
    void pooling() {
        needsCudnn();
        PoolGeometry[] geometries = {
            new PoolGeometry(2, 3, 8, 8, 2, 2, 2, 2, 0, 0, true),
            new PoolGeometry(2, 3, 9, 7, 3, 3, 2, 2, 1, 1, true),
            new PoolGeometry(2, 3, 8, 8, 2, 2, 2, 2, 0, 0, false),
            new PoolGeometry(2, 3, 5, 5, 3, 3, 1, 1, 1, 1, false),
        };
        for (PoolGeometry g : geometries) {
            check("pool " + g, (s, out) -> {
                Dims in = Dims.of(g.n(), g.c(), g.h(), g.w());
                Tensor x = s.tensor("x", in, s.distinct((int) in.elements(), 0.01f));
                Tensor y = s.tensor("y", Dims.of(g.n(), g.c(), g.outH(), g.outW()));
                Tensor dy = s.random("dy", y.dims());
                Tensor dx = s.random("dx", in);
                s.backend.poolForward(g, x, y);
                // average pooling's backward is given neither x nor y, as the program gives it none
                s.backend.poolBackward(g, g.max() ? x : null, g.max() ? y : null, dy, dx, true);
                out.put("y", s.read(y));
                out.put("dx (accumulated)", s.read(dx));
            });
        }
    }

    @Test
    void batchNorm() {
        needsCudnn();
        check("batch norm", (s, out) -> {
            Dims d = Dims.of(8, 4, 6, 5);
            Tensor x = s.random("x", d);
            Tensor gamma = s.tensor("gamma", Dims.vector(4), s.uniform(4, 0.5f, 1.5f));
            Tensor beta = s.random("beta", Dims.vector(4));
            Tensor runningMean = s.random("running mean", Dims.vector(4));
            Tensor runningVar = s.tensor("running var", Dims.vector(4), s.uniform(4, 0.5f, 1.5f));
            Tensor saveMean = s.tensor("save mean", Dims.vector(4));
            Tensor saveInvStd = s.tensor("save inv std", Dims.vector(4));
            Tensor y = s.tensor("y", d);
            s.backend.batchNormForwardTraining(x, gamma, beta, y, runningMean, runningVar, saveMean, saveInvStd, 0.1,
                    1e-5);
            out.put("y", s.read(y));
            out.put("running mean", s.read(runningMean));
            out.put("running var", s.read(runningVar));
            out.put("saved mean", s.read(saveMean));
            out.put("saved 1/std", s.read(saveInvStd));
            Tensor dy = s.random("dy", d);
            Tensor dx = s.random("dx", d);
            Tensor dgamma = s.random("dgamma", Dims.vector(4));
            Tensor dbeta = s.random("dbeta", Dims.vector(4));
            s.backend.batchNormBackward(x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta, true, true);
            out.put("dx (accumulated)", s.read(dx));
            out.put("dgamma (accumulated)", s.read(dgamma));
            out.put("dbeta (accumulated)", s.read(dbeta));
            Tensor inference = s.tensor("inference", d);
            s.backend.batchNormForwardInference(x, gamma, beta, inference, runningMean, runningVar, 1e-5);
            out.put("inference y", s.read(inference));
        });
    }
}
