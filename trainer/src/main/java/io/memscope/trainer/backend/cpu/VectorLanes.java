package io.memscope.trainer.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Lanes} on Java's vector API, at the machine's preferred width (16 floats with AVX-512, 8 with AVX2);
 * the last {@code n % width} elements of each range run as plain loops. Elementwise results equal the scalar
 * lanes'; sums add blocks of {@link Lanes#BLOCK} elements in float lanes, then the lanes in a fixed order and
 * the blocks in double.
 */
final class VectorLanes extends Lanes {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Lanes 0, 2, 4 ... of two vectors side by side (indexes of L and more pick from the second). */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(F, i -> 2 * i);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(F, i -> 2 * i + 1);
    /**
     * Half-width vectors (8 lanes) where the preferred ones have 16: for max-pooling rows of 8 to 15 outputs
     * (LeNet-5's 28-wide maps), which the full width would leave to scalar code.
     */
    private static final VectorSpecies<Float> HALF = L > 8 ? FloatVector.SPECIES_256 : null;
    private static final VectorShuffle<Float> HALF_EVEN = HALF == null ? null : VectorShuffle.fromOp(HALF, i -> 2 * i);
    private static final VectorShuffle<Float> HALF_ODD =
            HALF == null ? null : VectorShuffle.fromOp(HALF, i -> 2 * i + 1);

    @Override
    public String describe() {
        return "vector lanes (" + L + " floats)";
    }

