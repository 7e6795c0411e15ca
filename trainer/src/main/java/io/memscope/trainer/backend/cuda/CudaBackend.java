package io.memscope.trainer.backend.cuda;

import static io.memscope.trainer.backend.cuda.CudnnApi.TensorShape;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.backend.BackendChecks;
import io.memscope.trainer.backend.ConvGeometry;
import io.memscope.trainer.backend.ConvPass;
import io.memscope.trainer.backend.PoolGeometry;
import io.memscope.trainer.backend.Transfers;
import io.memscope.trainer.backend.WorkspaceModel;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.Tensor;

/**
 * The CUDA backend: one device allocation as large as the arena's capacity, every tensor at its arena offset in
 * it, so the trace's offsets are the device's own (from the allocation's base). cuDNN computes convolutions,
 * pooling, ReLU, batch norm, softmax and the tensor sums; our kernels ({@code resources/cuda/memscope_kernels.cu},
 * loaded as PTX) the rest: the fully connected layers' GEMM, cross-entropy, the optimizers, dropout's mask, leaky
 * ReLU, the layout copies and the invertible layers' kernels. Each op is the twin of {@code CpuBackend}'s and is
 * checked by the same {@link BackendChecks}.
 *
 * <p>Kernels are queued on the compute stream and return at once; {@link #download} and the loss (which reads one
 * value back to check the labels) wait for them, as does {@link #synchronize}. Convolution workspaces are the
 * WORKSPACE tensors the program allocates from the arena, sized by {@link CudaWorkspaceModel}, whose algorithm the
 * pass then runs.
 */
public final class CudaBackend implements Backend {
    private final CudaSession session;
    private final DriverApi driver;
    private final CudnnApi cudnn;
    private final DeviceMemory memory;
    private final CudaWorkspaceModel workspace;
    /** Free device memory just after the arena was allocated: the baseline of {@link #checkDeviceMemory}. */
    private final long freeAfterArena;
    private long reportedOutside;

    /**
     * Allocates the arena on the session's device and takes ownership of the session (closing the backend closes
     * it). The arena is {@code memory}'s capacity, which must fit the device's free memory.
     */
    public CudaBackend(CudaSession session, DeviceMemory memory, CudaWorkspaceModel workspace) {
        this.session = session;
        this.driver = session.driver();
        this.cudnn = session.cudnn();
        this.memory = memory;
        this.workspace = workspace;
        long capacity = memory.arena().capacity();
        String problem = session.budgetProblem(capacity);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        driver.allocateArena(capacity);
        this.freeAfterArena = driver.memoryInfo()[0];
    }

    @Override
    public String name() {
        return session.device().id() + " (" + session.device().name() + ")";
    }

    @Override
    public boolean computes() {
        return true;
    }

    @Override
    public DeviceMemory memory() {
        return memory;
    }

    @Override
    public WorkspaceModel workspaceModel() {
        return workspace;
    }

    public CudaSession session() {
        return session;
    }

    @Override
    public void synchronize() {
        driver.synchronize();
    }

    @Override
    public Transfers transfers(double bytesPerSecond) {
        return new CudaTransfers(driver, bytesPerSecond);
    }

    @Override
    public String checkDeviceMemory() {
        long[] info = driver.memoryInfo();
        long outside = freeAfterArena - info[0];
        if (outside == reportedOutside) {
            return null;
        }
        reportedOutside = outside;
        String change = outside == 0 ? "device memory in use outside the arena is back to what it was"
                : Bytes.format(Math.abs(outside)) + (outside > 0 ? " more" : " less")
                + " device memory in use outside the arena than";
        return session.device().id() + ": " + change + " when the arena was allocated (cuMemGetInfo: "
                + Bytes.format(info[0]) + " free of " + Bytes.format(info[1]) + "; it counts other processes too); the "
                + "arena holds " + Bytes.format(memory.arena().usedBytes()) + " of its "
                + Bytes.format(memory.arena().capacity()) + ", all inside one allocation";
    }

    @Override
    public void close() {
        session.close();
    }

    // ---- launches -------------------------------------------------------------------------------------

