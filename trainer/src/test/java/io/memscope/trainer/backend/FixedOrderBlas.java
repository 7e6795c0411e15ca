package io.memscope.trainer.backend;

import dev.ludovic.netlib.blas.BLAS;
import java.lang.reflect.Proxy;
import java.util.Arrays;

/**
 * A BLAS for tests whose {@code sgemm} sums every element of a product in one fixed order, term by term over
 * the inner dimension in plain float arithmetic, whatever the sizes, offsets and leading dimensions of the call.
 * So an output row of a convolution is the same bits whether it is computed with the whole map or with a band
 * of rows. OpenBLAS and the vectorized Java BLAS do not promise that: how they block and vectorize a product
 * depends on its sizes (and OpenBLAS's on its thread count), so the same element comes out a few ulps apart.
 *
 * <p>Only {@code sgemm} with offsets is implemented, the one routine the CPU backend calls; anything else throws.
 * It is slow (scalar Java) and exact to the rules of float arithmetic, so its results are the same on every
 * machine.
 */
public final class FixedOrderBlas {
    /** Rows of op(A) summed together: a block of k columns stays in the L2 cache for the usual k. */
    private static final int BLOCK = 128;

    private FixedOrderBlas() {}

    public static BLAS create() {
        return (BLAS) Proxy.newProxyInstance(BLAS.class.getClassLoader(), new Class<?>[] {BLAS.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("sgemm") && args != null && args.length == 16) {
                        sgemm((String) args[0], (String) args[1], (int) args[2], (int) args[3], (int) args[4],
                                (float) args[5], (float[]) args[6], (int) args[7], (int) args[8], (float[]) args[9],
                                (int) args[10], (int) args[11], (float) args[12], (float[]) args[13], (int) args[14],
                                (int) args[15]);
                        return null;
                    }
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "toString" -> "FixedOrderBlas";
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> throw new UnsupportedOperationException(method.getName());
                        };
                    }
                    throw new UnsupportedOperationException("FixedOrderBlas implements only sgemm, not "
                            + method.getName());
                });
    }

    /**
     * C = alpha·op(A)·op(B) + beta·C, column-major as in BLAS, op(A) m×k and op(B) k×n. Element (i, j) is
     * {@code alpha·(((0 + a(i,0)·b(0,j)) + a(i,1)·b(1,j)) + …) + beta·c(i,j)} (no beta term when beta is 0).
     */
    static void sgemm(String transA, String transB, int m, int n, int k, float alpha, float[] a, int offA, int lda,
                      float[] b, int offB, int ldb, float beta, float[] c, int offC, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        boolean ta = transA.equalsIgnoreCase("T");
        boolean tb = transB.equalsIgnoreCase("T");
        // op(A) in blocks of rows, each block column by column (contiguous in i for the inner loop), so that a
        // block stays in cache while every column of C is summed; blocking never changes the order of a sum
        float[] blockA = new float[BLOCK * k];
        float[] sum = new float[BLOCK];
        for (int i0 = 0; i0 < m; i0 += BLOCK) {
            int rows = Math.min(BLOCK, m - i0);
            for (int l = 0; l < k; l++) {
                for (int i = 0; i < rows; i++) {
                    blockA[l * rows + i] = ta ? a[offA + l + (i0 + i) * lda] : a[offA + i0 + i + l * lda];
                }
            }
            for (int j = 0; j < n; j++) {
                Arrays.fill(sum, 0, rows, 0f);
                for (int l = 0; l < k; l++) {
                    float bl = tb ? b[offB + j + l * ldb] : b[offB + l + j * ldb];
                    int col = l * rows;
                    for (int i = 0; i < rows; i++) {
                        sum[i] += blockA[col + i] * bl;
                    }
                }
                int out = offC + i0 + j * ldc;
                for (int i = 0; i < rows; i++) {
                    c[out + i] = beta == 0f ? alpha * sum[i] : alpha * sum[i] + beta * c[out + i];
                }
            }
        }
    }
}
