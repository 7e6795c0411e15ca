package io.memscope.trainer.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector lanes against the scalar ones: the same floats for every elementwise operation (special values
 * and every tail length included), sums within float rounding of an exact double sum, and the same sum on every
 * call. The tests run with {@code jdk.incubator.vector} (surefire adds it), so the vector lanes are there.
 */
class LanesTest {
    private static final int[] LENGTHS = {0, 1, 7, 15, 16, 17, 31, 33, 100, 1023, 1024, 1025, 5000};
    private final Lanes vector = Lanes.vector().orElseThrow(() -> new AssertionError("no vector module"));
    private final Lanes scalar = Lanes.scalar();

    @Test
    void theBackendUsesTheVectorLanesWhereTheModuleIsThere() {
        assertTrue(Lanes.get().describe().startsWith("vector lanes"), Lanes.get().describe());
        assertTrue(scalar.describe().startsWith("scalar loops"));
    }

    @Test
    void elementwiseOperationsGiveTheSameFloatsAsTheScalarLoops() {
        Random random = new Random(3);
        for (int n : LENGTHS) {
            for (int offset : new int[] {0, 3}) {
                float[] base = values(random, 4 * n + 16);
                int a = offset;
                int b = offset + n + 2;
                int c = offset + 2 * n + 5;
                same(base, n, (l, m) -> l.add(m, a, b, n));
                same(base, n, (l, m) -> l.sum(m, a, b, c, n));
                same(base, n, (l, m) -> l.sum(m, a, b, a, n)); // in place
                same(base, n, (l, m) -> l.axpy(m, -0.37f, a, b, n));
                same(base, n, (l, m) -> l.leakyRelu(m, a, b, n, 0f));
                same(base, n, (l, m) -> l.leakyRelu(m, a, b, n, 0.1f));
                same(base, n, (l, m) -> l.reluBackward(m, a, b, c, n, false));
                same(base, n, (l, m) -> l.reluBackward(m, a, b, c, n, true));
                same(base, n, (l, m) -> l.affine(m, a, b, n, 0.25f, 1.7f, -0.3f));
                same(base, n, (l, m) -> l.normGrad(m, a, b, c, n, 0.9f, -0.2f, 0.05f, 0.01f, false));
                same(base, n, (l, m) -> l.normGrad(m, a, b, c, n, 0.9f, -0.2f, 0.05f, 0.01f, true));
                same(base, n, (l, m) -> l.sgd(m, a, b, c, n, 0.01f, 0.9f, 5e-4f));
                same(base, n, (l, m) -> l.sgd(m, a, b, -1, n, 0.01f, 0f, 0f));
            }
        }
    }