    @Override
    public void add(float[] m, int dst, int src, int n) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(F, m, dst + i).add(FloatVector.fromArray(F, m, src + i)).intoArray(m, dst + i);
        }
        for (; i < n; i++) {
            m[dst + i] += m[src + i];
        }
    }

    @Override
    public void sum(float[] m, int a, int b, int y, int n) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(F, m, a + i).add(FloatVector.fromArray(F, m, b + i)).intoArray(m, y + i);
        }
        for (; i < n; i++) {
            m[y + i] = m[a + i] + m[b + i];
        }
    }

    @Override
    public void axpy(float[] m, float alpha, int x, int y, int n) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(F, m, y + i).add(FloatVector.fromArray(F, m, x + i).mul(alpha)).intoArray(m, y + i);
        }
        for (; i < n; i++) {
            m[y + i] += alpha * m[x + i];
        }
    }

    @Override
    public void leakyRelu(float[] m, int x, int y, int n, float slope) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(F, m, x + i);
            v.max(v.mul(slope)).intoArray(m, y + i);
        }
        for (; i < n; i++) {
            float v = m[x + i];
            m[y + i] = Math.max(v, slope * v);
        }
    }

    /** Keeps dy where y's bits are a positive int (as the scalar lanes do), else +0. */
    @Override
    public void reluBackward(float[] m, int y, int dy, int dx, int n, boolean accumulate) {
        FloatVector zero = FloatVector.zero(F);
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            IntVector bits = FloatVector.fromArray(F, m, y + i).reinterpretAsInts();
            VectorMask<Float> keep = bits.compare(VectorOperators.GT, 0).cast(F);
            FloatVector g = zero.blend(FloatVector.fromArray(F, m, dy + i), keep);
            if (accumulate) {
                g = FloatVector.fromArray(F, m, dx + i).add(g);
            }
            g.intoArray(m, dx + i);
        }
        for (; i < n; i++) {
            int bits = Float.floatToRawIntBits(m[y + i]);
            float g = bits > 0 ? m[dy + i] : 0f;
            m[dx + i] = accumulate ? m[dx + i] + g : g;
        }
    }

    @Override
    public double sum(float[] m, int a, int n) {
        double total = 0;
        for (int start = 0; start < n; start += BLOCK) {
            int len = Math.min(BLOCK, n - start);
            int from = a + start;
            FloatVector acc = FloatVector.zero(F);
            int i = 0;
            for (int end = F.loopBound(len); i < end; i += L) {
                acc = acc.add(FloatVector.fromArray(F, m, from + i));
            }
            double block = lanes(acc);
            for (; i < len; i++) {
                block += m[from + i];
            }
            total += block;
        }
        return total;
    }

    @Override
    public double squares(float[] m, int a, int n, double mean) {
        float mu = (float) mean;
        double total = 0;
        for (int start = 0; start < n; start += BLOCK) {
            int len = Math.min(BLOCK, n - start);
            int from = a + start;
            FloatVector acc = FloatVector.zero(F);
            int i = 0;
            for (int end = F.loopBound(len); i < end; i += L) {
                FloatVector d = FloatVector.fromArray(F, m, from + i).sub(mu);
                acc = acc.add(d.mul(d));
            }
            double block = lanes(acc);
            for (; i < len; i++) {
                float d = m[from + i] - mu;
                block += d * d;
            }
            total += block;
        }
        return total;
    }

    @Override
    public double dot(float[] m, int dy, int x, int n, double mean) {
        float mu = (float) mean;
        double total = 0;
        for (int start = 0; start < n; start += BLOCK) {
            int len = Math.min(BLOCK, n - start);
            FloatVector acc = FloatVector.zero(F);
            int i = 0;
            for (int end = F.loopBound(len); i < end; i += L) {
                FloatVector g = FloatVector.fromArray(F, m, dy + start + i);
                acc = acc.add(g.mul(FloatVector.fromArray(F, m, x + start + i).sub(mu)));
            }
            double block = lanes(acc);
            for (; i < len; i++) {
                block += m[dy + start + i] * (m[x + start + i] - mu);
            }
            total += block;
        }
        return total;
    }

    // planesSum, planesSquares and planesDot are written out alike on purpose, each as one flat loop: the same
    // sums as a loop nest (planes, then vectors) measured three times slower on JDK 17, and a shared loop taking
    // the per-vector step as a lambda would put the accumulator behind a call the JIT may not inline.
    @Override
    public double planesSum(float[] m, int a, int n, int count, int stride) {
        if (n >= BLOCK || n < L) {
            return super.planesSum(m, a, n, count, stride);
        }
        int bound = F.loopBound(n);
        int perBlock = BLOCK / n; // whole planes in a block of float lanes
        double total = 0;
        for (int j0 = 0; j0 < count; j0 += perBlock) {
            int planes = Math.min(count, j0 + perBlock) - j0;
            // one flat loop over the block's vectors, plane after plane
            FloatVector acc = FloatVector.zero(F);
            int from = a + j0 * stride;
            int i = 0;
            for (int k = 0, steps = planes * (bound / L); k < steps; k++) {
                acc = acc.add(FloatVector.fromArray(F, m, from + i));
                i += L;
                if (i == bound) {
                    i = 0;
                    from += stride;
                }
            }
            total += lanes(acc);
        }
        if (bound < n) {
            for (int j = 0; j < count; j++) {
                int from = a + j * stride;
                for (int i = bound; i < n; i++) {
                    total += m[from + i];
                }
            }
        }
        return total;
    }

    @Override
    public double planesSquares(float[] m, int a, int n, int count, int stride, double mean) {
        if (n >= BLOCK || n < L) {
            return super.planesSquares(m, a, n, count, stride, mean);
        }
        float mu = (float) mean;
        int bound = F.loopBound(n);
        int perBlock = BLOCK / n;
        double total = 0;
        for (int j0 = 0; j0 < count; j0 += perBlock) {
            int planes = Math.min(count, j0 + perBlock) - j0;
            FloatVector acc = FloatVector.zero(F);
            int from = a + j0 * stride;
            int i = 0;
            for (int k = 0, steps = planes * (bound / L); k < steps; k++) {
                FloatVector d = FloatVector.fromArray(F, m, from + i).sub(mu);
                acc = acc.add(d.mul(d));
                i += L;
                if (i == bound) {
                    i = 0;
                    from += stride;
                }
            }
            total += lanes(acc);
        }
        if (bound < n) {
            for (int j = 0; j < count; j++) {
                int from = a + j * stride;
                for (int i = bound; i < n; i++) {
                    float d = m[from + i] - mu;
                    total += d * d;
                }
            }
        }
        return total;
    }

    @Override
    public double planesDot(float[] m, int dy, int x, int n, int count, int stride, double mean) {
        if (n >= BLOCK || n < L) {
            return super.planesDot(m, dy, x, n, count, stride, mean);
        }
        float mu = (float) mean;
        int bound = F.loopBound(n);
        int perBlock = BLOCK / n;
        double total = 0;
        for (int j0 = 0; j0 < count; j0 += perBlock) {
            int planes = Math.min(count, j0 + perBlock) - j0;
            FloatVector acc = FloatVector.zero(F);
            int offset = j0 * stride; // of the plane being read, from dy and from x
            int i = 0;
            for (int k = 0, steps = planes * (bound / L); k < steps; k++) {
                FloatVector g = FloatVector.fromArray(F, m, dy + offset + i);
                acc = acc.add(g.mul(FloatVector.fromArray(F, m, x + offset + i).sub(mu)));
                i += L;
                if (i == bound) {
                    i = 0;
                    offset += stride;
                }
            }
            total += lanes(acc);
        }
        if (bound < n) {
            for (int j = 0; j < count; j++) {
                int g = dy + j * stride;
                int v = x + j * stride;
                for (int i = bound; i < n; i++) {
                    total += m[g + i] * (m[v + i] - mu);
                }
            }
        }
        return total;
    }

    /** The lanes of a vector added in lane order, in double: the same on every run (reduceLanes promises no order). */
    private static double lanes(FloatVector v) {
        double s = 0;
        for (int i = 0; i < L; i++) {
            s += v.lane(i);
        }
        return s;
    }

    @Override
    public void affine(float[] m, int x, int y, int n, float mu, float scale, float shift) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(F, m, x + i).sub(mu).mul(scale).add(shift).intoArray(m, y + i);
        }
        for (; i < n; i++) {
            m[y + i] = (m[x + i] - mu) * scale + shift;
        }
    }

    @Override
    public void normGrad(float[] m, int dy, int x, int dx, int n, float a, float b, float mu, float k,
                         boolean accumulate) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector g = FloatVector.fromArray(F, m, dy + i).mul(a)
                    .add(FloatVector.fromArray(F, m, x + i).sub(mu).mul(b)).add(k);
            if (accumulate) {
                g = FloatVector.fromArray(F, m, dx + i).add(g);
            }
            g.intoArray(m, dx + i);
        }
        for (; i < n; i++) {
            float g = a * m[dy + i] + b * (m[x + i] - mu) + k;
            m[dx + i] = accumulate ? m[dx + i] + g : g;
        }
    }

    @Override
    public void sgd(float[] m, int w, int dw, int velocity, int n, float lr, float momentum, float weightDecay) {
        int i = 0;
        for (int end = F.loopBound(n); i < end; i += L) {
            FloatVector wv = FloatVector.fromArray(F, m, w + i);
            FloatVector g = FloatVector.fromArray(F, m, dw + i).add(wv.mul(weightDecay));
            if (velocity >= 0) {
                g = FloatVector.fromArray(F, m, velocity + i).mul(momentum).add(g);
                g.intoArray(m, velocity + i);
            }
            wv.sub(g.mul(lr)).intoArray(m, w + i);
        }
        for (; i < n; i++) {
            float g = m[dw + i] + weightDecay * m[w + i];
            if (velocity >= 0) {
                g = momentum * m[velocity + i] + g;
                m[velocity + i] = g;
            }
            m[w + i] -= lr * g;
        }
    }

    /** The window's value is the largest of its four (Math.max's order of ±0 and NaN; the values of a first max). */
    @Override
    public void maxPool2x2(float[] m, int r0, int r1, int y, int n) {
        int j = 0;
        for (int end = F.loopBound(n); j < end; j += L) {
            FloatVector a0 = FloatVector.fromArray(F, m, r0 + 2 * j);
            FloatVector a1 = FloatVector.fromArray(F, m, r0 + 2 * j + L);
            FloatVector b0 = FloatVector.fromArray(F, m, r1 + 2 * j);
            FloatVector b1 = FloatVector.fromArray(F, m, r1 + 2 * j + L);
            FloatVector top = a0.rearrange(EVEN, a1).max(a0.rearrange(ODD, a1));
            FloatVector bottom = b0.rearrange(EVEN, b1).max(b0.rearrange(ODD, b1));
            top.max(bottom).intoArray(m, y + j);
        }
        if (HALF != null && n - j >= HALF.length()) {
            int h = HALF.length();
            FloatVector a0 = FloatVector.fromArray(HALF, m, r0 + 2 * j);
            FloatVector a1 = FloatVector.fromArray(HALF, m, r0 + 2 * j + h);
            FloatVector b0 = FloatVector.fromArray(HALF, m, r1 + 2 * j);
            FloatVector b1 = FloatVector.fromArray(HALF, m, r1 + 2 * j + h);
            FloatVector top = a0.rearrange(HALF_EVEN, a1).max(a0.rearrange(HALF_ODD, a1));
            FloatVector bottom = b0.rearrange(HALF_EVEN, b1).max(b0.rearrange(HALF_ODD, b1));
            top.max(bottom).intoArray(m, y + j);
            j += h;
        }
        for (; j < n; j++) {
            m[y + j] = m[ScalarLanes.firstMax(m, r0 + 2 * j, r1 + 2 * j)];
        }
    }

}
