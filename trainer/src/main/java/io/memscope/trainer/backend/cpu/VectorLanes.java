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
    // 2×2 max pooling: a row path for rows of windows that fill whole vectors, gathers for the others
    /** Lanes swapped pairwise: 1, 0, 3, 2 ... */
    private static final VectorShuffle<Float> SWAP = VectorShuffle.fromOp(F, i -> i ^ 1);
    /** Lanes 0, 2, 4 ... into the lower half, and into the upper half. */
    private static final VectorShuffle<Float> EVEN_LOW = VectorShuffle.fromOp(F, i -> i < L / 2 ? 2 * i : 0);
    private static final VectorShuffle<Float> EVEN_HIGH = VectorShuffle.fromOp(F, i -> i < L / 2 ? 0 : 2 * i - L);
    /** Lanes 0, 0, 1, 1 ...: one value per window of the lower half to both of its cells. */
    private static final VectorShuffle<Float> PAIRS = VectorShuffle.fromOp(F, i -> i / 2);
    private static final VectorMask<Float> UPPER = VectorMask.fromLong(F, ((1L << L) - 1) & -(1L << (L / 2)));
    private static final VectorMask<Float> LOWER = VectorMask.fromLong(F, (1L << (L / 2)) - 1);
    /** A cell's place in its window's row-major order: 0, 1 ... in the top row, 2, 3 ... in the bottom. */
    private static final FloatVector TOP_ORDER = FloatVector.fromArray(F, order(0), 0);
    private static final FloatVector BOTTOM_ORDER = FloatVector.fromArray(F, order(2), 0);
    private static final FloatVector NONE = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
    private static final FloatVector ZERO = FloatVector.zero(F);

    private static float[] order(int first) {
        float[] a = new float[L];
        for (int i = 0; i < L; i++) {
            a[i] = first + (i & 1);
        }
        return a;
    }

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

    @Override
    public void maxPool2x2(float[] m, int x, int w, int outW, int rowFrom, int rowTo, int y) {
        if (outW % L != 0) {
            gatherMaxPool(m, x, w, outW, rowFrom * outW, rowTo * outW, y);
            return;
        }
        for (int r = rowFrom; r < rowTo; r++) {
            int r0 = x + 2 * r * w;
            int r1 = r0 + w;
            int out = y + r * outW;
            for (int j = 0; j < outW; j += L) {
                FloatVector t0 = FloatVector.fromArray(F, m, r0 + 2 * j).max(FloatVector.fromArray(F, m, r1 + 2 * j));
                FloatVector t1 = FloatVector.fromArray(F, m, r0 + 2 * j + L)
                        .max(FloatVector.fromArray(F, m, r1 + 2 * j + L));
                FloatVector p0 = t0.max(t0.rearrange(SWAP));
                FloatVector p1 = t1.max(t1.rearrange(SWAP));
                p0.rearrange(EVEN_LOW).blend(p1.rearrange(EVEN_HIGH), UPPER).intoArray(m, out + j);
            }
        }
    }

    @Override
    public void maxPool2x2Backward(float[] m, int x, int w, int outW, int rowFrom, int rowTo, int dy, int dx,
                                   boolean accumulate) {
        int half = L / 2;
        if (outW % half != 0) {
            gatherMaxPoolBackward(m, x, w, outW, rowFrom * outW, rowTo * outW, dy, dx, accumulate);
            return;
        }
        int shift = dx - x;
        for (int r = rowFrom; r < rowTo; r++) {
            int r0 = x + 2 * r * w;
            int r1 = r0 + w;
            int up = dy + r * outW;
            for (int j = 0; j < outW; j += half) {
                int a = r0 + 2 * j;
                int b = r1 + 2 * j;
                FloatVector top = FloatVector.fromArray(F, m, a);
                FloatVector bottom = FloatVector.fromArray(F, m, b);
                FloatVector both = top.max(bottom);
                FloatVector max = both.max(both.rearrange(SWAP)); // each window's maximum in both its lanes
                VectorMask<Float> atTop = top.eq(max);
                VectorMask<Float> atBottom = bottom.eq(max);
                FloatVector topOrder = NONE.blend(TOP_ORDER, atTop);
                FloatVector bottomOrder = NONE.blend(BOTTOM_ORDER, atBottom);
                FloatVector first = topOrder.min(bottomOrder);
                first = first.min(first.rearrange(SWAP)); // the window's first cell equal to its maximum
                FloatVector g = FloatVector.fromArray(F, m, up + j, LOWER).rearrange(PAIRS);
                VectorMask<Float> toTop = atTop.and(topOrder.eq(first));
                VectorMask<Float> toBottom = atBottom.and(bottomOrder.eq(first));
                if (accumulate) {
                    FloatVector.fromArray(F, m, a + shift).add(g, toTop).intoArray(m, a + shift);
                    FloatVector.fromArray(F, m, b + shift).add(g, toBottom).intoArray(m, b + shift);
                } else {
                    ZERO.blend(g, toTop).intoArray(m, a + shift);
                    ZERO.blend(g, toBottom).intoArray(m, b + shift);
                }
            }
        }
    }

    /**
     * Where window {@code k} of a run of rows of windows starts, relative to the run's first cell, for
     * {@code k < P + L} with {@code P} the least multiple of both {@code L} and {@code outW}: windows {@code k}
     * and {@code k + P} start {@code 2w·P/outW} cells apart, so one table serves every block of {@code L} windows.
     */
    private static int[] starts(int w, int outW) {
        int period = L / gcd(L, outW) * outW;
        int[] t = new int[period + L];
        for (int k = 0; k < t.length; k++) {
            t[k] = 2 * w * (k / outW) + 2 * (k % outW);
        }
        return t;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** Windows {@code [from, to)} counted over rows of windows, {@code L} at a time by gathers. */
    private static void gatherMaxPool(float[] m, int x, int w, int outW, int from, int to, int y) {
        int[] t = starts(w, outW);
        int period = t.length - L;
        int k = from;
        for (; k + L <= to; k += L) {
            int at = k % period;
            int base = x + (k - at) / outW * 2 * w;
            FloatVector a = FloatVector.fromArray(F, m, base, t, at);
            FloatVector b = FloatVector.fromArray(F, m, base + 1, t, at);
            FloatVector c = FloatVector.fromArray(F, m, base + w, t, at);
            FloatVector d = FloatVector.fromArray(F, m, base + w + 1, t, at);
            a.max(b).max(c.max(d)).intoArray(m, y + k);
        }
        for (; k < to; k++) {
            int r0 = x + 2 * w * (k / outW);
            int j = k % outW;
            ScalarLanes.windows(m, r0, r0 + w, y + k - j, j, j + 1);
        }
    }

    private static void gatherMaxPoolBackward(float[] m, int x, int w, int outW, int from, int to, int dy, int dx,
                                              boolean accumulate) {
        int[] t = starts(w, outW);
        int period = t.length - L;
        int shift = dx - x;
        int k = from;
        for (; k + L <= to; k += L) {
            int at = k % period;
            int base = x + (k - at) / outW * 2 * w;
            FloatVector a = FloatVector.fromArray(F, m, base, t, at);
            FloatVector b = FloatVector.fromArray(F, m, base + 1, t, at);
            FloatVector c = FloatVector.fromArray(F, m, base + w, t, at);
            FloatVector d = FloatVector.fromArray(F, m, base + w + 1, t, at);
            FloatVector max = a.max(b).max(c.max(d));
            VectorMask<Float> toA = a.eq(max);
            VectorMask<Float> toB = b.eq(max).andNot(toA);
            VectorMask<Float> taken = toA.or(toB);
            VectorMask<Float> toC = c.eq(max).andNot(taken);
            VectorMask<Float> toD = d.eq(max).andNot(taken.or(toC));
            FloatVector g = FloatVector.fromArray(F, m, dy + k);
            int out = base + shift;
            scatter(m, out, t, at, g, toA, accumulate);
            scatter(m, out + 1, t, at, g, toB, accumulate);
            scatter(m, out + w, t, at, g, toC, accumulate);
            scatter(m, out + w + 1, t, at, g, toD, accumulate);
        }
        for (; k < to; k++) {
            int r0 = x + 2 * w * (k / outW);
            int j = k % outW;
            ScalarLanes.windowsBackward(m, r0, r0 + w, dy + k - j, shift, j, j + 1, accumulate);
        }
    }

    /** One cell of each of {@code L} windows: {@code g} where {@code to} holds, else 0 (or, accumulating, as it was). */
    private static void scatter(float[] m, int base, int[] t, int at, FloatVector g, VectorMask<Float> to,
                                boolean accumulate) {
        if (accumulate) {
            FloatVector.fromArray(F, m, base, t, at).add(g, to).intoArray(m, base, t, at);
        } else {
            ZERO.blend(g, to).intoArray(m, base, t, at);
        }
    }
}
