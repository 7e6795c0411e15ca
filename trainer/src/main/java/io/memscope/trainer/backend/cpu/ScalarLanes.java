package io.memscope.trainer.backend.cpu;

/** {@link Lanes} as plain loops, for a JVM without {@code jdk.incubator.vector}; sums in double. */
final class ScalarLanes extends Lanes {
    static final ScalarLanes INSTANCE = new ScalarLanes();

    @Override
    public String describe() {
        return "scalar loops (start Java with --add-modules jdk.incubator.vector for vector lanes)";
    }

    @Override
    public void add(float[] m, int dst, int src, int n) {
        for (int i = 0; i < n; i++) {
            m[dst + i] += m[src + i];
        }
    }

    @Override
    public void sum(float[] m, int a, int b, int y, int n) {
        for (int i = 0; i < n; i++) {
            m[y + i] = m[a + i] + m[b + i];
        }
    }

    @Override
    public void axpy(float[] m, float alpha, int x, int y, int n) {
        for (int i = 0; i < n; i++) {
            m[y + i] += alpha * m[x + i];
        }
    }

    @Override
    public void leakyRelu(float[] m, int x, int y, int n, float slope) {
        for (int i = 0; i < n; i++) {
            float v = m[x + i];
            m[y + i] = Math.max(v, slope * v);
        }
    }

    /**
     * Without a branch: y is max(x, 0·x), so it is positive exactly where its bits are a positive int, and
     * {@code (~bits & -bits) >> 31} is then all ones (else zero: for +0, and for −0 and negatives, whose sign
     * bit ~bits clears), a mask on dy's bits.
     */
    @Override
    public void reluBackward(float[] m, int y, int dy, int dx, int n, boolean accumulate) {
        if (accumulate) {
            for (int i = 0; i < n; i++) {
                int bits = Float.floatToRawIntBits(m[y + i]);
                int keep = (~bits & -bits) >> 31;
                m[dx + i] += Float.intBitsToFloat(Float.floatToRawIntBits(m[dy + i]) & keep);
            }
        } else {
            for (int i = 0; i < n; i++) {
                int bits = Float.floatToRawIntBits(m[y + i]);
                int keep = (~bits & -bits) >> 31;
                m[dx + i] = Float.intBitsToFloat(Float.floatToRawIntBits(m[dy + i]) & keep);
            }
        }
    }

    // Sums in double over four interleaved partial sums, combined in a fixed order: the same result on every
    // run and thread count, without one long chain of dependent additions.

    @Override
    public double sum(float[] m, int a, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += m[a + j];
            s1 += m[a + j + 1];
            s2 += m[a + j + 2];
            s3 += m[a + j + 3];
        }
        for (; j < n; j++) {
            s0 += m[a + j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public double squares(float[] m, int a, int n, double mean) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            double d0 = m[a + j] - mean;
            double d1 = m[a + j + 1] - mean;
            double d2 = m[a + j + 2] - mean;
            double d3 = m[a + j + 3] - mean;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; j < n; j++) {
            double d = m[a + j] - mean;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public double dot(float[] m, int dy, int x, int n, double mean) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += m[dy + j] * (m[x + j] - mean);
            s1 += m[dy + j + 1] * (m[x + j + 1] - mean);
            s2 += m[dy + j + 2] * (m[x + j + 2] - mean);
            s3 += m[dy + j + 3] * (m[x + j + 3] - mean);
        }
        for (; j < n; j++) {
            s0 += m[dy + j] * (m[x + j] - mean);
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void affine(float[] m, int x, int y, int n, float mu, float scale, float shift) {
        for (int i = 0; i < n; i++) {
            m[y + i] = (m[x + i] - mu) * scale + shift;
        }
    }

    @Override
    public void normGrad(float[] m, int dy, int x, int dx, int n, float a, float b, float mu, float k,
                         boolean accumulate) {
        if (accumulate) {
            for (int i = 0; i < n; i++) {
                m[dx + i] += a * m[dy + i] + b * (m[x + i] - mu) + k;
            }
        } else {
            for (int i = 0; i < n; i++) {
                m[dx + i] = a * m[dy + i] + b * (m[x + i] - mu) + k;
            }
        }
    }

    @Override
    public void sgd(float[] m, int w, int dw, int velocity, int n, float lr, float momentum, float weightDecay) {
        for (int i = 0; i < n; i++) {
            float g = m[dw + i] + weightDecay * m[w + i];
            if (velocity >= 0) {
                g = momentum * m[velocity + i] + g;
                m[velocity + i] = g;
            }
            m[w + i] -= lr * g;
        }
    }

    @Override
    public void maxPool2x2(float[] m, int x, int w, int outW, int rowFrom, int rowTo, int y) {
        for (int r = rowFrom; r < rowTo; r++) {
            int row = x + 2 * r * w;
            windows(m, row, row + w, y + r * outW, 0, outW);
        }
    }

    /** Windows {@code [from, to)} of one row of windows (input rows at {@code r0}, {@code r1}; outputs at {@code y}). */
    static void windows(float[] m, int r0, int r1, int y, int from, int to) {
        for (int j = from; j < to; j++) {
            int a = r0 + 2 * j;
            int b = r1 + 2 * j;
            m[y + j] = Math.max(Math.max(m[a], m[a + 1]), Math.max(m[b], m[b + 1]));
        }
    }

    @Override
    public void maxPool2x2Backward(float[] m, int x, int w, int outW, int rowFrom, int rowTo, int dy, int dx,
                                   boolean accumulate) {
        for (int r = rowFrom; r < rowTo; r++) {
            int row = x + 2 * r * w;
            windowsBackward(m, row, row + w, dy + r * outW, dx - x, 0, outW, accumulate);
        }
    }

    /**
     * The gradient of windows {@code [from, to)} of one row of windows whose input rows start at {@code r0} and
     * {@code r1}, its {@code dx} cells at {@code shift} from the input cells.
     */
    static void windowsBackward(float[] m, int r0, int r1, int dy, int shift, int from, int to, boolean accumulate) {
        for (int j = from; j < to; j++) {
            int a = r0 + 2 * j;
            int b = r1 + 2 * j;
            float max = Math.max(Math.max(m[a], m[a + 1]), Math.max(m[b], m[b + 1]));
            int first = m[a] == max ? a : m[a + 1] == max ? a + 1 : m[b] == max ? b : m[b + 1] == max ? b + 1 : -1;
            float g = m[dy + j];
            if (!accumulate) {
                m[a + shift] = 0f;
                m[a + 1 + shift] = 0f;
                m[b + shift] = 0f;
                m[b + 1 + shift] = 0f;
            }
            if (first >= 0) {
                m[first + shift] = accumulate ? m[first + shift] + g : g;
            }
        }
    }
}
