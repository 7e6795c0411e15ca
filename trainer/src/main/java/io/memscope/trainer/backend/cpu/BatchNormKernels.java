package io.memscope.trainer.backend.cpu;

/**
 * Spatial batch normalization over x (n, c, plane): statistics per channel over n·plane values, summed by
 * {@link Lanes} in a fixed order, one channel per worker at a time; the elementwise passes run in float with
 * per-channel coefficients. Per-channel tensors are float indices of
 * {@code c} floats.
 */
public final class BatchNormKernels {
    private final float[] mem;
    private final WorkerPool pool;
    private final Lanes lanes = Lanes.get();

    public BatchNormKernels(float[] mem, WorkerPool pool) {
        this.mem = mem;
        this.pool = pool;
    }

    /**
     * Normalizes with the batch statistics (biased variance), saves the mean and 1/sqrt(var + eps), and moves
     * the running statistics by {@code momentum}, the variance with the unbiased batch variance.
     */
    public void forwardTraining(int n, int c, int plane, int x, int gamma, int beta, int y, int runningMean,
                                int runningVar, int saveMean, int saveInvStd, double momentum, double eps) {
        long count = (long) n * plane;
        pool.forEach(c, 3 * count, (worker, from, to) -> {
            for (int ch = from; ch < to; ch++) {
                int planes = x + ch * plane; // image i's plane of the channel at planes + i·c·plane
                double sum = lanes.planesSum(mem, planes, plane, n, c * plane);
                double mean = sum / count;
                double squares = lanes.planesSquares(mem, planes, plane, n, c * plane, mean);
                double variance = squares / count;
                double unbiased = count > 1 ? squares / (count - 1) : variance;
                double invStd = 1.0 / Math.sqrt(variance + eps);
                mem[saveMean + ch] = (float) mean;
                mem[saveInvStd + ch] = (float) invStd;
                // Normalize with the saved (float) statistics, so that apply() on a band reproduces y exactly.
                normalize(n, c, plane, ch, x, y, mem[saveMean + ch], mem[saveInvStd + ch], mem[gamma + ch],
                        mem[beta + ch]);
                mem[runningMean + ch] = (float) ((1 - momentum) * mem[runningMean + ch] + momentum * mean);
                mem[runningVar + ch] = (float) ((1 - momentum) * mem[runningVar + ch] + momentum * unbiased);
            }
        });
    }

    /** Normalizes with the running statistics. */
    public void forwardInference(int n, int c, int plane, int x, int gamma, int beta, int y, int runningMean,
                                 int runningVar, double eps) {
        pool.forEach(c, (long) n * plane, (worker, from, to) -> {
            for (int ch = from; ch < to; ch++) {
                double invStd = 1.0 / Math.sqrt(mem[runningVar + ch] + eps);
                normalize(n, c, plane, ch, x, y, mem[runningMean + ch], invStd, mem[gamma + ch], mem[beta + ch]);
            }
        });
    }

    /** Normalizes with saved statistics, as {@link #forwardTraining} did for the same values. */
    public void apply(int n, int c, int plane, int x, int gamma, int beta, int y, int saveMean, int saveInvStd) {
        pool.forEach(c, (long) n * plane, (worker, from, to) -> {
            for (int ch = from; ch < to; ch++) {
                normalize(n, c, plane, ch, x, y, mem[saveMean + ch], mem[saveInvStd + ch], mem[gamma + ch],
                        mem[beta + ch]);
            }
        });
    }

    /**
     * With xhat = (x − mean)·invStd and m = n·plane values per channel: dbeta = Σdy, dgamma = Σdy·xhat,
     * dx = gamma·invStd/m · (m·dy − dbeta − xhat·dgamma).
     */
    public void backward(int n, int c, int plane, int x, int dy, int gamma, int saveMean, int saveInvStd, int dx,
                         int dgamma, int dbeta, boolean accumulateDx, boolean accumulateParams) {
        long count = (long) n * plane;
        pool.forEach(c, 3 * count, (worker, from, to) -> {
            for (int ch = from; ch < to; ch++) {
                double mean = mem[saveMean + ch];
                double invStd = mem[saveInvStd + ch];
                int planes = ch * plane; // image i's plane of the channel at planes + i·c·plane
                double sumDy = lanes.planesSum(mem, dy + planes, plane, n, c * plane);
                double sumDyXhat = invStd * lanes.planesDot(mem, dy + planes, x + planes, plane, n, c * plane, mean);
                // dx = scale·(m·dy − Σdy − xhat·Σdy·xhat) = a·dy + b·(x − mean) + k, in float, per channel
                double scale = mem[gamma + ch] * invStd / count;
                float a = (float) (scale * count);
                float b = (float) (-scale * invStd * sumDyXhat);
                float k = (float) (-scale * sumDy);
                float mu = (float) mean;
                for (int i = 0; i < n; i++) {
                    int at = (i * c + ch) * plane;
                    lanes.normGrad(mem, dy + at, x + at, dx + at, plane, a, b, mu, k, accumulateDx);
                }
                mem[dgamma + ch] = (float) (accumulateParams ? mem[dgamma + ch] + sumDyXhat : sumDyXhat);
                mem[dbeta + ch] = (float) (accumulateParams ? mem[dbeta + ch] + sumDy : sumDy);
            }
        });
    }

    private void normalize(int n, int c, int plane, int ch, int x, int y, double mean, double invStd,
                           double gamma, double beta) {
        float scale = (float) (gamma * invStd);
        float shift = (float) beta;
        float mu = (float) mean;
        for (int i = 0; i < n; i++) {
            int start = (i * c + ch) * plane;
            lanes.affine(mem, x + start, y + start, plane, mu, scale, shift);
        }
    }
}
