package io.memscope.trainer.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ludovic.netlib.blas.BLAS;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The test BLAS computes the product the BLAS way, and a block of rows the same, bit for bit, as the whole. */
class FixedOrderBlasTest {
    private static final BLAS FIXED = FixedOrderBlas.create();

    @Test
    void agreesWithTheInstalledBlas() {
        Random r = new Random(3);
        int m = 37;
        int n = 19;
        int k = 141;
        for (String ta : new String[] {"N", "T"}) {
            for (String tb : new String[] {"N", "T"}) {
                int lda = (ta.equals("N") ? m : k) + 3;
                int ldb = (tb.equals("N") ? k : n) + 2;
                int ldc = m + 5;
                float[] a = gaussian(r, 7 + lda * (ta.equals("N") ? k : m));
                float[] b = gaussian(r, 4 + ldb * (tb.equals("N") ? n : k));
                for (float beta : new float[] {0f, 1f, 0.5f}) {
                    float[] c0 = gaussian(r, 2 + ldc * n);
                    float[] expected = c0.clone();
                    float[] got = c0.clone();
                    BLAS.getInstance().sgemm(ta, tb, m, n, k, 0.75f, a, 7, lda, b, 4, ldb, beta, expected, 2, ldc);
                    FIXED.sgemm(ta, tb, m, n, k, 0.75f, a, 7, lda, b, 4, ldb, beta, got, 2, ldc);
                    for (int i = 0; i < got.length; i++) {
                        assertEquals(expected[i], got[i], 1e-5 * (1 + Math.abs(expected[i])) * Math.sqrt(k),
                                ta + tb + " beta " + beta + " at " + i);
                    }
                }
            }
        }
    }

    @Test
    void rowsOfAProductDoNotDependOnTheRestOfTheMatrix() {
        Random r = new Random(4);
        int m = 1000;
        int n = 24;
        int k = 288;
        float[] a = gaussian(r, m * k);
        float[] b = gaussian(r, k * n);
        float[] whole = new float[m * n];
        FIXED.sgemm("N", "N", m, n, k, 1f, a, 0, m, b, 0, k, 0f, whole, 0, m);
        int[][] blocks = {{0, 7}, {5, 300}, {333, 1000}, {129, 130}};
        for (int[] rows : blocks) {
            int mb = rows[1] - rows[0];
            float[] part = new float[mb * n];
            FIXED.sgemm("N", "N", mb, n, k, 1f, a, rows[0], m, b, 0, k, 0f, part, 0, mb);
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < mb; i++) {
                    assertEquals(Float.floatToIntBits(whole[j * m + rows[0] + i]), Float.floatToIntBits(part[j * mb + i]),
                            "row " + (rows[0] + i) + ", column " + j + " of rows [" + rows[0] + ", " + rows[1] + ")");
                }
            }
        }
    }

    @Test
    void implementsOnlySgemm() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> FIXED.sdot(2, new float[2], 1, new float[2], 1));
        assertEquals("FixedOrderBlas implements only sgemm, not sdot", e.getMessage());
    }

    private static float[] gaussian(Random r, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