    /**
     * Max pooling, forward and backward (set and accumulated): the same floats as the scalar loops on the row
     * path (rows of windows filling whole vectors), the gathers and their tails; with ties, ±0, NaN and infinities
     * in the windows, runs starting past the first row, odd input widths.
     */
    @Test
    void maxPoolingGivesTheSameFloatsAsTheScalarLoops() {
        Random random = new Random(11);
        for (int outW : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 14, 15, 16, 17, 24, 31, 32, 33, 48}) {
            for (int rows : new int[] {1, 3, 5}) {
                for (int w : new int[] {2 * outW, 2 * outW + 1}) {
                    float[] base = poolValues(random, 2 * rows * w + 3 * rows * outW + 2 * rows * w + 16);
                    int x = 1;
                    int y = x + 2 * rows * w;
                    int dy = y + rows * outW;
                    int dx = dy + rows * outW + 3;
                    for (int from : new int[] {0, rows - 1}) {
                        String what = outW + " windows a row, rows " + from + " to " + rows + ", width " + w;
                        same(base, what, (l, m) -> l.maxPool2x2(m, x, w, outW, from, rows, y));
                        same(base, what, (l, m) -> l.maxPool2x2Backward(m, x, w, outW, from, rows, dy, dx, false));
                        same(base, what, (l, m) -> l.maxPool2x2Backward(m, x, w, outW, from, rows, dy, dx, true));
                    }
                }
            }
        }
    }

    /** The same, compiled: rows on the row path forward (32 windows), backward (8) and on gathers (5). */
    @Test
    void compiledMaxPoolingStillGivesTheSameFloats() {
        Random random = new Random(12);
        for (int outW : new int[] {5, 8, 32}) {
            int rows = 3;
            int w = 2 * outW;
            float[] base = poolValues(random, 4 * rows * w + 2 * rows * outW);
            int y = 2 * rows * w;
            int dy = y + rows * outW;
            int dx = dy + rows * outW;
            float[] s = base.clone();
            scalar.maxPool2x2(s, 0, w, outW, 0, rows, y);
            scalar.maxPool2x2Backward(s, 0, w, outW, 0, rows, dy, dx, false);
            scalar.maxPool2x2Backward(s, 0, w, outW, 0, rows, dy, dx, true);
            for (int round = 0; round < 20_000; round++) {
                float[] v = base.clone();
                vector.maxPool2x2(v, 0, w, outW, 0, rows, y);
                vector.maxPool2x2Backward(v, 0, w, outW, 0, rows, dy, dx, false);
                vector.maxPool2x2Backward(v, 0, w, outW, 0, rows, dy, dx, true);
                for (int i = 0; i < v.length; i++) {
                    if (Float.floatToIntBits(v[i]) != Float.floatToIntBits(s[i])) {
                        throw new AssertionError(outW + " windows, round " + round + ", element " + i + ": " + v[i]
                                + " vs " + s[i]);
                    }
                }
            }
        }
    }

    /**
     * A window's value is Math.max of its four (NaN if one is NaN, +0 over −0); its gradient goes to the first
     * cell equal to that, and nowhere from a window holding NaN.
     */
    @Test
    void maxPoolingTakesTheFirstCellEqualToTheWindowsMaximum() {
        for (Lanes l : new Lanes[] {scalar, vector}) {
            // three windows of one row: {1, 3 / 3, 2}, {-0, 0 / 0, -0}, {NaN, 5 / 9, 1}
            float[] m = {1, 3, -0f, 0f, Float.NaN, 5, 3, 2, 0f, -0f, 9, 1, 0, 0, 0, 10, 20, 30, 7, 7, 7, 7, 7, 7, 7,
                7, 7, 7, 7, 7};
            l.maxPool2x2(m, 0, 6, 3, 0, 1, 12);
            assertEquals(3f, m[12], l.describe());
            assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(m[13]), l.describe());
            assertTrue(Float.isNaN(m[14]), l.describe());
            l.maxPool2x2Backward(m, 0, 6, 3, 0, 1, 15, 18, false);
            assertArrayEquals(new float[] {0, 10, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                    java.util.Arrays.copyOfRange(m, 18, 30), l.describe());
        }
    }

    /** The interpreter runs the vector API in plain Java; compiled code uses the machine's vector instructions. */
    @Test
    void compiledVectorCodeStillGivesTheSameFloats() {
        Random random = new Random(8);
        int n = 67;
        float[] base = values(random, 4 * n);
        float[] s = base.clone();
        scalar.leakyRelu(s, 0, n, n, 0f);
        scalar.reluBackward(s, 0, n, 2 * n, n, true);
        scalar.sgd(s, 0, n, 2 * n, n, 0.01f, 0.9f, 5e-4f);
        double sum = 0;
        for (int round = 0; round < 20_000; round++) {
            float[] v = base.clone();
            vector.leakyRelu(v, 0, n, n, 0f);
            vector.reluBackward(v, 0, n, 2 * n, n, true);
            vector.sgd(v, 0, n, 2 * n, n, 0.01f, 0.9f, 5e-4f);
            double t = vector.sum(v, 3 * n, n);
            if (round == 0) {
                sum = t;
            }
            assertEquals(sum, t, 0.0, "round " + round);
            for (int i = 0; i < v.length; i++) {
                if (Float.floatToIntBits(v[i]) != Float.floatToIntBits(s[i])) {
                    throw new AssertionError("round " + round + ", element " + i + ": " + v[i] + " vs " + s[i]);
                }
            }
        }
    }

    @Test
    void sumsAreCloseToTheExactSumAndRepeatExactly() {
        Random random = new Random(4);
        for (int n : LENGTHS) {
            float[] m = new float[2 * n + 8];
            for (int i = 0; i < m.length; i++) {
                m[i] = (float) (random.nextGaussian() * 3 + 1);
            }
            int x = 1;
            int dy = n + 4;
            double mean = 0.7;
            double sum = 0;
            double squares = 0;
            double dot = 0;
            double scale = 0;
            for (int i = 0; i < n; i++) {
                sum += m[x + i];
                squares += (m[x + i] - mean) * (m[x + i] - mean);
                dot += m[dy + i] * (m[x + i] - mean);
                scale += Math.abs(m[x + i]) * (1 + Math.abs(m[dy + i]) + Math.abs(m[x + i]));
            }
            double tolerance = 1e-6 * (scale + 1);
            for (Lanes l : new Lanes[] {vector, scalar}) {
                assertEquals(sum, l.sum(m, x, n), tolerance, l.describe() + " sum of " + n);
                assertEquals(squares, l.squares(m, x, n, mean), tolerance, l.describe() + " squares of " + n);
                assertEquals(dot, l.dot(m, dy, x, n, mean), tolerance, l.describe() + " dot of " + n);
                assertEquals(l.sum(m, x, n), l.sum(m, x, n), 0.0, "the same sum twice");
                assertEquals(l.dot(m, dy, x, n, mean), l.dot(m, dy, x, n, mean), 0.0, "the same dot twice");
            }
        }
    }

    @Test
    void aChannelsPlanesSumCloseToTheExactSumAndRepeatExactly() {
        Random random = new Random(5);
        for (int plane : new int[] {1, 7, 16, 17, 49, 64, 100, 1024, 1500}) {
            for (int count : new int[] {1, 3, 64, 65}) {
                int stride = 3 * plane + 2; // three channels apart, and not a multiple of the lanes
                float[] m = new float[2 * count * stride + 8];
                for (int i = 0; i < m.length; i++) {
                    m[i] = (float) (random.nextGaussian() * 3 + 1);
                }
                int x = 1;
                int dy = count * stride + 3;
                double mean = 0.7;
                double sum = 0;
                double squares = 0;
                double dot = 0;
                double scale = 0;
                for (int j = 0; j < count; j++) {
                    for (int i = 0; i < plane; i++) {
                        float v = m[x + j * stride + i];
                        float g = m[dy + j * stride + i];
                        sum += v;
                        squares += (v - mean) * (v - mean);
                        dot += g * (v - mean);
                        scale += Math.abs(v) * (1 + Math.abs(g) + Math.abs(v));
                    }
                }
                double tolerance = 1e-6 * (scale + 1);
                String what = plane + " x " + count;
                for (Lanes l : new Lanes[] {vector, scalar}) {
                    assertEquals(sum, l.planesSum(m, x, plane, count, stride), tolerance, l.describe() + " sum " + what);
                    assertEquals(squares, l.planesSquares(m, x, plane, count, stride, mean), tolerance,
                            l.describe() + " squares " + what);
                    assertEquals(dot, l.planesDot(m, dy, x, plane, count, stride, mean), tolerance,
                            l.describe() + " dot " + what);
                    assertEquals(l.planesSum(m, x, plane, count, stride), l.planesSum(m, x, plane, count, stride), 0.0,
                            "the same sum twice");
                    assertEquals(l.planesDot(m, dy, x, plane, count, stride, mean),
                            l.planesDot(m, dy, x, plane, count, stride, mean), 0.0, "the same dot twice");
                }
                if (plane >= Lanes.BLOCK) { // long planes: a sum per plane, as before
                    double perPlane = 0;
                    for (int j = 0; j < count; j++) {
                        perPlane += vector.sum(m, x + j * stride, plane);
                    }
                    assertEquals(perPlane, vector.planesSum(m, x, plane, count, stride), 0.0, what);
                }
            }
        }
    }

    /** Gaussian values with special ones sprinkled in: ±0, NaN of either sign, ±infinity, tiny and huge. */
    private static float[] values(Random random, int n) {
        float[] special = {0f, -0f, Float.NaN, Float.intBitsToFloat(0xffc00000), Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, 1e30f, -1e30f};
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextInt(8) == 0 ? special[random.nextInt(special.length)] : (float) random.nextGaussian();
        }
        return v;
    }

    private interface Op {
        void run(Lanes lanes, float[] m);
    }

    /** Values from a few, so that windows tie, and now and then a special one. */
    private static float[] poolValues(Random random, int n) {
        float[] few = {0f, -0f, 1f, -1f, 2f};
        float[] v = values(random, n);
        for (int i = 0; i < n; i++) {
            if (random.nextBoolean()) {
                v[i] = few[random.nextInt(few.length)];
            }
        }
        return v;
    }

    private void same(float[] base, int n, Op op) {
        same(base, "length " + n, op);
    }

    private void same(float[] base, String what, Op op) {
        float[] s = base.clone();
        float[] v = base.clone();
        op.run(scalar, s);
        op.run(vector, v);
        int[] sb = new int[s.length];
        int[] vb = new int[v.length];
        for (int i = 0; i < s.length; i++) {
            sb[i] = Float.floatToIntBits(s[i]); // one NaN: arithmetic may pick either operand's payload
            vb[i] = Float.floatToIntBits(v[i]);
        }
        assertArrayEquals(sb, vb, what);
    }
}