    private void launch(String kernel, long work, KernelArgs args) {
        driver.launch(kernel, Kernels.grid(work), 1, Kernels.BLOCK, args);
    }

    private static long at(Tensor t) {
        return t == null ? DriverApi.NULL : t.offset();
    }

    private static TensorShape flat(Tensor t) {
        return TensorShape.flat(t.size());
    }

    // ---- host <-> device ------------------------------------------------------------------------------

    @Override
    public void upload(float[] src, int srcOffset, Tensor dst) {
        driver.copyToDevice(src, srcOffset, dst.offset(), dst.size());
    }

    @Override
    public void download(Tensor src, float[] dst, int dstOffset) {
        driver.copyToHost(src.offset(), dst, dstOffset, src.size());
    }

    @Override
    public void fill(Tensor t, float value) {
        launch(Kernels.FILL, t.size(), KernelArgs.of().ptr(t.offset()).i32(t.size()).f32(value));
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        BackendChecks.sameSize(src, dst);
        driver.copyOnDevice(src.offset(), dst.offset(), src.elements() * Float.BYTES);
    }

    // ---- convolution ----------------------------------------------------------------------------------

    /** The algorithm the workspace model chose for the pass, after checking the workspace holds what it needs. */
    private CudnnApi.Algorithm algorithm(ConvGeometry g, ConvPass pass, Tensor ws) {
        CudnnApi.Algorithm a = workspace.algorithm(g, pass);
        if (a.workspaceBytes() > 0 && (ws == null || ws.elements() * Float.BYTES < a.workspaceBytes())) {
            throw new IllegalArgumentException("convolution " + pass + " of " + g + " needs a workspace of "
                    + Bytes.format(a.workspaceBytes()) + " (cuDNN algorithm " + a.id() + "), got "
                    + (ws == null ? "none" : Bytes.format(ws.elements() * Float.BYTES)));
        }
        return a;
    }

    private static long bytes(Tensor ws) {
        return ws == null ? 0 : ws.elements() * Float.BYTES;
    }

    @Override
    public void convForward(ConvGeometry g, Tensor x, Tensor w, Tensor bias, Tensor y, Tensor ws) {
        BackendChecks.conv(g, x, w, bias, y);
        CudnnApi.ConvShape s = CudnnApi.ConvShape.of(g);
        CudnnApi.Algorithm a = algorithm(g, ConvPass.FORWARD, ws);
        cudnn.convForward(s, a.id(), x.offset(), w.offset(), y.offset(), at(ws), bytes(ws));
        if (bias != null) {
            cudnn.addTensor(TensorShape.perChannel(g.k()), 1f, bias.offset(), s.y(), y.offset());
        }
    }

    @Override
    public void convBackwardData(ConvGeometry g, Tensor dy, Tensor w, Tensor dx, Tensor ws, boolean accumulate) {
        BackendChecks.conv(g, dx, w, null, dy);
        CudnnApi.Algorithm a = algorithm(g, ConvPass.BACKWARD_DATA, ws);
        cudnn.convBackwardData(CudnnApi.ConvShape.of(g), a.id(), dy.offset(), w.offset(), dx.offset(), at(ws), bytes(ws),
                accumulate);
    }

    @Override
    public void convBackwardFilter(ConvGeometry g, Tensor x, Tensor dy, Tensor dw, Tensor dbias, Tensor ws,
                                   boolean accumulate) {
        BackendChecks.conv(g, x, dw, dbias, dy);
        CudnnApi.ConvShape s = CudnnApi.ConvShape.of(g);
        CudnnApi.Algorithm a = algorithm(g, ConvPass.BACKWARD_FILTER, ws);
        cudnn.convBackwardFilter(s, a.id(), x.offset(), dy.offset(), dw.offset(), at(ws), bytes(ws), accumulate);
        if (dbias != null) {
            cudnn.convBackwardBias(s.y(), dy.offset(), dbias.offset(), accumulate);
        }
    }

    // ---- fully connected --------------------------------------------------------------------------------

