package io.memscope.trainer.backend.cuda;

import static io.memscope.trainer.backend.cuda.CudnnStatus.check;

import io.memscope.trainer.backend.ConvPass;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnActivationDescriptor;
import jcuda.jcudnn.cudnnConvolutionBwdDataAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionBwdFilterAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionFwdAlgoPerf;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnOpTensorDescriptor;
import jcuda.jcudnn.cudnnPoolingDescriptor;
import jcuda.jcudnn.cudnnTensorDescriptor;

/**
 * {@link CudnnApi} through JCudnn: the 11.7.0 Java classes with the natives of JCuda 12.6.0, which link
 * {@code libcudnn.so.9} (found on LD_LIBRARY_PATH; the natives carry no search path). Status codes are read with
 * {@link CudnnStatus}, never with the jar's cuDNN 8 names, and JCudnn's own exceptions stay off. Descriptors are
 * made once per shape and kept. Convolutions run in FMA math (CUDNN_FMA_MATH): no TF32 tensor cores, so results
 * stay within float tolerance of the CPU backend's.
 */
final class JCudnnApi implements CudnnApi {
    private static final int FLOAT = 0; // CUDNN_DATA_FLOAT
    private static final int NCHW = 0; // CUDNN_TENSOR_NCHW
    private static final int CROSS_CORRELATION = 1;
    private static final int FMA_MATH = 3; // CUDNN_FMA_MATH
    private static final int NOT_PROPAGATE_NAN = 0;
    private static final int PROPAGATE_NAN = 1;
    private static final int ACTIVATION_RELU = 1;
    private static final int BATCHNORM_SPATIAL = 1;
    private static final int SOFTMAX_ACCURATE = 1;
    private static final int SOFTMAX_MODE_INSTANCE = 0;
    private static final int OP_TENSOR_ADD = 0;

    private static final Pointer ONE = Pointer.to(new float[] {1f});
    private static final Pointer ZERO = Pointer.to(new float[] {0f});

    private final JCudaDriverApi driver;
    private final cudnnHandle handle = new cudnnHandle();
    private final Map<TensorShape, cudnnTensorDescriptor> tensors = new HashMap<>();
    private final Map<TensorShape, cudnnFilterDescriptor> filters = new HashMap<>();
    private final Map<ConvShape, cudnnConvolutionDescriptor> convolutions = new HashMap<>();
    private final Map<PoolShape, cudnnPoolingDescriptor> poolings = new HashMap<>();
    private final cudnnActivationDescriptor relu = new cudnnActivationDescriptor();
    private final cudnnOpTensorDescriptor add = new cudnnOpTensorDescriptor();

    /** Loads cuDNN (UnsatisfiedLinkError without libcudnn.so.9) and creates the handle on the driver's context. */
    JCudnnApi(JCudaDriverApi driver) {
        this.driver = driver;
        JCudnn.setExceptionsEnabled(false);
        check("cudnnCreate", JCudnn.cudnnCreate(handle));
        check("cudnnCreateActivationDescriptor", JCudnn.cudnnCreateActivationDescriptor(relu));
        check("cudnnSetActivationDescriptor", JCudnn.cudnnSetActivationDescriptor(relu, ACTIVATION_RELU,
                PROPAGATE_NAN, 0.0));
        check("cudnnCreateOpTensorDescriptor", JCudnn.cudnnCreateOpTensorDescriptor(add));
        check("cudnnSetOpTensorDescriptor", JCudnn.cudnnSetOpTensorDescriptor(add, OP_TENSOR_ADD, FLOAT,
                PROPAGATE_NAN));
    }

    /** cudnnGetVersion without a handle: a check that the library loads at all. */
    static long libraryVersion() {
        return JCudnn.cudnnGetVersion();
    }

    private Pointer at(long offset) {
        return driver.at(offset);
    }

    private static Pointer beta(boolean accumulate) {
        return accumulate ? ONE : ZERO;
    }

