package io.memscope.trainer.backend;

import dev.ludovic.netlib.blas.BLAS;
import io.memscope.trainer.backend.cpu.ActivationKernels;
import io.memscope.trainer.backend.cpu.BatchNormKernels;
import io.memscope.trainer.backend.cpu.BlasThreads;
import io.memscope.trainer.backend.cpu.ConvKernels;
import io.memscope.trainer.backend.cpu.CpuWorkspaceModel;
import io.memscope.trainer.backend.cpu.DropoutKernels;
import io.memscope.trainer.backend.cpu.ElementwiseKernels;
import io.memscope.trainer.backend.cpu.InvertibleKernels;
import io.memscope.trainer.backend.cpu.LinearKernels;
import io.memscope.trainer.backend.cpu.LossKernels;
import io.memscope.trainer.backend.cpu.OptimizerKernels;
import io.memscope.trainer.backend.cpu.PoolKernels;
import io.memscope.trainer.backend.cpu.RowKernels;
import io.memscope.trainer.backend.cpu.WorkerPool;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.Paging;
import io.memscope.trainer.memory.Tensor;
import java.util.Arrays;

/**
 * The reference backend: device memory is one {@code float[]} as large as the budget, a tensor's values live at
 * {@link Tensor#floatIndex()}, and kernels run on a small worker pool. A paged device's array spans its whole
 * virtual address space (about twice the budget), ordinary host memory behind every virtual address: there only
 * the page count is the budget. This class checks shapes (with {@link BackendChecks}, as the CUDA backend does)
 * and maps tensors to array indices; the arithmetic lives in {@code io.memscope.trainer.backend.cpu}, one class
 * per kind of op.
 */
public final class CpuBackend implements Backend {
    /** The largest Java array the JVM reliably allocates (a few words below Integer.MAX_VALUE). */
    private static final long MAX_ARRAY_FLOATS = Integer.MAX_VALUE - 8;
    /** Heap kept free beside the device array for the dataset, the trace and everything else. */
    private static final long HEAP_MARGIN = 512L << 20;
    private static final long GIB = 1L << 30;

    private final DeviceMemory memory;
    private final float[] mem;
    private final WorkerPool pool;
    private final CpuWorkspaceModel workspaceModel;
    private final ConvKernels conv;
    private final LinearKernels linear;
    private final ActivationKernels activation;
    private final PoolKernels pooling;
    private final BatchNormKernels batchNorm;
    private final ElementwiseKernels elementwise;
    private final RowKernels rowKernels;
    private final DropoutKernels dropout;
    private final LossKernels loss;
    private final InvertibleKernels invertible;
    private final OptimizerKernels optimizer;

    public CpuBackend(DeviceMemory memory) {
        this(memory, defaultThreads());
    }

    public CpuBackend(DeviceMemory memory, int threads) {
        this(memory, threads, BLAS.getInstance());
    }

    /**
     * A CPU backend on a given BLAS, e.g. {@code JavaBLAS.getInstance()} to compare against the native library
     * in one run. Results agree within float tolerance whichever BLAS is used.
     */
    public CpuBackend(DeviceMemory memory, int threads, BLAS blas) {
        this(memory, threads, WorkerPool.DEFAULT_MIN_PARALLEL_WORK, blas);
    }

    /** Splits loops of at least {@code minParallelWork} element operations; tests pass 0 to split every loop. */
    CpuBackend(DeviceMemory memory, int threads, long minParallelWork) {
        this(memory, threads, minParallelWork, BLAS.getInstance());
    }

