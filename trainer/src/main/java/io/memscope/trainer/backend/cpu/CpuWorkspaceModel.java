package io.memscope.trainer.backend.cpu;

import io.memscope.trainer.backend.ConvGeometry;
import io.memscope.trainer.backend.ConvPass;
import io.memscope.trainer.backend.WorkspaceModel;

/**
 * Workspace of the CPU convolution kernels: im2col column buffers of {@code colRows × colCols} floats.
 *
 * <ul>
 *   <li>forward and backward data split the batch, one column buffer per worker:
 *       {@code min(threads, n) · colRows · colCols · 4} bytes;</li>
 *   <li>backward filter shares one column buffer whose rows the workers split, so that no two workers write
 *       the same weight gradient: {@code colRows · colCols · 4} bytes;</li>
 *   <li>a 1×1 convolution with stride 1 and no padding reads its input as the column matrix: 0 bytes.</li>
 * </ul>
 *
 * @param threads the CPU backend's worker count
 */
public record CpuWorkspaceModel(int threads) implements WorkspaceModel {
    public CpuWorkspaceModel {
        if (threads < 1) {
            throw new IllegalArgumentException("a CPU backend needs at least one thread, got " + threads);
        }
    }

    @Override
    public long convWorkspaceBytes(ConvGeometry g, ConvPass pass) {
        return floats(g, pass, threads) * Float.BYTES;
    }

    /** Workspace floats of one convolution pass. */
    public static long floats(ConvGeometry g, ConvPass pass, int threads) {
        if (readsInputAsColumns(g)) {
            return 0;
        }
        return (long) columnBuffers(g, pass, threads) * g.colRows() * g.colCols();
    }

    /** How many column buffers a pass uses; buffer {@code i} belongs to worker {@code i}. */
    static int columnBuffers(ConvGeometry g, ConvPass pass, int threads) {
        return pass == ConvPass.BACKWARD_FILTER ? 1 : Math.max(1, Math.min(threads, g.n()));
    }

    /** A 1×1 convolution with stride 1 and no padding: the input of one image already is its column matrix. */
    static boolean readsInputAsColumns(ConvGeometry g) {
        return g.kh() == 1 && g.kw() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0 && g.padW() == 0;
    }
}
