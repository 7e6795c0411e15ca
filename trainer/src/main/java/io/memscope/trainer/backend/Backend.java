package io.memscope.trainer.backend;

import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Tensor;

/**
 * Executes kernels on tensors that live in a {@link DeviceMemory}. All tensors are float32, NCHW. Kernels never
 * allocate device memory: callers pass workspaces obtained from the same memory, so every byte is on the trace.
 *
 * <p>Flags named {@code accumulate} choose between {@code out = result} (false) and {@code out += result}
 * (true), like cuDNN's beta of 0 or 1. Gradients of tensors with several consumers, and weight gradients
 * summed over row bands, rely on it.
 *
 * <p>Implementations: {@code CpuBackend} (the reference), {@code MetaBackend} (no arithmetic, for planning),
 * and the CUDA backend. Every kernel of the CUDA backend has its twin here and a test that compares them.
 */
public interface Backend extends AutoCloseable {

    /** Short name shown to users: {@code cpu}, {@code meta}, {@code cuda:0 (NVIDIA ...)}. */
    String name();

    /** False for the meta backend, which only allocates. */
    boolean computes();

    DeviceMemory memory();

    WorkspaceModel workspaceModel();

    // ---- host <-> device ------------------------------------------------------------------------------

    /** Copies {@code dst.size()} floats from {@code src[srcOffset..]} into the tensor. */
    void upload(float[] src, int srcOffset, Tensor dst);

    /** Copies {@code src.size()} floats from the tensor into {@code dst[dstOffset..]}. */
    void download(Tensor src, float[] dst, int dstOffset);

    void fill(Tensor t, float value);

    /** Device copy of all elements; sizes must match. */
    void copy(Tensor src, Tensor dst);

    /** Waits for all queued work (a no-op where kernels are synchronous). */
    default void synchronize() {}

    /**
     * The copies that overlap compute (out-of-core mode) over a link of {@code bytesPerSecond}: on the CPU a copy
     * thread paced to the modelled link ({@link Transfers#cpu}); a real device copies on a stream of its own at
     * whatever its link does.
     */
    default Transfers transfers(double bytesPerSecond) {
        return Transfers.cpu(this, bytesPerSecond);
    }

    /**
     * Compares the arena's accounting with the device's own (called at step boundaries): a sentence when device
     * memory was taken or returned outside the arena since the last call that reported, null when nothing changed
     * or the backend has no device to ask (cpu, meta).
     */
    default String checkDeviceMemory() {
        return null;
    }

    // ---- convolution ----------------------------------------------------------------------------------

    /** y = conv(x, w) + bias. {@code bias} may be null; {@code workspace} is null when the model asks for 0 bytes. */
    void convForward(ConvGeometry g, Tensor x, Tensor w, Tensor bias, Tensor y, Tensor workspace);

    /** dx (+)= conv_transpose(dy, w). */
    void convBackwardData(ConvGeometry g, Tensor dy, Tensor w, Tensor dx, Tensor workspace, boolean accumulate);

    /** dw (+)= corr(x, dy); dbias (+)= sum of dy over n, h, w (when dbias is not null). */
    void convBackwardFilter(ConvGeometry g, Tensor x, Tensor dy, Tensor dw, Tensor dbias, Tensor workspace,
                            boolean accumulate);

    // ---- fully connected --------------------------------------------------------------------------------

    /**
     * y = x·wᵀ + bias with x (n, in, 1, 1) — or any (n, c, h, w) with c·h·w = in —, w (out, in, 1, 1),
     * bias (1, out, 1, 1) or null, y (n, out, 1, 1).
     */
    void linearForward(Tensor x, Tensor w, Tensor bias, Tensor y);

    /** dx (+)= dy·w when dx is not null; dw (+)= dyᵀ·x; dbias (+)= column sums of dy when not null. */
    void linearBackward(Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw, Tensor dbias,
                        boolean accumulateDx, boolean accumulateParams);

    // ---- activations ----------------------------------------------------------------------------------

    /** y = x > 0 ? x : slope·x (ReLU when slope is 0). */
    void activationForward(Tensor x, Tensor y, float negativeSlope);

    /** dx (+)= dy · (y > 0 ? 1 : slope), from the output y (so the input need not be kept). */
    void activationBackward(Tensor y, Tensor dy, Tensor dx, float negativeSlope, boolean accumulate);

    // ---- pooling --------------------------------------------------------------------------------------

    void poolForward(PoolGeometry g, Tensor x, Tensor y);

    /** dx (+)= pooling gradient; max pooling reads x and y to find the maxima, average pooling reads neither. */
    void poolBackward(PoolGeometry g, Tensor x, Tensor y, Tensor dy, Tensor dx, boolean accumulate);

    // ---- batch normalization (spatial, per channel) ----------------------------------------------------

    /**
     * Training-mode batch norm. Saves the batch mean and 1/sqrt(var + eps) (biased variance) per channel, and
     * updates running = (1 − momentum)·running + momentum·batch, the running variance using the unbiased
     * batch variance (as cuDNN and PyTorch do).
     */
    void batchNormForwardTraining(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor runningMean,
                                  Tensor runningVar, Tensor saveMean, Tensor saveInvStd, double momentum, double eps);

    /** Inference-mode batch norm with the running statistics. */
    void batchNormForwardInference(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor runningMean,
                                   Tensor runningVar, double eps);

