package io.memscope.trainer.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.backend.ConvGeometry;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The column matrix and its fold against their definitions, on the shifted path ("same" padding at stride 1,
 * one copy per row) and the general one, with the tensors placed at odd offsets inside a larger array so that
 * a read or write outside its range shows.
 */
class Im2colTest {
    private static final ConvGeometry[] GEOMETRIES = {
        geometry(3, 8, 8, 3, 3, 1, 1, 1, 1),    // shifted: 3x3 same
        geometry(2, 5, 7, 5, 5, 1, 1, 2, 2),    // shifted: 5x5 same, not square
        geometry(2, 6, 6, 3, 5, 1, 1, 1, 2),    // shifted: different padding per axis
        geometry(2, 1, 1, 3, 3, 1, 1, 1, 1),    // shifted: one pixel, every tap but the centre in the padding
        geometry(1, 2, 9, 3, 3, 1, 1, 1, 1),    // shifted: two rows
        geometry(2, 4, 4, 1, 1, 1, 1, 0, 0),    // 1x1 (shifted by nothing)
        geometry(2, 9, 9, 5, 5, 1, 1, 0, 0),    // general: valid 5x5
        geometry(2, 9, 8, 3, 3, 2, 2, 1, 1),    // general: stride 2
        geometry(2, 6, 6, 3, 3, 1, 1, 2, 2),    // general: wider than the input
    };

    @Test
    void unfoldWritesEveryRowAsDefinedOnBothPaths() {
        Random random = new Random(5);
        int shifted = 0;
        for (ConvGeometry g : GEOMETRIES) {
            shifted += Im2col.isShifted(g) ? 1 : 0;
            int rows = g.colRows();
            int cols = g.colCols();
            int image = 7;
            int col = image + g.c() * g.h() * g.w() + 5;
            float[] mem = new float[col + rows * cols + 9];
            for (int i = 0; i < mem.length; i++) {
                mem[i] = random.nextFloat() - 0.5f;
            }
            float[] before = mem.clone();
            // in two row ranges, as two workers would
            Im2col.unfold(mem, g, image, col, cols, 0, rows / 2);
            Im2col.unfold(mem, g, image, col, cols, rows / 2, rows);
            for (int r = 0; r < rows; r++) {
                for (int p = 0; p < cols; p++) {
                    assertEquals(expected(before, g, image, r, p), mem[col + r * cols + p], 0f,
                            g + " row " + r + " column " + p);
                }
            }
            for (int i = 0; i < col; i++) {
                assertEquals(before[i], mem[i], 0f, g + ": wrote outside the column buffer at " + i);
            }
            for (int i = col + rows * cols; i < mem.length; i++) {
                assertEquals(before[i], mem[i], 0f, g + ": wrote past the column buffer at " + i);
            }
        }
        assertTrue(shifted >= 6, "the geometries cover the shifted path");
    }

    @Test
    void foldAddsEveryEntryOntoTheCellItWasReadFromOnBothPaths() {
        Random random = new Random(6);
        for (ConvGeometry g : GEOMETRIES) {
            int rows = g.colRows();
            int cols = g.colCols();
            int plane = g.c() * g.h() * g.w();
            int image = 3;
            int col = image + plane + 11;
            float[] mem = new float[col + rows * cols + 4];
            for (int i = 0; i < mem.length; i++) {
                mem[i] = random.nextFloat() - 0.5f;
            }
            float[] before = mem.clone();
            double[] want = new double[plane];
            for (int i = 0; i < plane; i++) {
                want[i] = before[image + i];
            }
            int taps = g.kh() * g.kw();
            for (int r = 0; r < rows; r++) {
                for (int p = 0; p < cols; p++) {
                    int cell = cell(g, r, p);
                    if (cell >= 0) {
                        want[r / taps * g.h() * g.w() + cell] += before[col + r * cols + p];
                    }
                }
            }
            Im2col.foldAdd(mem, g, col, cols, image);
            for (int i = 0; i < plane; i++) {
                assertEquals(want[i], mem[image + i], 1e-5, g + " cell " + i);
            }
            for (int i = 0; i < image; i++) {
                assertEquals(before[i], mem[i], 0f, g + ": wrote before the image at " + i);
            }
            for (int i = image + plane; i < col; i++) {
                assertEquals(before[i], mem[i], 0f, g + ": wrote between image and columns at " + i);
            }
            for (int i = col + rows * cols; i < mem.length; i++) {
                assertEquals(before[i], mem[i], 0f, g + ": wrote past the column buffer at " + i);
            }
        }
    }

