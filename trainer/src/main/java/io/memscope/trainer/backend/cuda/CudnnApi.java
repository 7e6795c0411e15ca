package io.memscope.trainer.backend.cuda;

import io.memscope.trainer.backend.ConvGeometry;
import io.memscope.trainer.backend.ConvPass;
import io.memscope.trainer.backend.PoolGeometry;
import io.memscope.trainer.memory.Dims;
import java.util.List;

/**
 * Every cuDNN call the backend makes, in the terms of its descriptors: {@link JCudnnApi} makes them through
 * JCudnn (only calls cuDNN 9 still has: the legacy convolution, pooling, activation, batch-norm, softmax and
 * tensor calls, and the {@code _v7} algorithm heuristics), tests record them with a fake. Pointers are arena
 * offsets as in {@link DriverApi}; {@code accumulate} is cuDNN's beta of 1 instead of 0. All tensors are float32
 * NCHW, fully packed.
 */
public interface CudnnApi extends AutoCloseable {

    /** A 4-D tensor descriptor. */
    record TensorShape(int n, int c, int h, int w) {
        public static TensorShape of(Dims d) {
            return new TensorShape(d.n(), d.c(), d.h(), d.w());
        }

        /** {@code count} floats as one row (1, 1, 1, count), for elementwise calls. */
        public static TensorShape flat(int count) {
            return new TensorShape(1, 1, 1, count);
        }

        /** One value per channel (1, c, 1, 1): biases and batch-norm parameters. */
        public static TensorShape perChannel(int c) {
            return new TensorShape(1, c, 1, 1);
        }

        public long elements() {
            return (long) n * c * h * w;
        }
    }

    /** A convolution: input, filter (k, c, kh, kw), output, padding and stride (no dilation, cross-correlation). */
    record ConvShape(TensorShape x, TensorShape filter, TensorShape y, int padH, int padW, int strideH,
                     int strideW) {
        public static ConvShape of(ConvGeometry g) {
            return new ConvShape(new TensorShape(g.n(), g.c(), g.h(), g.w()), new TensorShape(g.k(), g.c(), g.kh(), g.kw()),
                    new TensorShape(g.n(), g.k(), g.outH(), g.outW()), g.padH(), g.padW(), g.strideH(), g.strideW());
        }
    }

    /** cuDNN's pooling modes we use: max (deterministic) and average counting the padding, as the CPU does. */
    enum PoolMode {
        MAX_DETERMINISTIC(3),
        AVERAGE_COUNT_INCLUDE_PADDING(1);

        public final int code;

        PoolMode(int code) {
            this.code = code;
        }
    }

    record PoolShape(TensorShape x, TensorShape y, PoolMode mode, int kh, int kw, int padH, int padW, int strideH,
                     int strideW) {
        public static PoolShape of(PoolGeometry g) {
            return new PoolShape(new TensorShape(g.n(), g.c(), g.h(), g.w()), new TensorShape(g.n(), g.c(), g.outH(), g.outW()),
                    g.max() ? PoolMode.MAX_DETERMINISTIC : PoolMode.AVERAGE_COUNT_INCLUDE_PADDING, g.kh(), g.kw(), g.padH(),
                    g.padW(), g.strideH(), g.strideW());
        }
    }

    /** An algorithm cuDNN's heuristics offer for a convolution pass, with the workspace it needs. */
    record Algorithm(int id, long workspaceBytes) {}

    /** cuDNN's smallest batch-norm epsilon (CUDNN_BN_MIN_EPSILON). */
    double BN_MIN_EPSILON = 1e-5;

    /** cuDNN's version as it numbers it (90100 is 9.1.0). */
    long version();

    /**
     * The algorithms cuDNN's heuristics rank for a pass ({@code cudnnGet*Algorithm_v7}), best first, those that
     * would fail left out; each with the workspace it needs.
     */
    List<Algorithm> convAlgorithms(ConvShape s, ConvPass pass);

    void convForward(ConvShape s, int algorithm, long x, long w, long y, long workspace, long workspaceBytes);

    void convBackwardData(ConvShape s, int algorithm, long dy, long w, long dx, long workspace, long workspaceBytes,
                          boolean accumulate);

    void convBackwardFilter(ConvShape s, int algorithm, long x, long dy, long dw, long workspace, long workspaceBytes,
                            boolean accumulate);

    /** dbias (+)= sums of dy over n, h and w. */
    void convBackwardBias(TensorShape dyShape, long dy, long dbias, boolean accumulate);

    /** c = alpha·a + c, a broadcast over c where its dimensions are 1 (a bias over a map). */
    void addTensor(TensorShape aShape, float alpha, long a, TensorShape cShape, long c);

    /** c = a + b, elementwise (cudnnOpTensor with ADD). */
    void opTensorAdd(TensorShape s, long a, long b, long c);

    void reluForward(TensorShape s, long x, long y);

    /** dx (+)= dy where x > 0; cuDNN reads y and x, and for ReLU y > 0 exactly where x > 0. */
    void reluBackward(TensorShape s, long y, long dy, long x, long dx, boolean accumulate);

    void poolForward(PoolShape s, long x, long y);

    void poolBackward(PoolShape s, long x, long y, long dy, long dx, boolean accumulate);

    /** Spatial batch norm, training: saves the batch mean and 1/sqrt(var + eps), moves the running statistics. */
    void batchNormForwardTraining(TensorShape s, long x, long y, long gamma, long beta, double momentum,
                                  long runningMean, long runningVar, double eps, long saveMean, long saveInvStd);

    void batchNormForwardInference(TensorShape s, long x, long y, long gamma, long beta, long runningMean,
                                   long runningVar, double eps);

    /** With the saved statistics, which cuDNN then uses instead of recomputing them (eps is not read for them). */
    void batchNormBackward(TensorShape s, long x, long dy, long dx, long gamma, long dgamma, long dbeta,
                           long saveMean, long saveInvStd, boolean accumulateDx, boolean accumulateParams);

    /** Softmax over c·h·w of each sample (cuDNN's accurate instance mode). */
    void softmaxForward(TensorShape s, long x, long y);

    @Override
    void close();
}