    /**
     * Normalizes with the statistics an earlier {@link #batchNormForwardTraining} saved, on any part of the map
     * (a row band): y = gamma·(x − saveMean)·saveInvStd + beta per channel, exactly the values that forward
     * wrote for the same elements. Running statistics are left alone.
     */
    void batchNormApply(Tensor x, Tensor gamma, Tensor beta, Tensor saveMean, Tensor saveInvStd, Tensor y);

    void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dx,
                           Tensor dgamma, Tensor dbeta, boolean accumulateDx, boolean accumulateParams);

    // ---- elementwise and layout -----------------------------------------------------------------------

    /** y = a + b (same sizes). */
    void add(Tensor a, Tensor b, Tensor y);

    /** y += alpha·x (same sizes). */
    void axpy(float alpha, Tensor x, Tensor y);

    /**
     * For every sample, copies {@code channels} channels of {@code src} starting at {@code srcChannel} into
     * {@code dst} starting at {@code dstChannel} (both NCHW with the same n, h, w); adds instead when
     * {@code accumulate}. Concatenation and its backward.
     */
    void copyChannels(Tensor src, int srcChannel, Tensor dst, int dstChannel, int channels, boolean accumulate);

    /**
     * For every sample and channel, copies {@code rows} rows of {@code src} starting at row {@code srcRow} into
     * {@code dst} starting at row {@code dstRow}, or adds them when {@code accumulate}. Both are NCHW with the
     * same n, c and w; their heights may differ. The row-centric mode assembles a band's input from full maps
     * and earlier bands with it, writes band results into full maps, and scatters band gradients back.
     */
    void copyRows(Tensor src, int srcRow, Tensor dst, int dstRow, int rows, boolean accumulate);

    /**
     * Sets {@code rows} rows of every (sample, channel) plane of {@code dst}, from row {@code row} on, to
     * {@code value}: the explicit padding rows at the top or bottom of a row band (0 before a convolution or an
     * average pooling, −∞ before a max pooling), and zeroed gradient accumulators.
     */
    void fillRows(Tensor dst, int row, int rows, float value);

    /**
     * Inverted dropout: mask[i] = keep ? 1/(1−p) : 0 with keep decided by a counter-based hash of (seed, i), so
     * every backend draws the same mask: keep when {@code Dropout.uniform(seed, i) >= p}. y = x·mask.
     */
    void dropoutForward(Tensor x, Tensor mask, Tensor y, float p, long seed);

    /** dx (+)= dy·mask. */
    void dropoutBackward(Tensor dy, Tensor mask, Tensor dx, boolean accumulate);

    // ---- invertible layers (reversible mode) ----------------------------------------------------------

    /**
     * y = space-to-depth of x in blocks of {@code block}×{@code block}: x is n×c×h×w with h and w multiples of the
     * block, y is n×(c·block²)×(h/block)×(w/block), y[s, c·b² + i·b + j, r, q] = x[s, c, r·b + i, q·b + j]
     * (PyTorch's {@code pixel_unshuffle}).
     */
    void spaceToDepth(Tensor x, Tensor y, int block);

    /** x (+)= depth-to-space of y, the inverse of {@link #spaceToDepth} (its backward, and its inverse). */
    void depthToSpace(Tensor y, Tensor x, int block, boolean accumulate);

    /** x = y > 0 ? y : y / slope: the input of a leaky ReLU rebuilt from its output (slope in (0, 1)). */
    void activationInverse(Tensor y, Tensor x, float negativeSlope);

    /**
     * x = (y − beta) / (scale · saveInvStd) + saveMean per channel: the input of a batch norm rebuilt from its
     * output with the statistics its training forward saved ({@code scale} must have no zero).
     */
    void batchNormInverse(Tensor y, Tensor scale, Tensor beta, Tensor saveMean, Tensor saveInvStd, Tensor x);

    /** y = |x| + eps, elementwise (the scale of invertible batch norm, never zero). */
    void magnitude(Tensor x, float eps, Tensor y);

    /** dx (+)= dy · sign(x), sign(0) = 1: the gradient through {@link #magnitude}. */
    void magnitudeBackward(Tensor x, Tensor dy, Tensor dx, boolean accumulate);

    // ---- loss -----------------------------------------------------------------------------------------

    /**
     * Softmax over the class axis (c·h·w of each sample) of {@code logits}; {@code labels} holds one class
     * index per sample as a float (n, 1, 1, 1). Writes the probabilities and the mean cross-entropy over the
     * batch into {@code loss} (1, 1, 1, 1).
     */
    void softmaxCrossEntropyForward(Tensor logits, Tensor labels, Tensor probs, Tensor loss);

    /** dlogits = (probs − onehot(labels)) / n. */
    void softmaxCrossEntropyBackward(Tensor probs, Tensor labels, Tensor dlogits);

    // ---- optimizers -----------------------------------------------------------------------------------

    /**
     * SGD as PyTorch does it: g = dw + weightDecay·w; v = momentum·v + g; w −= lr·v. {@code velocity} is null
     * when momentum is 0 (then w −= lr·g).
     */
    void sgdUpdate(Tensor w, Tensor dw, Tensor velocity, float lr, float momentum, float weightDecay);

    /**
     * Adam as PyTorch does it (weight decay added to the gradient): g = dw + wd·w; m = b1·m + (1−b1)·g;
     * v = b2·v + (1−b2)·g²; w −= lr · (m/(1−b1^t)) / (sqrt(v/(1−b2^t)) + eps), with t counted from 1.
     */
    void adamUpdate(Tensor w, Tensor dw, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                    float weightDecay, int t);

    @Override
    default void close() {}
}