    /** Column matrices side by side in a wider buffer, as a group of images has them. */
    @Test
    void rowsLieTheRowStrideApartAndTheCellsBetweenStayUntouched() {
        Random random = new Random(7);
        for (ConvGeometry g : GEOMETRIES) {
            int rows = g.colRows();
            int cols = g.colCols();
            int ld = 2 * cols + 3;
            int image = 0;
            int plane = g.c() * g.h() * g.w();
            int wide = plane + cols + 1; // the second of two images' columns
            float[] mem = new float[wide - cols + rows * ld];
            for (int i = 0; i < mem.length; i++) {
                mem[i] = random.nextFloat() - 0.5f;
            }
            float[] before = mem.clone();
            Im2col.unfold(mem, g, image, wide, ld, 0, rows);
            for (int r = 0; r < rows; r++) {
                for (int p = -cols; p < ld - cols && wide + r * ld + p < mem.length; p++) {
                    int at = wide + r * ld + p;
                    float want = p >= 0 && p < cols ? expected(before, g, image, r, p) : before[at];
                    assertEquals(want, mem[at], 0f, g + " row " + r + " column " + p);
                }
            }
            float[] folded = mem.clone();
            Im2col.foldAdd(folded, g, wide, ld, image);
            float[] compact = new float[plane + rows * cols];
            System.arraycopy(mem, 0, compact, 0, plane);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(mem, wide + r * ld, compact, plane + r * cols, cols);
            }
            Im2col.foldAdd(compact, g, plane, cols, 0);
            for (int i = 0; i < plane; i++) {
                assertEquals(compact[i], folded[i], 0f, g + " folded cell " + i);
            }
        }
    }

    /** Bands of output rows, as large layers are walked: every band's columns as in the whole matrix. */
    @Test
    void bandsOfOutputRowsHoldTheirColumnsOfTheWholeMatrixAndFoldToTheSameSum() {
        Random random = new Random(9);
        for (ConvGeometry g : GEOMETRIES) {
            int rows = g.colRows();
            int outW = g.outW();
            int plane = g.c() * g.h() * g.w();
            for (int band = 1; band <= g.outH(); band++) {
                float[] image = new float[plane];
                for (int i = 0; i < plane; i++) {
                    image[i] = random.nextFloat() - 0.5f;
                }
                float[] whole = new float[plane + rows * g.colCols()];
                System.arraycopy(image, 0, whole, 0, plane);
                Im2col.unfold(whole, g, 0, plane, g.colCols(), 0, rows);
                float[] folded = whole.clone();
                Im2col.foldAdd(folded, g, plane, g.colCols(), 0);
                float[] banded = new float[plane + rows * band * outW];
                System.arraycopy(image, 0, banded, 0, plane);
                float[] sums = new float[plane + rows * band * outW]; // the image, plus each band's columns folded
                System.arraycopy(image, 0, sums, 0, plane);
                for (int oh = 0; oh < g.outH(); oh += band) {
                    int end = Math.min(g.outH(), oh + band);
                    int cols = (end - oh) * outW;
                    Im2col.unfold(banded, g, 0, plane, cols, 0, rows, oh, end);
                    for (int r = 0; r < rows; r++) {
                        for (int p = 0; p < cols; p++) {
                            assertEquals(whole[plane + r * g.colCols() + oh * outW + p], banded[plane + r * cols + p],
                                    0f, g + " band " + band + " at row " + oh + ": column row " + r + ", column " + p);
                        }
                    }
                    System.arraycopy(banded, plane, sums, plane, rows * cols);
                    Im2col.foldAdd(sums, g, plane, cols, 0, 0, rows, oh, end);
                }
                for (int i = 0; i < plane; i++) {
                    assertEquals(folded[i], sums[i], 1e-6, g + " band " + band + ": folded cell " + i);
                }
            }
        }
    }

    private static float expected(float[] mem, ConvGeometry g, int image, int r, int p) {
        int cell = cell(g, r, p);
        int taps = g.kh() * g.kw();
        return cell < 0 ? 0f : mem[image + r / taps * g.h() * g.w() + cell];
    }

    /** The input cell (inside its channel) that column row r reads at output position p, or -1 for padding. */
    private static int cell(ConvGeometry g, int r, int p) {
        int taps = g.kh() * g.kw();
        int i = r % taps / g.kw();
        int j = r % g.kw();
        int oh = p / g.outW();
        int ow = p % g.outW();
        int ih = oh * g.strideH() - g.padH() + i;
        int iw = ow * g.strideW() - g.padW() + j;
        return ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w() ? -1 : ih * g.w() + iw;
    }

    private static ConvGeometry geometry(int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw) {
        return new ConvGeometry(1, c, h, w, 4, kh, kw, sh, sw, ph, pw);
    }
}