    private cudnnTensorDescriptor tensor(TensorShape s) {
        return tensors.computeIfAbsent(s, k -> {
            cudnnTensorDescriptor d = new cudnnTensorDescriptor();
            check("cudnnCreateTensorDescriptor", JCudnn.cudnnCreateTensorDescriptor(d));
            check("cudnnSetTensor4dDescriptor " + k, JCudnn.cudnnSetTensor4dDescriptor(d, NCHW, FLOAT, k.n(), k.c(),
                    k.h(), k.w()));
            return d;
        });
    }

    private cudnnFilterDescriptor filter(TensorShape s) {
        return filters.computeIfAbsent(s, k -> {
            cudnnFilterDescriptor d = new cudnnFilterDescriptor();
            check("cudnnCreateFilterDescriptor", JCudnn.cudnnCreateFilterDescriptor(d));
            check("cudnnSetFilter4dDescriptor " + k, JCudnn.cudnnSetFilter4dDescriptor(d, FLOAT, NCHW, k.n(), k.c(),
                    k.h(), k.w()));
            return d;
        });
    }

    private cudnnConvolutionDescriptor convolution(ConvShape s) {
        return convolutions.computeIfAbsent(s, k -> {
            cudnnConvolutionDescriptor d = new cudnnConvolutionDescriptor();
            check("cudnnCreateConvolutionDescriptor", JCudnn.cudnnCreateConvolutionDescriptor(d));
            check("cudnnSetConvolution2dDescriptor " + k, JCudnn.cudnnSetConvolution2dDescriptor(d, k.padH(), k.padW(),
                    k.strideH(), k.strideW(), 1, 1, CROSS_CORRELATION, FLOAT));
            check("cudnnSetConvolutionMathType", JCudnn.cudnnSetConvolutionMathType(d, FMA_MATH));
            return d;
        });
    }

    private cudnnPoolingDescriptor pooling(PoolShape s) {
        return poolings.computeIfAbsent(s, k -> {
            cudnnPoolingDescriptor d = new cudnnPoolingDescriptor();
            check("cudnnCreatePoolingDescriptor", JCudnn.cudnnCreatePoolingDescriptor(d));
            check("cudnnSetPooling2dDescriptor " + k, JCudnn.cudnnSetPooling2dDescriptor(d, k.mode().code,
                    NOT_PROPAGATE_NAN, k.kh(), k.kw(), k.padH(), k.padW(), k.strideH(), k.strideW()));
            return d;
        });
    }

    @Override
    public long version() {
        return JCudnn.cudnnGetVersion();
    }

    @Override
    public List<Algorithm> convAlgorithms(ConvShape s, ConvPass pass) {
        int[] count = new int[1];
        List<Algorithm> out = new ArrayList<>();
        switch (pass) {
            case FORWARD -> {
                check("cudnnGetConvolutionForwardAlgorithmMaxCount",
                        JCudnn.cudnnGetConvolutionForwardAlgorithmMaxCount(handle, count));
                cudnnConvolutionFwdAlgoPerf[] perf = new cudnnConvolutionFwdAlgoPerf[count[0]];
                for (int i = 0; i < perf.length; i++) {
                    perf[i] = new cudnnConvolutionFwdAlgoPerf();
                }
                int[] returned = new int[1];
                check("cudnnGetConvolutionForwardAlgorithm_v7", JCudnn.cudnnGetConvolutionForwardAlgorithm_v7(handle,
                        tensor(s.x()), filter(s.filter()), convolution(s), tensor(s.y()), perf.length, returned, perf));
                for (int i = 0; i < returned[0]; i++) {
                    if (perf[i].status == CudnnStatus.SUCCESS) {
                        out.add(new Algorithm(perf[i].algo, perf[i].memory));
                    }
                }
            }
            case BACKWARD_DATA -> {
                check("cudnnGetConvolutionBackwardDataAlgorithmMaxCount",
                        JCudnn.cudnnGetConvolutionBackwardDataAlgorithmMaxCount(handle, count));
                cudnnConvolutionBwdDataAlgoPerf[] perf = new cudnnConvolutionBwdDataAlgoPerf[count[0]];
                for (int i = 0; i < perf.length; i++) {
                    perf[i] = new cudnnConvolutionBwdDataAlgoPerf();
                }
                int[] returned = new int[1];
                check("cudnnGetConvolutionBackwardDataAlgorithm_v7",
                        JCudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7(handle, filter(s.filter()), tensor(s.y()),
                                convolution(s), tensor(s.x()), perf.length, returned, perf));
                for (int i = 0; i < returned[0]; i++) {
                    if (perf[i].status == CudnnStatus.SUCCESS) {
                        out.add(new Algorithm(perf[i].algo, perf[i].memory));
                    }
                }
            }
            case BACKWARD_FILTER -> {
                check("cudnnGetConvolutionBackwardFilterAlgorithmMaxCount",
                        JCudnn.cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(handle, count));
                cudnnConvolutionBwdFilterAlgoPerf[] perf = new cudnnConvolutionBwdFilterAlgoPerf[count[0]];
                for (int i = 0; i < perf.length; i++) {
                    perf[i] = new cudnnConvolutionBwdFilterAlgoPerf();
                }
                int[] returned = new int[1];
                check("cudnnGetConvolutionBackwardFilterAlgorithm_v7",
                        JCudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7(handle, tensor(s.x()), tensor(s.y()),
                                convolution(s), filter(s.filter()), perf.length, returned, perf));
                for (int i = 0; i < returned[0]; i++) {
                    if (perf[i].status == CudnnStatus.SUCCESS) {
                        out.add(new Algorithm(perf[i].algo, perf[i].memory));
                    }
                }
            }
            default -> throw new IllegalArgumentException(pass.toString());
        }
        return out;
    }

