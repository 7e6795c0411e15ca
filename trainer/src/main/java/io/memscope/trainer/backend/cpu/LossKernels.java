package io.memscope.trainer.backend.cpu;

/** Softmax cross-entropy over {@code classes} logits per sample, with labels stored as floats. */
public final class LossKernels {
    private final float[] mem;
    private final WorkerPool pool;

    public LossKernels(float[] mem, WorkerPool pool) {
        this.mem = mem;
        this.pool = pool;
    }

    /**
     * Writes the softmax probabilities and the mean cross-entropy. Each sample's loss is its log-sum-exp
     * (taken after subtracting the largest logit, so no exponential overflows) minus its label's logit; the
     * per-sample losses are then summed in sample order, so the result does not depend on the thread count.
     */
    public void forward(int n, int classes, int logits, int labels, int probs, int loss) {
        double[] sampleLoss = new double[n];
        pool.forEach(n, 3L * classes, (worker, from, to) -> {
            for (int i = from; i < to; i++) {
                int row = logits + i * classes;
                int label = label(labels, i, classes);
                float max = mem[row];
                for (int j = 1; j < classes; j++) {
                    max = Math.max(max, mem[row + j]);
                }
                double sum = 0;
                for (int j = 0; j < classes; j++) {
                    sum += Math.exp(mem[row + j] - max);
                }
                double logSumExp = max + Math.log(sum);
                for (int j = 0; j < classes; j++) {
                    mem[probs + i * classes + j] = (float) Math.exp(mem[row + j] - logSumExp);
                }
                sampleLoss[i] = logSumExp - mem[row + label];
            }
        });
        double total = 0;
        for (double l : sampleLoss) {
            total += l;
        }
        mem[loss] = (float) (total / n);
    }

    /** dlogits = (probs − onehot(labels)) / n. */
    public void backward(int n, int classes, int probs, int labels, int dlogits) {
        pool.forEach(n, classes, (worker, from, to) -> {
            for (int i = from; i < to; i++) {
                int label = label(labels, i, classes);
                for (int j = 0; j < classes; j++) {
                    float p = mem[probs + i * classes + j];
                    mem[dlogits + i * classes + j] = (j == label ? p - 1f : p) / n;
                }
            }
        });
    }

    private int label(int labels, int sample, int classes) {
        float value = mem[labels + sample];
        int label = (int) value;
        if (label != value || label < 0 || label >= classes) {
            throw new IllegalArgumentException(io.memscope.trainer.backend.BackendChecks.badLabel(value, sample, classes));
        }
        return label;
    }
}
