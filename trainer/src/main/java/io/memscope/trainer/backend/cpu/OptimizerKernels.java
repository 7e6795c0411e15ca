package io.memscope.trainer.backend.cpu;

/** Parameter updates over {@code size} floats, with PyTorch's conventions (weight decay added to the gradient). */
public final class OptimizerKernels {
    private final float[] mem;
    private final WorkerPool pool;
    private final Lanes lanes = Lanes.get();

    public OptimizerKernels(float[] mem, WorkerPool pool) {
        this.mem = mem;
        this.pool = pool;
    }

    /** g = dw + wd·w; v = momentum·v + g; w −= lr·v; without a velocity (index -1), w −= lr·g. */
    public void sgd(int size, int w, int dw, int velocity, float lr, float momentum, float weightDecay) {
        pool.forEach(size, 4, (worker, from, to) -> lanes.sgd(mem, w + from, dw + from,
                velocity < 0 ? -1 : velocity + from, to - from, lr, momentum, weightDecay));
    }

    /**
     * g = dw + wd·w; m = b1·m + (1−b1)·g; v = b2·v + (1−b2)·g²;
     * w −= lr/(1−b1^t) · m / (sqrt(v)/sqrt(1−b2^t) + eps), which is PyTorch's arrangement of the bias corrections.
     */
    public void adam(int size, int w, int dw, int m, int v, float lr, float beta1, float beta2, float eps,
                     float weightDecay, int t) {
        float stepSize = (float) (lr / (1 - Math.pow(beta1, t)));
        float sqrtCorrection2 = (float) Math.sqrt(1 - Math.pow(beta2, t));
        pool.forEach(size, 8, (worker, from, to) -> {
            for (int i = from; i < to; i++) {
                float g = mem[dw + i] + weightDecay * mem[w + i];
                float mi = beta1 * mem[m + i] + (1 - beta1) * g;
                float vi = beta2 * mem[v + i] + (1 - beta2) * g * g;
                mem[m + i] = mi;
                mem[v + i] = vi;
                mem[w + i] -= stepSize * mi / ((float) Math.sqrt(vi) / sqrtCorrection2 + eps);
            }
        });
    }
}