    @Override
    public void convForward(ConvShape s, int algorithm, long x, long w, long y, long workspace, long workspaceBytes) {
        check("cudnnConvolutionForward", JCudnn.cudnnConvolutionForward(handle, ONE, tensor(s.x()), at(x),
                filter(s.filter()), at(w), convolution(s), algorithm, at(workspace), workspaceBytes, ZERO, tensor(s.y()),
                at(y)));
    }

    @Override
    public void convBackwardData(ConvShape s, int algorithm, long dy, long w, long dx, long workspace,
                                 long workspaceBytes, boolean accumulate) {
        check("cudnnConvolutionBackwardData", JCudnn.cudnnConvolutionBackwardData(handle, ONE, filter(s.filter()), at(w),
                tensor(s.y()), at(dy), convolution(s), algorithm, at(workspace), workspaceBytes, beta(accumulate),
                tensor(s.x()), at(dx)));
    }

    @Override
    public void convBackwardFilter(ConvShape s, int algorithm, long x, long dy, long dw, long workspace,
                                   long workspaceBytes, boolean accumulate) {
        check("cudnnConvolutionBackwardFilter", JCudnn.cudnnConvolutionBackwardFilter(handle, ONE, tensor(s.x()), at(x),
                tensor(s.y()), at(dy), convolution(s), algorithm, at(workspace), workspaceBytes, beta(accumulate),
                filter(s.filter()), at(dw)));
    }

    @Override
    public void convBackwardBias(TensorShape dyShape, long dy, long dbias, boolean accumulate) {
        check("cudnnConvolutionBackwardBias", JCudnn.cudnnConvolutionBackwardBias(handle, ONE, tensor(dyShape), at(dy),
                beta(accumulate), tensor(TensorShape.perChannel(dyShape.c())), at(dbias)));
    }

    @Override
    public void addTensor(TensorShape aShape, float alpha, long a, TensorShape cShape, long c) {
        check("cudnnAddTensor", JCudnn.cudnnAddTensor(handle, Pointer.to(new float[] {alpha}), tensor(aShape), at(a), ONE,
                tensor(cShape), at(c)));
    }

    @Override
    public void opTensorAdd(TensorShape s, long a, long b, long c) {
        check("cudnnOpTensor", JCudnn.cudnnOpTensor(handle, add, ONE, tensor(s), at(a), ONE, tensor(s), at(b), ZERO,
                tensor(s), at(c)));
    }

