package io.memscope.trainer.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The kernels row bands are built from: row copies between maps of different heights, row fills, batch-norm apply. */
class CpuRowKernelsTest {
    private final CpuFixture f = new CpuFixture(2, true);
    private final Backend b = f.backend;

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void copiesAndAddsRowsPlaneByPlane() {
        // two samples, two channels, 4 rows of 3 into 3 rows of 3
        Tensor src = f.tensor("src", Dims.of(2, 2, 4, 3));
        float[] s = new float[src.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = i;
        }
        f.write(src, s);
        Tensor dst = f.tensor("dst", Dims.of(2, 2, 3, 3), new float[36]);
        b.copyRows(src, 1, dst, 1, 2, false);
        float[] expected = new float[36];
        for (int plane = 0; plane < 4; plane++) {
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 3; c++) {
                    expected[plane * 9 + (1 + r) * 3 + c] = plane * 12 + (1 + r) * 3 + c;
                }
            }
        }
        assertArrayEquals(expected, f.read(dst), 0f);

        b.copyRows(src, 0, dst, 0, 2, true);
        for (int plane = 0; plane < 4; plane++) {
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 3; c++) {
                    expected[plane * 9 + r * 3 + c] += plane * 12 + r * 3 + c;
                }
            }
        }
        assertArrayEquals(expected, f.read(dst), 0f);
    }

    @Test
    void fillsRowsOfEveryPlane() {
        Tensor t = f.tensor("t", Dims.of(1, 2, 3, 2), new float[12]);
        b.fillRows(t, 2, 1, Float.NEGATIVE_INFINITY);
        float inf = Float.NEGATIVE_INFINITY;
        assertArrayEquals(new float[] {0, 0, 0, 0, inf, inf, 0, 0, 0, 0, inf, inf}, f.read(t), 0f);
    }

    @Test
    void refusesMismatchedShapesAndRowsOutOfRange() {
        Tensor a = f.tensor("a", Dims.of(1, 2, 4, 3));
        Tensor narrow = f.tensor("narrow", Dims.of(1, 2, 4, 2));
        Tensor c = f.tensor("c", Dims.of(1, 2, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> b.copyRows(a, 0, narrow, 0, 1, false));
        assertThrows(IllegalArgumentException.class, () -> b.copyRows(a, 2, c, 1, 2, false));
        assertThrows(IllegalArgumentException.class, () -> b.fillRows(c, 1, 2, 0f));
    }

    @Test
    void batchNormApplyOnABandReproducesTheTrainingForward() {
        Dims d = Dims.of(3, 4, 6, 5);
        Tensor x = f.random("x", d);
        Tensor y = f.tensor("y", d);
        Tensor gamma = f.random("gamma", Dims.vector(4));
        Tensor beta = f.random("beta", Dims.vector(4));
        Tensor rm = f.tensor("rm", Dims.vector(4), new float[4]);
        Tensor rv = f.tensor("rv", Dims.vector(4), new float[] {1, 1, 1, 1});
        Tensor mean = f.tensor("mean", Dims.vector(4));
        Tensor invStd = f.tensor("invStd", Dims.vector(4));
        b.batchNormForwardTraining(x, gamma, beta, y, rm, rv, mean, invStd, 0.1, 1e-5);
        float[] runningMean = f.read(rm);

        // rows 2..4 of every plane, normalized on their own
        Dims band = Dims.of(3, 4, 3, 5);
        Tensor xb = f.tensor("xb", band);
        Tensor yb = f.tensor("yb", band);
        Tensor expected = f.tensor("expected", band);
        b.copyRows(x, 2, xb, 0, 3, false);
        b.copyRows(y, 2, expected, 0, 3, false);
        b.batchNormApply(xb, gamma, beta, mean, invStd, yb);
        assertArrayEquals(f.read(expected), f.read(yb), 0f, "bit for bit what the training forward wrote");
        assertArrayEquals(runningMean, f.read(rm), 0f, "running statistics untouched");
    }
}