    private CpuBackend(DeviceMemory memory, int threads, long minParallelWork, BLAS blas) {
        this.memory = memory;
        this.workspaceModel = new CpuWorkspaceModel(threads);
        this.mem = allocateDeviceArray(memory.budgetBytes(), memory.paging());
        this.pool = new WorkerPool(threads, minParallelWork);
        if (isNative(blas)) {
            BlasThreads.pin(blasThreadsPerWorker(threads));
        }
        this.conv = new ConvKernels(mem, pool, blas);
        this.linear = new LinearKernels(mem, pool, blas);
        this.activation = new ActivationKernels(mem, pool);
        this.pooling = new PoolKernels(mem, pool);
        this.batchNorm = new BatchNormKernels(mem, pool);
        this.elementwise = new ElementwiseKernels(mem, pool);
        this.rowKernels = new RowKernels(mem, pool);
        this.dropout = new DropoutKernels(mem, pool);
        this.loss = new LossKernels(mem, pool);
        this.invertible = new InvertibleKernels(mem, pool);
        this.optimizer = new OptimizerKernels(mem, pool);
    }

    /** Which BLAS the default constructor uses: native (OpenBLAS through JNI) or the Java fallback. */
    public static String blasName() {
        BLAS blas = BLAS.getInstance();
        String impl = blas.getClass().getSimpleName();
        if (!isNative(blas)) {
            return "Java BLAS (" + impl + "; install libopenblas0 for speed)";
        }
        // as a default backend would pin it, so that a header printed before any backend says what will hold
        return "native BLAS (" + impl + "; " + BlasThreads.pin(blasThreadsPerWorker(defaultThreads())) + ")";
    }

    /** OpenBLAS threads each of {@code workers} workers may use: the cores shared out, at least one. */
    private static int blasThreadsPerWorker(int workers) {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
    }

    private static boolean isNative(BLAS blas) {
        String impl = blas.getClass().getSimpleName();
        return impl.startsWith("JNI") || impl.startsWith("Native");
    }

    /** One worker per available processor. */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** The CPU backend's workspace formula, for planning without allocating the device array. */
    public static WorkspaceModel workspaceModel(int threads) {
        return new CpuWorkspaceModel(threads);
    }

    /**
     * Why a CPU device of this size cannot be created in this JVM (one Java array, within the heap), or null when
     * it can; planning says so before a run is tried.
     */
    public static String deviceProblem(long capacityBytes) {
        if (capacityBytes / Float.BYTES > MAX_ARRAY_FLOATS) {
            return "a " + Bytes.format(capacityBytes) + " CPU device does not fit one Java float array, which holds "
                    + "just under 8.0 GiB (2^31-1 floats): lower --budget to 8191MiB or less, or use the CUDA backend";
        }
        long maxHeap = Runtime.getRuntime().maxMemory();
        long available = maxHeap - Math.min(HEAP_MARGIN, maxHeap / 4);
        return capacityBytes > available ? doesNotFitHeap(capacityBytes, maxHeap) : null;
    }

    /**
     * As {@link #deviceProblem(long)} for a device of {@code budgetBytes} with the given paging: a paged device's
     * array spans its virtual address space, so the limits come at about half the budget.
     */
    public static String deviceProblem(long budgetBytes, Paging paging) {
        if (!paging.paged()) {
            return deviceProblem(paging.addressSpace(budgetBytes));
        }
        long span = paging.addressSpace(budgetBytes);
        String why = "paged, the CPU device is one float array over its virtual address space (twice the budget and "
                + "a page: " + Bytes.format(span) + " for " + Bytes.format(budgetBytes) + "), ";
        if (span / Float.BYTES > MAX_ARRAY_FLOATS) {
            long most = ((MAX_ARRAY_FLOATS * Float.BYTES - paging.pageBytes()) / 2) >> 20;
            return why + "more than one Java float array holds (just under 8.0 GiB): lower --budget to " + most
                    + "MiB or less, leave --paged out, or use the CUDA backend";
        }
        if (deviceProblem(span) == null) {
            return null;
        }
        long maxHeap = Runtime.getRuntime().maxMemory();
        return why + "more than the Java heap holds (max " + Bytes.format(maxHeap) + "): lower --budget or start "
                + "Java with -Xmx" + ((span + GIB - 1) / GIB + 2) + "g";
    }