    @Override
    public void reluForward(TensorShape s, long x, long y) {
        check("cudnnActivationForward", JCudnn.cudnnActivationForward(handle, relu, ONE, tensor(s), at(x), ZERO, tensor(s),
                at(y)));
    }

    @Override
    public void reluBackward(TensorShape s, long y, long dy, long x, long dx, boolean accumulate) {
        check("cudnnActivationBackward", JCudnn.cudnnActivationBackward(handle, relu, ONE, tensor(s), at(y), tensor(s),
                at(dy), tensor(s), at(x), beta(accumulate), tensor(s), at(dx)));
    }

    @Override
    public void poolForward(PoolShape s, long x, long y) {
        check("cudnnPoolingForward", JCudnn.cudnnPoolingForward(handle, pooling(s), ONE, tensor(s.x()), at(x), ZERO,
                tensor(s.y()), at(y)));
    }

    @Override
    public void poolBackward(PoolShape s, long x, long y, long dy, long dx, boolean accumulate) {
        check("cudnnPoolingBackward", JCudnn.cudnnPoolingBackward(handle, pooling(s), ONE, tensor(s.y()), at(y),
                tensor(s.y()), at(dy), tensor(s.x()), at(x), beta(accumulate), tensor(s.x()), at(dx)));
    }

    @Override
    public void batchNormForwardTraining(TensorShape s, long x, long y, long gamma, long beta, double momentum,
                                         long runningMean, long runningVar, double eps, long saveMean,
                                         long saveInvStd) {
        check("cudnnBatchNormalizationForwardTraining", JCudnn.cudnnBatchNormalizationForwardTraining(handle,
                BATCHNORM_SPATIAL, ONE, ZERO, tensor(s), at(x), tensor(s), at(y), tensor(TensorShape.perChannel(s.c())),
                at(gamma), at(beta), momentum, at(runningMean), at(runningVar), eps, at(saveMean), at(saveInvStd)));
    }

    @Override
    public void batchNormForwardInference(TensorShape s, long x, long y, long gamma, long beta, long runningMean,
                                          long runningVar, double eps) {
        check("cudnnBatchNormalizationForwardInference", JCudnn.cudnnBatchNormalizationForwardInference(handle,
                BATCHNORM_SPATIAL, ONE, ZERO, tensor(s), at(x), tensor(s), at(y), tensor(TensorShape.perChannel(s.c())),
                at(gamma), at(beta), at(runningMean), at(runningVar), eps));
    }

    @Override
    public void batchNormBackward(TensorShape s, long x, long dy, long dx, long gamma, long dgamma, long dbeta,
                                  long saveMean, long saveInvStd, boolean accumulateDx, boolean accumulateParams) {
        check("cudnnBatchNormalizationBackward", JCudnn.cudnnBatchNormalizationBackward(handle, BATCHNORM_SPATIAL, ONE,
                beta(accumulateDx), ONE, beta(accumulateParams), tensor(s), at(x), tensor(s), at(dy), tensor(s), at(dx),
                tensor(TensorShape.perChannel(s.c())), at(gamma), at(dgamma), at(dbeta), BN_MIN_EPSILON, at(saveMean),
                at(saveInvStd)));
    }

    @Override
    public void softmaxForward(TensorShape s, long x, long y) {
        check("cudnnSoftmaxForward", JCudnn.cudnnSoftmaxForward(handle, SOFTMAX_ACCURATE, SOFTMAX_MODE_INSTANCE, ONE,
                tensor(s), at(x), ZERO, tensor(s), at(y)));
    }

    @Override
    public void close() {
        tensors.values().forEach(JCudnn::cudnnDestroyTensorDescriptor);
        filters.values().forEach(JCudnn::cudnnDestroyFilterDescriptor);
        convolutions.values().forEach(JCudnn::cudnnDestroyConvolutionDescriptor);
        poolings.values().forEach(JCudnn::cudnnDestroyPoolingDescriptor);
        JCudnn.cudnnDestroyActivationDescriptor(relu);
        JCudnn.cudnnDestroyOpTensorDescriptor(add);
        JCudnn.cudnnDestroy(handle);
    }
}
