package io.memscope.trainer.net.layers;

import io.memscope.trainer.memory.Tensor;
import java.util.List;

/**
 * The tensors bound to one run of a layer's forward or backward pass. Absent roles are null: {@code gradIn(i)}
 * is null when input i needs no gradient (the data), {@code workspace} when the kernels need none.
 *
 * @param batch          samples in the batch
 * @param training       training mode (batch statistics, dropout on) or inference
 * @param seed           randomness for this call (dropout), derived from the run's seed, the step and the layer
 * @param inputs         the layer's inputs, in declared order
 * @param output         its output
 * @param params         its persistent tensors, in {@link Layer#params()} order
 * @param paramGrads     gradients of the trainable ones, in the same order (null for buffers)
 * @param saved          tensors kept from forward for backward, in {@link Layer#saved} order
 * @param workspace      kernel scratch space, or null
 * @param gradOut        gradient of the output (backward only; null for the loss layer)
 * @param gradIns        gradients to produce for each input, or null entries
 * @param accumulateIns  whether to add into each {@code gradIns} entry rather than overwrite it
 * @param accumulateParams whether to add into the parameter gradients rather than overwrite them
 * @param labels         class labels (the loss layer only)
 * @param rowBand        the tensors hold a horizontal band of the maps rather than whole maps: the input band
 *                       already carries its vertical padding as explicit rows, so the layer computes with the
 *                       tensors' heights and no padding in H (see {@link Layer#rowWindow()})
 */
public record LayerCall(int batch, boolean training, long seed, List<Tensor> inputs, Tensor output,
                        List<Tensor> params, List<Tensor> paramGrads, List<Tensor> saved, Tensor workspace,
                        Tensor gradOut, List<Tensor> gradIns, List<Boolean> accumulateIns,
                        boolean accumulateParams, Tensor labels, boolean rowBand) {

    /** A call over whole maps. */
    public LayerCall(int batch, boolean training, long seed, List<Tensor> inputs, Tensor output,
                     List<Tensor> params, List<Tensor> paramGrads, List<Tensor> saved, Tensor workspace,
                     Tensor gradOut, List<Tensor> gradIns, List<Boolean> accumulateIns,
                     boolean accumulateParams, Tensor labels) {
        this(batch, training, seed, inputs, output, params, paramGrads, saved, workspace, gradOut, gradIns,
                accumulateIns, accumulateParams, labels, false);
    }

    public Tensor in(int i) {
        return inputs.get(i);
    }

    public Tensor param(int i) {
        return params.get(i);
    }

    public Tensor paramGrad(int i) {
        return paramGrads.get(i);
    }

    public Tensor saved(int i) {
        return saved.get(i);
    }

    public Tensor gradIn(int i) {
        return gradIns.get(i);
    }

    public boolean accumulateIn(int i) {
        return accumulateIns.get(i);
    }
}