    private static float[] allocateDeviceArray(long budgetBytes, Paging paging) {
        String problem = deviceProblem(budgetBytes, paging);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        long span = paging.addressSpace(budgetBytes);
        try {
            return new float[(int) (span / Float.BYTES)];
        } catch (OutOfMemoryError e) {
            throw new IllegalArgumentException(doesNotFitHeap(span, Runtime.getRuntime().maxMemory()), e);
        }
    }

    private static String doesNotFitHeap(long capacityBytes, long maxHeap) {
        long suggestedGib = (capacityBytes + GIB - 1) / GIB + 2;
        return "a " + Bytes.format(capacityBytes) + " CPU device does not fit the Java heap (max "
                + Bytes.format(maxHeap) + "): lower --budget or start Java with -Xmx" + suggestedGib + "g";
    }

    @Override
    public String name() {
        return "cpu";
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
        return workspaceModel;
    }

    public int threads() {
        return pool.threads();
    }

    /**
     * From now on fills every block with {@code value} when it is allocated, so that reading device memory no
     * instruction wrote, which otherwise returns whatever the previous tenant of the block left, shows up:
     * with NaN it spreads into everything computed from it. Tests use it to prove a program writes every value
     * before it reads it; it costs one fill per allocation.
     */
    public void poisonAllocations(float value) {
        memory.trace().addListener(e -> {
            // device blocks as they are allocated or come back from the host (host blocks are not device memory)
            if ((e.action() == Action.ALLOC || e.action() == Action.SWAP_IN)
                    && e.category() != io.memscope.trainer.memory.Category.HOST) {
                int from = Math.toIntExact(e.offset() / Float.BYTES);
                Arrays.fill(mem, from, from + Math.toIntExact(e.bytes() / Float.BYTES), value);
            }
        });
    }

    @Override
    public void close() {
        pool.close();
    }

    // ---- host <-> device ------------------------------------------------------------------------------

    @Override
    public void upload(float[] src, int srcOffset, Tensor dst) {
        System.arraycopy(src, srcOffset, mem, dst.floatIndex(), dst.size());
    }

    @Override
    public void download(Tensor src, float[] dst, int dstOffset) {
        System.arraycopy(mem, src.floatIndex(), dst, dstOffset, src.size());
    }

    @Override
    public void fill(Tensor t, float value) {
        elementwise.fill(t.size(), t.floatIndex(), value);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        BackendChecks.sameSize(src, dst);
        elementwise.copy(src.size(), src.floatIndex(), dst.floatIndex());
    }

    // ---- convolution ----------------------------------------------------------------------------------

    @Override
    public void convForward(ConvGeometry g, Tensor x, Tensor w, Tensor bias, Tensor y, Tensor workspace) {
        checkConv(g, x, w, bias, y, workspace, ConvPass.FORWARD);
        conv.forward(g, x.floatIndex(), w.floatIndex(), at(bias), y.floatIndex(), at(workspace));
    }

    @Override
    public void convBackwardData(ConvGeometry g, Tensor dy, Tensor w, Tensor dx, Tensor workspace,
                                 boolean accumulate) {
        checkConv(g, dx, w, null, dy, workspace, ConvPass.BACKWARD_DATA);
        conv.backwardData(g, dy.floatIndex(), w.floatIndex(), dx.floatIndex(), at(workspace), accumulate);
    }

    @Override
    public void convBackwardFilter(ConvGeometry g, Tensor x, Tensor dy, Tensor dw, Tensor dbias, Tensor workspace,
                                   boolean accumulate) {
        checkConv(g, x, dw, dbias, dy, workspace, ConvPass.BACKWARD_FILTER);
        conv.backwardFilter(g, x.floatIndex(), dy.floatIndex(), dw.floatIndex(), at(dbias), at(workspace),
                accumulate);
    }