    /** C (m × n, row-major) (+)= op(A) · op(B) (+ bias per column): one launch of our GEMM. */
    private void gemm(int m, int n, int k, long a, int lda, boolean transA, long b, int ldb, boolean transB, long c,
                      int ldc, boolean accumulate, long bias) {
        int gridX = (n + Kernels.GEMM_TILE - 1) / Kernels.GEMM_TILE;
        int gridY = (m + Kernels.GEMM_TILE - 1) / Kernels.GEMM_TILE;
        if (gridY > 65535) {
            throw new IllegalArgumentException("a GEMM of " + m + " rows is more than one launch covers (at most "
                    + 65535 * Kernels.GEMM_TILE + ")");
        }
        driver.launch(Kernels.GEMM, gridX, gridY, Kernels.BLOCK, KernelArgs.of().i32(m).i32(n).i32(k).ptr(a).i32(lda)
                .flag(transA).ptr(b).i32(ldb).flag(transB).ptr(c).i32(ldc).flag(accumulate).ptr(bias));
    }

    @Override
    public void linearForward(Tensor x, Tensor w, Tensor bias, Tensor y) {
        int[] nio = BackendChecks.linear(x, w, bias, y);
        int n = nio[0];
        int in = nio[1];
        int out = nio[2];
        // y (n × out) = x (n × in) · wᵀ, w being out × in
        gemm(n, out, in, x.offset(), in, false, w.offset(), in, true, y.offset(), out, false, at(bias));
    }

    @Override
    public void linearBackward(Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw, Tensor dbias,
                               boolean accumulateDx, boolean accumulateParams) {
        int[] nio = BackendChecks.linear(x, w, dbias, dy);
        BackendChecks.linearGradients(x, w, dx, dw);
        int n = nio[0];
        int in = nio[1];
        int out = nio[2];
        if (dx != null) {
            // dx (n × in) = dy (n × out) · w (out × in)
            gemm(n, in, out, dy.offset(), out, false, w.offset(), in, false, dx.offset(), in, accumulateDx,
                    DriverApi.NULL);
        }
        // dw (out × in) = dyᵀ (out × n) · x (n × in)
        gemm(out, in, n, dy.offset(), out, true, x.offset(), in, false, dw.offset(), in, accumulateParams,
                DriverApi.NULL);
        if (dbias != null) {
            launch(Kernels.COLUMN_SUMS, out, KernelArgs.of().ptr(dy.offset()).ptr(dbias.offset()).i32(n).i32(out)
                    .flag(accumulateParams));
        }
    }

    // ---- activations ----------------------------------------------------------------------------------

    @Override
    public void activationForward(Tensor x, Tensor y, float negativeSlope) {
        BackendChecks.sameSize(x, y);
        if (negativeSlope == 0) {
            cudnn.reluForward(flat(x), x.offset(), y.offset());
        } else {
            launch(Kernels.LEAKY_RELU_FORWARD, x.size(), KernelArgs.of().ptr(x.offset()).ptr(y.offset()).i32(x.size())
                    .f32(negativeSlope));
        }
    }

    @Override
    public void activationBackward(Tensor y, Tensor dy, Tensor dx, float negativeSlope, boolean accumulate) {
        BackendChecks.sameSize(y, dy);
        BackendChecks.sameSize(y, dx);
        if (negativeSlope == 0) {
            // cuDNN reads the input too; y stands in for it, being positive exactly where the input was
            cudnn.reluBackward(flat(y), y.offset(), dy.offset(), y.offset(), dx.offset(), accumulate);
        } else {
            launch(Kernels.LEAKY_RELU_BACKWARD, y.size(), KernelArgs.of().ptr(y.offset()).ptr(dy.offset())
                    .ptr(dx.offset()).i32(y.size()).f32(negativeSlope).flag(accumulate));
        }
    }

    // ---- pooling --------------------------------------------------------------------------------------

    @Override
    public void poolForward(PoolGeometry g, Tensor x, Tensor y) {
        BackendChecks.pool(g, x, y);
        cudnn.poolForward(CudnnApi.PoolShape.of(g), x.offset(), y.offset());
    }

