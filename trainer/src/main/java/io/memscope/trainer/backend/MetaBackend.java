package io.memscope.trainer.backend;

import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Tensor;
import java.util.Objects;

/**
 * The null backend: every kernel returns at once and no value is ever stored, so a training step can be
 * planned, traced and shown without arithmetic. Its workspace model is that of the backend it stands in for,
 * so the planned peak is the peak that backend will reach.
 */
public final class MetaBackend implements Backend {
    private final DeviceMemory memory;
    private final WorkspaceModel workspaceModel;

    public MetaBackend(DeviceMemory memory, WorkspaceModel workspaceModel) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.workspaceModel = Objects.requireNonNull(workspaceModel, "workspaceModel");
    }

    @Override
    public String name() {
        return "meta";
    }

    @Override
    public boolean computes() {
        return false;
    }

    @Override
    public DeviceMemory memory() {
        return memory;
    }

    @Override
    public WorkspaceModel workspaceModel() {
        return workspaceModel;
    }

    @Override
    public void upload(float[] src, int srcOffset, Tensor dst) {}

    /** Leaves {@code dst} as it is: there are no values to copy. */
    @Override
    public void download(Tensor src, float[] dst, int dstOffset) {}

    @Override
    public void fill(Tensor t, float value) {}

    @Override
    public void copy(Tensor src, Tensor dst) {}

    @Override
    public void convForward(ConvGeometry g, Tensor x, Tensor w, Tensor bias, Tensor y, Tensor workspace) {}

    @Override
    public void convBackwardData(ConvGeometry g, Tensor dy, Tensor w, Tensor dx, Tensor workspace,
                                 boolean accumulate) {}

    @Override
    public void convBackwardFilter(ConvGeometry g, Tensor x, Tensor dy, Tensor dw, Tensor dbias, Tensor workspace,
                                   boolean accumulate) {}

    @Override
    public void linearForward(Tensor x, Tensor w, Tensor bias, Tensor y) {}

    @Override
    public void linearBackward(Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw, Tensor dbias,
                               boolean accumulateDx, boolean accumulateParams) {}

    @Override
    public void activationForward(Tensor x, Tensor y, float negativeSlope) {}

    @Override
    public void activationBackward(Tensor y, Tensor dy, Tensor dx, float negativeSlope, boolean accumulate) {}

    @Override
    public void poolForward(PoolGeometry g, Tensor x, Tensor y) {}

    @Override
    public void poolBackward(PoolGeometry g, Tensor x, Tensor y, Tensor dy, Tensor dx, boolean accumulate) {}

    @Override
    public void batchNormForwardTraining(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor runningMean,
                                         Tensor runningVar, Tensor saveMean, Tensor saveInvStd, double momentum,
                                         double eps) {}

    @Override
    public void batchNormForwardInference(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor runningMean,
                                          Tensor runningVar, double eps) {}

    @Override
    public void batchNormApply(Tensor x, Tensor gamma, Tensor beta, Tensor saveMean, Tensor saveInvStd, Tensor y) {}

    @Override
    public void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dx,
                                  Tensor dgamma, Tensor dbeta, boolean accumulateDx, boolean accumulateParams) {}

    @Override
    public void add(Tensor a, Tensor b, Tensor y) {}

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {}

    @Override
    public void copyChannels(Tensor src, int srcChannel, Tensor dst, int dstChannel, int channels,
                             boolean accumulate) {}

    @Override
    public void copyRows(Tensor src, int srcRow, Tensor dst, int dstRow, int rows, boolean accumulate) {}

    @Override
    public void fillRows(Tensor dst, int row, int rows, float value) {}

    @Override
    public void dropoutForward(Tensor x, Tensor mask, Tensor y, float p, long seed) {}

    @Override
    public void dropoutBackward(Tensor dy, Tensor mask, Tensor dx, boolean accumulate) {}

    @Override
    public void spaceToDepth(Tensor x, Tensor y, int block) {}

    @Override
    public void depthToSpace(Tensor y, Tensor x, int block, boolean accumulate) {}

    @Override
    public void activationInverse(Tensor y, Tensor x, float negativeSlope) {}

    @Override
    public void batchNormInverse(Tensor y, Tensor scale, Tensor beta, Tensor saveMean, Tensor saveInvStd, Tensor x) {}

    @Override
    public void magnitude(Tensor x, float eps, Tensor y) {}

    @Override
    public void magnitudeBackward(Tensor x, Tensor dy, Tensor dx, boolean accumulate) {}

    @Override
    public void softmaxCrossEntropyForward(Tensor logits, Tensor labels, Tensor probs, Tensor loss) {}

    @Override
    public void softmaxCrossEntropyBackward(Tensor probs, Tensor labels, Tensor dlogits) {}

    @Override
    public void sgdUpdate(Tensor w, Tensor dw, Tensor velocity, float lr, float momentum, float weightDecay) {}

    @Override
    public void adamUpdate(Tensor w, Tensor dw, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                           float weightDecay, int t) {}
}
