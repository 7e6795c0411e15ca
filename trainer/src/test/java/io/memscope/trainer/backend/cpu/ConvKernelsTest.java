package io.memscope.trainer.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ludovic.netlib.blas.BLAS;
import io.memscope.trainer.backend.ConvGeometry;
import io.memscope.trainer.backend.ConvPass;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The three convolution passes against a direct convolution summed in double, on geometries that take each
 * way through the column matrix: bands of output rows (a 64-channel 32×32 layer), groups of images (a 4×4 plane,
 * with a batch that leaves short groups), whole images, and a 1×1 layer that reads its input as the columns;
 * weight gradients summed transposed (few output channels) or not, set and then added to; with 1, 2 and 3
 * workers.
 */
class ConvKernelsTest {
    private static final double TOLERANCE = 2e-4;

    @Test
    void bandsOfOutputRows() {
        ConvGeometry g = new ConvGeometry(2, 64, 32, 32, 8, 3, 3, 1, 1, 1, 1);
        assertTrue(CpuWorkspaceModel.tile(g, ConvPass.FORWARD, 2).rows() < g.outH(), "several bands");
        check(g);
    }

    @Test
    void groupsOfImages() {
        ConvGeometry g = new ConvGeometry(9, 256, 4, 4, 256, 3, 3, 1, 1, 1, 1); // forward: groups of 5 and 4 images
        assertTrue(CpuWorkspaceModel.tile(g, ConvPass.FORWARD, 2).grouped());
        for (ConvPass pass : ConvPass.values()) { // a group sums its products chunk by chunk
            int share = g.colRows() / CpuWorkspaceModel.buffers(g, pass, 2);
            assertTrue(CpuWorkspaceModel.chunk(g, pass, 2) < (pass == ConvPass.BACKWARD_FILTER ? share : g.colRows()),
                    pass + " in chunks");
        }
        check(g);
        ConvGeometry strided = new ConvGeometry(5, 128, 6, 5, 512, 3, 3, 2, 2, 1, 1); // the general im2col in groups
        assertTrue(CpuWorkspaceModel.tile(strided, ConvPass.FORWARD, 1).grouped());
        check(strided);
    }

    @Test
    void backwardPassesInChunksOfRows() {
        ConvGeometry g = new ConvGeometry(2, 256, 16, 16, 8, 3, 3, 1, 1, 1, 1); // 2304 rows, bands of 128 columns
        for (ConvPass pass : new ConvPass[] {ConvPass.BACKWARD_DATA, ConvPass.BACKWARD_FILTER}) {
            assertTrue(CpuWorkspaceModel.chunk(g, pass, 1) < g.colRows(), pass + " in chunks");
        }
        check(g);
    }

    @Test
    void wholeImagesAndPointwise() {
        check(new ConvGeometry(3, 4, 12, 12, 5, 5, 5, 1, 1, 0, 0)); // valid 5x5: 64 columns, in groups
        check(new ConvGeometry(2, 3, 16, 16, 6, 3, 3, 1, 1, 1, 1)); // 256 columns: one band per image
        check(new ConvGeometry(3, 8, 6, 6, 5, 1, 1, 1, 1, 0, 0));
    }

    @Test
    void weightGradientsTransposedForFewOutputChannelsOnly() {
        ConvGeometry few = new ConvGeometry(2, 64, 32, 32, 8, 3, 3, 1, 1, 1, 1);
        ConvGeometry many = new ConvGeometry(3, 16, 8, 8, CpuWorkspaceModel.TRANSPOSED_FILTER_CHANNELS + 32, 3, 3, 1, 1,
                1, 1);
        assertTrue(CpuWorkspaceModel.transposedRows(few, 2) > 0);
        ConvGeometry band = new ConvGeometry(32, 128, 4, 8, 128, 3, 3, 1, 1, 0, 1); // 2 rows of an 8x8 map
        assertTrue(CpuWorkspaceModel.transposedRows(band, 2) == 0, "narrow buffers: the transpose would add memory");
        for (ConvGeometry x : new ConvGeometry[] {few, band}) { // backward's workspace, the larger, is as it was
            assertTrue(CpuWorkspaceModel.floats(x, ConvPass.BACKWARD_FILTER, 2)
                    <= CpuWorkspaceModel.floats(x, ConvPass.BACKWARD_DATA, 2), x.toString());
        }
        assertTrue(CpuWorkspaceModel.transposedRows(many, 2) == 0 && !CpuWorkspaceModel.tile(many,
                ConvPass.BACKWARD_FILTER, 2).grouped(), "image by image, in the weights' order");
        check(many);
        ConvGeometry blocks = new ConvGeometry(3, 64, 8, 8, 128, 3, 3, 1, 1, 1, 1); // 576 rows, in blocks
        int block = CpuWorkspaceModel.transposedRows(blocks, 2);
        assertTrue(block >= CpuWorkspaceModel.MIN_TRANSPOSED_ROWS && block < blocks.colRows() / 2,
                "a worker's 288 rows in blocks of " + block);
        check(blocks);
    }