    @Override
    public void poolBackward(PoolGeometry g, Tensor x, Tensor y, Tensor dy, Tensor dx, boolean accumulate) {
        BackendChecks.poolBackward(g, x, y, dy, dx);
        // average pooling's gradient reads neither x nor y, which callers need not keep: dx and dy stand in
        long xAt = g.max() ? x.offset() : dx.offset();
        long yAt = g.max() ? y.offset() : dy.offset();
        cudnn.poolBackward(CudnnApi.PoolShape.of(g), xAt, yAt, dy.offset(), dx.offset(), accumulate);
    }

    // ---- batch normalization --------------------------------------------------------------------------

    private static void checkEpsilon(double eps) {
        if (eps < CudnnApi.BN_MIN_EPSILON) {
            throw new IllegalArgumentException("cuDNN's batch norm needs eps of at least 1e-5, got " + eps
                    + "; raise the layer's eps or use --device cpu");
        }
    }

    @Override
    public void batchNormForwardTraining(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor runningMean,
                                         Tensor runningVar, Tensor saveMean, Tensor saveInvStd, double momentum,
                                         double eps) {
        BackendChecks.sameSize(x, y);
        BackendChecks.channels(x.dims(), gamma, beta, runningMean, runningVar, saveMean, saveInvStd);
        checkEpsilon(eps);
        cudnn.batchNormForwardTraining(TensorShape.of(x.dims()), x.offset(), y.offset(), gamma.offset(), beta.offset(),
                momentum, runningMean.offset(), runningVar.offset(), eps, saveMean.offset(), saveInvStd.offset());
    }

    @Override
    public void batchNormForwardInference(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor runningMean,
                                          Tensor runningVar, double eps) {
        BackendChecks.sameSize(x, y);
        BackendChecks.channels(x.dims(), gamma, beta, runningMean, runningVar);
        checkEpsilon(eps);
        cudnn.batchNormForwardInference(TensorShape.of(x.dims()), x.offset(), y.offset(), gamma.offset(), beta.offset(),
                runningMean.offset(), runningVar.offset(), eps);
    }

    @Override
    public void batchNormApply(Tensor x, Tensor gamma, Tensor beta, Tensor saveMean, Tensor saveInvStd, Tensor y) {
        Dims d = x.dims();
        BackendChecks.sameSize(x, y);
        BackendChecks.channels(d, gamma, beta, saveMean, saveInvStd);
        launch(Kernels.BATCH_NORM_APPLY, x.size(), KernelArgs.of().ptr(x.offset()).ptr(gamma.offset()).ptr(beta.offset())
                .ptr(saveMean.offset()).ptr(saveInvStd.offset()).ptr(y.offset()).i32(d.n()).i32(d.c()).i32(d.h() * d.w()));
    }