    private void checkConv(ConvGeometry g, Tensor image, Tensor weights, Tensor bias, Tensor out, Tensor workspace,
                           ConvPass pass) {
        BackendChecks.conv(g, image, weights, bias, out);
        long needed = conv.workspaceFloats(g, pass);
        if (needed > 0 && (workspace == null || workspace.elements() < needed)) {
            throw new IllegalArgumentException("convolution " + pass + " of " + g + " needs a workspace of "
                    + Bytes.format(needed * Float.BYTES) + " (the CPU workspace model), got "
                    + (workspace == null ? "none" : Bytes.format(workspace.elements() * Float.BYTES)));
        }
    }

    // ---- fully connected --------------------------------------------------------------------------------

    @Override
    public void linearForward(Tensor x, Tensor w, Tensor bias, Tensor y) {
        int[] nio = BackendChecks.linear(x, w, bias, y);
        linear.forward(nio[0], nio[1], nio[2], x.floatIndex(), w.floatIndex(), at(bias), y.floatIndex());
    }

    @Override
    public void linearBackward(Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw, Tensor dbias,
                               boolean accumulateDx, boolean accumulateParams) {
        int[] nio = BackendChecks.linear(x, w, dbias, dy);
        BackendChecks.linearGradients(x, w, dx, dw);
        linear.backward(nio[0], nio[1], nio[2], x.floatIndex(), w.floatIndex(), dy.floatIndex(), at(dx), dw.floatIndex(),
                at(dbias), accumulateDx, accumulateParams);
    }

    // ---- activations ----------------------------------------------------------------------------------

    @Override
    public void activationForward(Tensor x, Tensor y, float negativeSlope) {
        BackendChecks.sameSize(x, y);
        activation.forward(x.size(), x.floatIndex(), y.floatIndex(), negativeSlope);
    }

    @Override
    public void activationBackward(Tensor y, Tensor dy, Tensor dx, float negativeSlope, boolean accumulate) {
        BackendChecks.sameSize(y, dy);
        BackendChecks.sameSize(y, dx);
        activation.backward(y.size(), y.floatIndex(), dy.floatIndex(), dx.floatIndex(), negativeSlope, accumulate);
    }

    // ---- pooling --------------------------------------------------------------------------------------

    @Override
    public void poolForward(PoolGeometry g, Tensor x, Tensor y) {
        BackendChecks.pool(g, x, y);
        pooling.forward(g, x.floatIndex(), y.floatIndex());
    }

    @Override
    public void poolBackward(PoolGeometry g, Tensor x, Tensor y, Tensor dy, Tensor dx, boolean accumulate) {
        BackendChecks.poolBackward(g, x, y, dy, dx);
        pooling.backward(g, g.max() ? x.floatIndex() : -1, dy.floatIndex(), dx.floatIndex(), accumulate);
    }

    // ---- batch normalization --------------------------------------------------------------------------

    @Override
    public void batchNormForwardTraining(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor runningMean,
                                         Tensor runningVar, Tensor saveMean, Tensor saveInvStd, double momentum,
                                         double eps) {
        Dims d = x.dims();
        BackendChecks.sameSize(x, y);
        BackendChecks.channels(d, gamma, beta, runningMean, runningVar, saveMean, saveInvStd);
        batchNorm.forwardTraining(d.n(), d.c(), d.h() * d.w(), x.floatIndex(), gamma.floatIndex(),
                beta.floatIndex(), y.floatIndex(), runningMean.floatIndex(), runningVar.floatIndex(),
                saveMean.floatIndex(), saveInvStd.floatIndex(), momentum, eps);
    }