    private static void check(ConvGeometry g) {
        Random random = new Random(g.hashCode());
        int xs = g.n() * g.c() * g.h() * g.w();
        int ws = g.k() * g.colRows();
        int ys = g.n() * g.k() * g.colCols();
        double[] x = gaussian(random, xs);
        double[] w = gaussian(random, ws);
        double[] dy = gaussian(random, ys);
        double[] bias = gaussian(random, g.k());
        double[] y = new double[ys];
        double[] dx = new double[xs];
        double[] dw = new double[ws];
        direct(g, x, w, dy, y, dx, dw);
        for (int threads = 1; threads <= 3; threads++) {
            long work = Math.max(CpuWorkspaceModel.floats(g, ConvPass.FORWARD, threads),
                    Math.max(CpuWorkspaceModel.floats(g, ConvPass.BACKWARD_DATA, threads),
                            CpuWorkspaceModel.floats(g, ConvPass.BACKWARD_FILTER, threads)));
            // x, w, bias, y, dy, dx, dw, dbias, workspace, with a float between each
            int[] at = new int[10];
            int[] sizes = {xs, ws, g.k(), ys, ys, xs, ws, g.k(), (int) work};
            for (int i = 0; i < sizes.length; i++) {
                at[i + 1] = at[i] + sizes[i] + 1;
            }
            float[] mem = new float[at[9]];
            put(mem, at[0], x);
            put(mem, at[1], w);
            put(mem, at[2], bias);
            put(mem, at[4], dy);
            try (WorkerPool pool = new WorkerPool(threads, 0)) {
                ConvKernels conv = new ConvKernels(mem, pool, BLAS.getInstance());
                conv.forward(g, at[0], at[1], at[2], at[3], at[8]);
                conv.backwardData(g, at[4], at[1], at[5], at[8], false);
                conv.backwardFilter(g, at[0], at[4], at[6], at[7], at[8], false);
            }
            String what = g + ", " + threads + " workers";
            for (int i = 0; i < ys; i++) {
                int k = i / g.colCols() % g.k();
                assertEquals(y[i] + bias[k], mem[at[3] + i], TOLERANCE * scale(g), what + ": y[" + i + "]");
            }
            for (int i = 0; i < xs; i++) {
                assertEquals(dx[i], mem[at[5] + i], TOLERANCE * scale(g), what + ": dx[" + i + "]");
            }
            for (int i = 0; i < ws; i++) {
                assertEquals(dw[i], mem[at[6] + i], TOLERANCE * scale(g) * g.n(), what + ": dw[" + i + "]");
            }
            for (int k = 0; k < g.k(); k++) {
                double sum = 0;
                for (int i = 0; i < g.n(); i++) {
                    for (int p = 0; p < g.colCols(); p++) {
                        sum += dy[(i * g.k() + k) * g.colCols() + p];
                    }
                }
                assertEquals(sum, mem[at[7] + k], 1e-4 * g.n() * g.colCols(), what + ": dbias[" + k + "]");
            }
            for (int i = 0; i < sizes.length; i++) {
                assertEquals(0f, mem[at[i + 1] - 1], 0f, what + ": wrote past tensor " + i);
            }
            try (WorkerPool pool = new WorkerPool(threads, 0)) { // a second weight gradient adds to the first
                new ConvKernels(mem, pool, BLAS.getInstance()).backwardFilter(g, at[0], at[4], at[6], -1, at[8], true);
            }
            for (int i = 0; i < ws; i++) {
                assertEquals(2 * dw[i], mem[at[6] + i], 2 * TOLERANCE * scale(g) * g.n(), what + ": dw[" + i + "] twice");
            }
        }
    }

    /** Typical magnitude of one output: the square root of the terms summed. */
    private static double scale(ConvGeometry g) {
        return Math.sqrt(g.colRows() * (double) g.k());
    }

    /** y = conv(x, w); dx = conv_transpose(dy, w); dw = corr(x, dy), straight from the definition. */
    private static void direct(ConvGeometry g, double[] x, double[] w, double[] dy, double[] y, double[] dx,
                               double[] dw) {
        for (int n = 0; n < g.n(); n++) {
            for (int k = 0; k < g.k(); k++) {
                for (int oh = 0; oh < g.outH(); oh++) {
                    for (int ow = 0; ow < g.outW(); ow++) {
                        int o = ((n * g.k() + k) * g.outH() + oh) * g.outW() + ow;
                        for (int c = 0; c < g.c(); c++) {
                            for (int i = 0; i < g.kh(); i++) {
                                for (int j = 0; j < g.kw(); j++) {
                                    int ih = oh * g.strideH() - g.padH() + i;
                                    int iw = ow * g.strideW() - g.padW() + j;
                                    if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) {
                                        continue;
                                    }
                                    int xi = ((n * g.c() + c) * g.h() + ih) * g.w() + iw;
                                    int wi = ((k * g.c() + c) * g.kh() + i) * g.kw() + j;
                                    y[o] += x[xi] * w[wi];
                                    dx[xi] += dy[o] * w[wi];
                                    dw[wi] += dy[o] * x[xi];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static double[] gaussian(Random random, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static void put(float[] mem, int at, double[] v) {
        for (int i = 0; i < v.length; i++) {
            mem[at + i] = (float) v[i];
        }
    }
}