    @Override
    public void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dx,
                                  Tensor dgamma, Tensor dbeta, boolean accumulateDx, boolean accumulateParams) {
        BackendChecks.sameSize(x, dy);
        BackendChecks.sameSize(x, dx);
        BackendChecks.channels(x.dims(), gamma, saveMean, saveInvStd, dgamma, dbeta);
        cudnn.batchNormBackward(TensorShape.of(x.dims()), x.offset(), dy.offset(), dx.offset(), gamma.offset(),
                dgamma.offset(), dbeta.offset(), saveMean.offset(), saveInvStd.offset(), accumulateDx, accumulateParams);
    }

    // ---- elementwise and layout -----------------------------------------------------------------------

    @Override
    public void add(Tensor a, Tensor b, Tensor y) {
        BackendChecks.sameSize(a, b);
        BackendChecks.sameSize(a, y);
        TensorShape s = flat(a);
        // y may be a or b: then it is an accumulation, which cudnnAddTensor does in place
        if (y.offset() == a.offset()) {
            cudnn.addTensor(s, 1f, b.offset(), s, y.offset());
        } else if (y.offset() == b.offset()) {
            cudnn.addTensor(s, 1f, a.offset(), s, y.offset());
        } else {
            cudnn.opTensorAdd(s, a.offset(), b.offset(), y.offset());
        }
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        BackendChecks.sameSize(x, y);
        cudnn.addTensor(flat(x), alpha, x.offset(), flat(y), y.offset());
    }

    @Override
    public void copyChannels(Tensor src, int srcChannel, Tensor dst, int dstChannel, int channels,
                             boolean accumulate) {
        BackendChecks.copyChannels(src, srcChannel, dst, dstChannel, channels);
        Dims s = src.dims();
        Dims d = dst.dims();
        int plane = s.h() * s.w();
        launch(Kernels.COPY_CHANNELS, (long) s.n() * channels * plane, KernelArgs.of().ptr(src.offset()).i32(s.c())
                .i32(srcChannel).ptr(dst.offset()).i32(d.c()).i32(dstChannel).i32(channels).i32(s.n()).i32(plane)
                .flag(accumulate));
    }

    @Override
    public void copyRows(Tensor src, int srcRow, Tensor dst, int dstRow, int rows, boolean accumulate) {
        BackendChecks.copyRows(src, srcRow, dst, dstRow, rows);
        Dims s = src.dims();
        Dims d = dst.dims();
        int planes = s.n() * s.c();
        launch(Kernels.COPY_ROWS, (long) planes * rows * s.w(), KernelArgs.of().ptr(src.offset()).i32(s.h()).i32(srcRow)
                .ptr(dst.offset()).i32(d.h()).i32(dstRow).i32(rows).i32(planes).i32(s.w()).flag(accumulate));
    }

    @Override
    public void fillRows(Tensor dst, int row, int rows, float value) {
        BackendChecks.fillRows(dst, row, rows);
        Dims d = dst.dims();
        int planes = d.n() * d.c();
        launch(Kernels.FILL_ROWS, (long) planes * rows * d.w(), KernelArgs.of().ptr(dst.offset()).i32(d.h()).i32(row)
                .i32(rows).i32(planes).i32(d.w()).f32(value));
    }

    @Override
    public void dropoutForward(Tensor x, Tensor mask, Tensor y, float p, long seed) {
        BackendChecks.dropout(x, mask, y, p);
        float scale = 1f / (1f - p);
        launch(Kernels.DROPOUT_FORWARD, x.size(), KernelArgs.of().ptr(x.offset()).ptr(mask.offset()).ptr(y.offset())
                .i32(x.size()).f32(p).f32(scale).i64(seed));
    }

    @Override
    public void dropoutBackward(Tensor dy, Tensor mask, Tensor dx, boolean accumulate) {
        BackendChecks.sameSize(dy, mask);
        BackendChecks.sameSize(dy, dx);
        launch(Kernels.DROPOUT_BACKWARD, dy.size(), KernelArgs.of().ptr(dy.offset()).ptr(mask.offset()).ptr(dx.offset())
                .i32(dy.size()).flag(accumulate));
    }

    // ---- invertible layers ----------------------------------------------------------------------------

    private void rearrange(Tensor x, Tensor y, int block, boolean toSpace, boolean accumulate) {
        Dims d = BackendChecks.spaceToDepth(x, y, block);
        launch(Kernels.SPACE_TO_DEPTH, x.size(), KernelArgs.of().ptr(x.offset()).ptr(y.offset()).i32(d.n()).i32(d.c())
                .i32(d.h() / block).i32(d.w() / block).i32(block).flag(toSpace).flag(accumulate));
    }

    @Override
    public void spaceToDepth(Tensor x, Tensor y, int block) {
        rearrange(x, y, block, false, false);
    }

    @Override
    public void depthToSpace(Tensor y, Tensor x, int block, boolean accumulate) {
        rearrange(x, y, block, true, accumulate);
    }

    @Override
    public void activationInverse(Tensor y, Tensor x, float negativeSlope) {
        BackendChecks.activationInverse(y, x, negativeSlope);
        launch(Kernels.LEAKY_RELU_INVERSE, y.size(), KernelArgs.of().ptr(y.offset()).ptr(x.offset()).i32(y.size())
                .f32(1f / negativeSlope));
    }

    @Override
    public void batchNormInverse(Tensor y, Tensor scale, Tensor beta, Tensor saveMean, Tensor saveInvStd, Tensor x) {
        Dims d = y.dims();
        BackendChecks.sameSize(x, y);
        BackendChecks.channels(d, scale, beta, saveMean, saveInvStd);
        launch(Kernels.BATCH_NORM_INVERSE, y.size(), KernelArgs.of().ptr(y.offset()).ptr(scale.offset())
                .ptr(beta.offset()).ptr(saveMean.offset()).ptr(saveInvStd.offset()).ptr(x.offset()).i32(d.n()).i32(d.c())
                .i32(d.h() * d.w()));
    }

    @Override
    public void magnitude(Tensor x, float eps, Tensor y) {
        BackendChecks.sameSize(x, y);
        launch(Kernels.MAGNITUDE, x.size(), KernelArgs.of().ptr(x.offset()).ptr(y.offset()).i32(x.size()).f32(eps));
    }

    @Override
    public void magnitudeBackward(Tensor x, Tensor dy, Tensor dx, boolean accumulate) {
        BackendChecks.sameSize(x, dy);
        BackendChecks.sameSize(x, dx);
        launch(Kernels.MAGNITUDE_BACKWARD, x.size(), KernelArgs.of().ptr(x.offset()).ptr(dy.offset()).ptr(dx.offset())
                .i32(x.size()).flag(accumulate));
    }

    // ---- loss -----------------------------------------------------------------------------------------

    @Override
    public void softmaxCrossEntropyForward(Tensor logits, Tensor labels, Tensor probs, Tensor loss) {
        BackendChecks.loss(logits, labels, probs);
        BackendChecks.lossValue(loss);
        int n = logits.dims().n();
        int classes = logits.dims().perSample();
        cudnn.softmaxForward(new TensorShape(n, classes, 1, 1), logits.offset(), probs.offset());
        driver.launch(Kernels.CROSS_ENTROPY, 1, 1, Kernels.BLOCK, KernelArgs.of().ptr(logits.offset())
                .ptr(labels.offset()).ptr(loss.offset()).i32(n).i32(classes));
        // the kernel marks a label that is not a class index with a negative loss; reading it waits for the step
        float[] value = new float[1];
        driver.copyToHost(loss.offset(), value, 0, 1);
        if (value[0] < 0) {
            int sample = (int) -value[0] - 1;
            float[] label = new float[1];
            driver.copyToHost(labels.offset() + (long) sample * Float.BYTES, label, 0, 1);
            throw new IllegalArgumentException(BackendChecks.badLabel(label[0], sample, classes));
        }
    }

    @Override
    public void softmaxCrossEntropyBackward(Tensor probs, Tensor labels, Tensor dlogits) {
        BackendChecks.loss(probs, labels, dlogits);
        int n = probs.dims().n();
        int classes = probs.dims().perSample();
        launch(Kernels.CROSS_ENTROPY_BACKWARD, probs.size(), KernelArgs.of().ptr(probs.offset()).ptr(labels.offset())
                .ptr(dlogits.offset()).i32(n).i32(classes));
    }

    // ---- optimizers -----------------------------------------------------------------------------------

    @Override
    public void sgdUpdate(Tensor w, Tensor dw, Tensor velocity, float lr, float momentum, float weightDecay) {
        BackendChecks.sgd(w, dw, velocity);
        launch(Kernels.SGD, w.size(), KernelArgs.of().ptr(w.offset()).ptr(dw.offset()).ptr(at(velocity)).i32(w.size())
                .f32(lr).f32(momentum).f32(weightDecay));
    }

    @Override
    public void adamUpdate(Tensor w, Tensor dw, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                           float weightDecay, int t) {
        BackendChecks.adam(w, dw, m, v, t);
        // the bias corrections as the CPU kernel rounds them
        float stepSize = (float) (lr / (1 - Math.pow(beta1, t)));
        float sqrtCorrection2 = (float) Math.sqrt(1 - Math.pow(beta2, t));
        launch(Kernels.ADAM, w.size(), KernelArgs.of().ptr(w.offset()).ptr(dw.offset()).ptr(m.offset()).ptr(v.offset())
                .i32(w.size()).f32(stepSize).f32(beta1).f32(beta2).f32(eps).f32(weightDecay).f32(sqrtCorrection2));
    }
}