    @Override
    public void batchNormForwardInference(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor runningMean,
                                          Tensor runningVar, double eps) {
        Dims d = x.dims();
        BackendChecks.sameSize(x, y);
        BackendChecks.channels(d, gamma, beta, runningMean, runningVar);
        batchNorm.forwardInference(d.n(), d.c(), d.h() * d.w(), x.floatIndex(), gamma.floatIndex(),
                beta.floatIndex(), y.floatIndex(), runningMean.floatIndex(), runningVar.floatIndex(), eps);
    }

    @Override
    public void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dx,
                                  Tensor dgamma, Tensor dbeta, boolean accumulateDx, boolean accumulateParams) {
        Dims d = x.dims();
        BackendChecks.sameSize(x, dy);
        BackendChecks.sameSize(x, dx);
        BackendChecks.channels(d, gamma, saveMean, saveInvStd, dgamma, dbeta);
        batchNorm.backward(d.n(), d.c(), d.h() * d.w(), x.floatIndex(), dy.floatIndex(), gamma.floatIndex(),
                saveMean.floatIndex(), saveInvStd.floatIndex(), dx.floatIndex(), dgamma.floatIndex(),
                dbeta.floatIndex(), accumulateDx, accumulateParams);
    }

    @Override
    public void batchNormApply(Tensor x, Tensor gamma, Tensor beta, Tensor saveMean, Tensor saveInvStd, Tensor y) {
        Dims d = x.dims();
        BackendChecks.sameSize(x, y);
        BackendChecks.channels(d, gamma, beta, saveMean, saveInvStd);
        batchNorm.apply(d.n(), d.c(), d.h() * d.w(), x.floatIndex(), gamma.floatIndex(), beta.floatIndex(),
                y.floatIndex(), saveMean.floatIndex(), saveInvStd.floatIndex());
    }

    // ---- elementwise and layout -----------------------------------------------------------------------

    @Override
    public void add(Tensor a, Tensor b, Tensor y) {
        BackendChecks.sameSize(a, b);
        BackendChecks.sameSize(a, y);
        elementwise.add(a.size(), a.floatIndex(), b.floatIndex(), y.floatIndex());
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        BackendChecks.sameSize(x, y);
        elementwise.axpy(x.size(), alpha, x.floatIndex(), y.floatIndex());
    }

    @Override
    public void copyChannels(Tensor src, int srcChannel, Tensor dst, int dstChannel, int channels,
                             boolean accumulate) {
        BackendChecks.copyChannels(src, srcChannel, dst, dstChannel, channels);
        Dims s = src.dims();
        Dims d = dst.dims();
        elementwise.copyChannels(s.n(), s.h() * s.w(), src.floatIndex(), s.c(), srcChannel, dst.floatIndex(), d.c(),
                dstChannel, channels, accumulate);
    }

    @Override
    public void copyRows(Tensor src, int srcRow, Tensor dst, int dstRow, int rows, boolean accumulate) {
        BackendChecks.copyRows(src, srcRow, dst, dstRow, rows);
        Dims s = src.dims();
        Dims d = dst.dims();
        rowKernels.copyRows(s.n() * s.c(), s.w(), src.floatIndex(), s.h(), srcRow, dst.floatIndex(), d.h(), dstRow,
                rows, accumulate);
    }

    @Override
    public void fillRows(Tensor dst, int row, int rows, float value) {
        BackendChecks.fillRows(dst, row, rows);
        Dims d = dst.dims();
        rowKernels.fillRows(d.n() * d.c(), d.w(), dst.floatIndex(), d.h(), row, rows, value);
    }

    @Override
    public void dropoutForward(Tensor x, Tensor mask, Tensor y, float p, long seed) {
        BackendChecks.dropout(x, mask, y, p);
        dropout.forward(x.size(), x.floatIndex(), mask.floatIndex(), y.floatIndex(), p, seed);
    }

    @Override
    public void dropoutBackward(Tensor dy, Tensor mask, Tensor dx, boolean accumulate) {
        BackendChecks.sameSize(dy, mask);
        BackendChecks.sameSize(dy, dx);
        dropout.backward(dy.size(), dy.floatIndex(), mask.floatIndex(), dx.floatIndex(), accumulate);
    }

    // ---- invertible layers ----------------------------------------------------------------------------

    @Override
    public void spaceToDepth(Tensor x, Tensor y, int block) {
        Dims d = BackendChecks.spaceToDepth(x, y, block);
        invertible.rearrange(d.n(), d.c(), d.h() / block, d.w() / block, block, x.floatIndex(), y.floatIndex(),
                false, false);
    }

    @Override
    public void depthToSpace(Tensor y, Tensor x, int block, boolean accumulate) {
        Dims d = BackendChecks.spaceToDepth(x, y, block);
        invertible.rearrange(d.n(), d.c(), d.h() / block, d.w() / block, block, x.floatIndex(), y.floatIndex(),
                true, accumulate);
    }

    @Override
    public void activationInverse(Tensor y, Tensor x, float negativeSlope) {
        BackendChecks.activationInverse(y, x, negativeSlope);
        invertible.activationInverse(y.size(), y.floatIndex(), x.floatIndex(), negativeSlope);
    }

    @Override
    public void batchNormInverse(Tensor y, Tensor scale, Tensor beta, Tensor saveMean, Tensor saveInvStd, Tensor x) {
        Dims d = y.dims();
        BackendChecks.sameSize(x, y);
        BackendChecks.channels(d, scale, beta, saveMean, saveInvStd);
        invertible.batchNormInverse(d.n(), d.c(), d.h() * d.w(), y.floatIndex(), scale.floatIndex(),
                beta.floatIndex(), saveMean.floatIndex(), saveInvStd.floatIndex(), x.floatIndex());
    }

    @Override
    public void magnitude(Tensor x, float eps, Tensor y) {
        BackendChecks.sameSize(x, y);
        invertible.magnitude(x.size(), x.floatIndex(), eps, y.floatIndex());
    }

    @Override
    public void magnitudeBackward(Tensor x, Tensor dy, Tensor dx, boolean accumulate) {
        BackendChecks.sameSize(x, dy);
        BackendChecks.sameSize(x, dx);
        invertible.magnitudeBackward(x.size(), x.floatIndex(), dy.floatIndex(), dx.floatIndex(), accumulate);
    }

    @Override
    public void softmaxCrossEntropyForward(Tensor logits, Tensor labels, Tensor probs, Tensor lossOut) {
        BackendChecks.loss(logits, labels, probs);
        BackendChecks.lossValue(lossOut);
        loss.forward(logits.dims().n(), logits.dims().perSample(), logits.floatIndex(), labels.floatIndex(),
                probs.floatIndex(), lossOut.floatIndex());
    }

    @Override
    public void softmaxCrossEntropyBackward(Tensor probs, Tensor labels, Tensor dlogits) {
        BackendChecks.loss(probs, labels, dlogits);
        loss.backward(probs.dims().n(), probs.dims().perSample(), probs.floatIndex(), labels.floatIndex(),
                dlogits.floatIndex());
    }

    // ---- optimizers -----------------------------------------------------------------------------------

    @Override
    public void sgdUpdate(Tensor w, Tensor dw, Tensor velocity, float lr, float momentum, float weightDecay) {
        BackendChecks.sgd(w, dw, velocity);
        optimizer.sgd(w.size(), w.floatIndex(), dw.floatIndex(), at(velocity), lr, momentum, weightDecay);
    }

    @Override
    public void adamUpdate(Tensor w, Tensor dw, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                           float weightDecay, int t) {
        BackendChecks.adam(w, dw, m, v, t);
        optimizer.adam(w.size(), w.floatIndex(), dw.floatIndex(), m.floatIndex(), v.floatIndex(), lr, beta1, beta2,
                eps, weightDecay, t);
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private static int at(Tensor t) {
        return t == null ? -1 : t.floatIndex();
    }
}
