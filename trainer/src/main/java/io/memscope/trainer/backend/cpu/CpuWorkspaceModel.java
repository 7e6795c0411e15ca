package io.memscope.trainer.backend.cpu;

import io.memscope.trainer.backend.ConvGeometry;
import io.memscope.trainer.backend.ConvPass;
import io.memscope.trainer.backend.WorkspaceModel;

/**
 * Workspace of the CPU convolution kernels: im2col column buffers, one {@link Tile} of the column matrix at a
 * time. A tile is either several whole images side by side, for layers with a small output plane and large
 * weights (ResNet's 4×4 stage would otherwise stream its 9 MB of weights once per 16 columns), or a band of
 * output rows of one image, for layers whose column matrix would not stay in a core's cache (a 64-channel
 * 32×32 layer's is 2.4 MB). With {@code w = min(threads, n)} workers, {@code R = colRows}, {@code C} the tile's columns and
 * {@code K} output channels:
 *
 * <ul>
 *   <li>forward splits the batch, one tile buffer per worker of a {@link #chunk} of {@code r ≤ R} rows (a group
 *       sums its products chunk by chunk), plus, for a tile of several images, a {@code K × C} buffer for their
 *       outputs in GEMM order: {@code w·(r·C + K·C)} floats, {@code w·R·C} for a band of one image;</li>
 *   <li>backward data splits the batch too; its product gives each row of the tile's column gradients on its
 *       own, so a worker holds a chunk of rows at a time (folding them back before the next), plus the group's
 *       output gradients gathered: {@code w·(r·C + K·C)} floats;</li>
 *   <li>backward filter splits the rows of the column matrix, so that no two workers write the same weight
 *       gradient: {@code min(threads, R)} workers, each with a chunk of its rows and, for a group, the group's
 *       output gradients gathered, {@code (r·C + K·C)} floats each; its bands are {@code w} times as tall, as
 *       each worker holds only its share of the rows; with at most {@link #TRANSPOSED_FILTER_CHANNELS} output
 *       channels, image by image, plus a block of the weight gradient's transpose per worker, as many rows as
 *       backward data's larger buffers leave room for ({@link #transposedRows});</li>
 *   <li>a 1×1 convolution with stride 1 and no padding reads its input as the column matrix, image by image:
 *       0 bytes.</li>
 * </ul>
 *
 * @param threads the CPU backend's worker count
 */
public record CpuWorkspaceModel(int threads) implements WorkspaceModel {
    /** A tile is at least this many columns wide where the batch allows: narrower products run slowly. */
    static final int MIN_COLUMNS = 128;
    /** Output planes of at most this many cells (8×8) may go in groups of images ({@link #grouped}). */
    static final int GROUPED_PLANE = 64;
    /**
     * ... where the weights are at least this many floats (2 MiB, a core's L2: they would stream in from memory
     * once per image). Below that a group would cost more memory than it saves time (VGG-small's 8×8 layers).
     */
    static final long GROUPED_WEIGHTS = 1 << 19;
    /**
     * A band of output rows holds at most about this many column-matrix floats (1 MiB, in a core's L2); the
     * bands of an image are made as even as they can be.
     */
    static final long TILE_FLOATS = 1 << 18;
    /**
     * A group of images is this many columns wide where the batch allows (eight 4×4 planes): a product with 128
     * columns and fewer rows runs faster than one with 48 columns and more (ResNet-18's 4×4 layers forward about
     * 210 against 150 GFLOP/s on two cores).
     */
    static final int GROUP_COLUMNS = 128;
    /**
     * A group holds its rows in chunks of at most about this many column-matrix floats (128 KiB). Groups twice
     * as wide in chunks twice as large measured at most 5% faster, and took ResNet-18's batch 28 over 256 MiB.
     */
    static final long GROUP_CHUNK_FLOATS = 1 << 15;

    /**
     * Backward filter computes {@code dw} transposed where a layer has at most this many output channels: the
     * product with the K output channels as its rows (and the column matrix's rows as its columns) runs faster
     * when K is small (single-core sgemm with 1024 inner columns: K = 32 at 96-103 GFLOP/s against 76-78 the
     * other way round; K = 64 about 10% faster, K = 128 about 5%), and its {@code R × K} result, as large as
     * the weights, is then added into dw in the weights' order. The whole pass on two cores: VGG-small's
     * 32-channel 32×32 layer 106 → 157 GFLOP/s, ResNet-18's 64-channel layers about 170 → 200.
     */
    static final int TRANSPOSED_FILTER_CHANNELS = 128;
    /**
     * A transposed block is at least this many rows of the column matrix, or a worker's whole share
     * ({@link #transposedRows}): VGG-small's 128-channel 8×8 layer in blocks of 216 rows ran backward filter at
     * 150 GFLOP/s against 127 in the weights' order, its row-centric bands in blocks of 72 rows at 70 against 88.
     */
    static final int MIN_TRANSPOSED_ROWS = 128;

    public CpuWorkspaceModel {
        if (threads < 1) {
            throw new IllegalArgumentException("a CPU backend needs at least one thread, got " + threads);
        }
    }

    /**
     * How a pass walks the column matrix: {@code images} whole images side by side (then {@code rows} is the
     * whole output height), or bands of {@code rows} output rows of one image.
     */
    record Tile(int images, int rows, int columns) {
        boolean grouped() {
            return images > 1;
        }
    }

    @Override
    public long convWorkspaceBytes(ConvGeometry g, ConvPass pass) {
        return floats(g, pass, threads) * Float.BYTES;
    }

    /** Workspace floats of one convolution pass. */
    public static long floats(ConvGeometry g, ConvPass pass, int threads) {
        long buffers = bufferFloats(g, pass, threads);
        return pass == ConvPass.BACKWARD_FILTER
                ? buffers + (long) buffers(g, pass, threads) * g.k() * transposedRows(g, threads) : buffers;
    }

    /** The workers' column buffers (and a group's gathered outputs) of one pass. */
    private static long bufferFloats(ConvGeometry g, ConvPass pass, int threads) {
        if (readsInputAsColumns(g)) {
            return 0;
        }
        Tile t = tile(g, pass, threads);
        long col = (long) chunk(g, pass, threads) * t.columns();
        long out = t.grouped() ? (long) g.k() * t.columns() : 0;
        return buffers(g, pass, threads) * (col + out);
    }

    /**
     * Rows of the column matrix whose weight gradients a backward-filter worker sums transposed at a time
     * ({@link #TRANSPOSED_FILTER_CHANNELS}), over all images, in a {@code rows × K} buffer of its own after the
     * workers' column buffers; 0 where it sums them in the weights' order. Image by image only (not in groups,
     * and not a 1×1 layer read as its own columns), and only as many rows as keep the buffers no larger than
     * backward data's, so that a layer's backward workspace (the larger of the two) stays as it was; blocks
     * of fewer than {@link #MIN_TRANSPOSED_ROWS} rows, short of a worker's whole share, would be too narrow to
     * gain. Only a layer whose input needs no gradient (a network's first convolution, backward filter alone)
     * grows, by at most {@code K·R} floats (VGG-16's: 6.8 KiB); no sample network's planned peak moved, at
     * batch 1, 8 and 32, baseline and row-centric.
     */
    static int transposedRows(ConvGeometry g, int threads) {
        if (g.k() > TRANSPOSED_FILTER_CHANNELS || readsInputAsColumns(g)
                || tile(g, ConvPass.BACKWARD_FILTER, threads).grouped()) {
            return 0;
        }
        int workers = buffers(g, ConvPass.BACKWARD_FILTER, threads);
        long spare = bufferFloats(g, ConvPass.BACKWARD_DATA, threads) - bufferFloats(g, ConvPass.BACKWARD_FILTER,
                threads);
        int share = ceilDiv(g.colRows(), workers);
        long rows = Math.min(share, spare / ((long) workers * g.k()));
        return rows > 0 && rows >= Math.min(share, MIN_TRANSPOSED_ROWS) ? (int) rows : 0;
    }

    /**
     * Buffers a pass uses, one per worker: forward and backward data split the images, backward filter the rows
     * of the column matrix.
     */
    static int buffers(ConvGeometry g, ConvPass pass, int threads) {
        return pass == ConvPass.BACKWARD_FILTER ? Math.max(1, Math.min(threads, g.colRows())) : workers(g, threads);
    }

    /**
     * Rows of the column matrix a worker holds at a time, in chunks of even size: for a group of images, as many
     * as keep a chunk within {@link #GROUP_CHUNK_FLOATS} (a group sums its products chunk by chunk); otherwise
     * all of them in forward, and in the backward passes (whose products give each row on its own) as many as
     * keep a chunk within {@link #TILE_FLOATS}. A worker's share is all the rows, or in backward filter its slice
     * of them.
     */
    static int chunk(ConvGeometry g, ConvPass pass, int threads) {
        int rows = g.colRows();
        int share = pass == ConvPass.BACKWARD_FILTER ? ceilDiv(rows, buffers(g, pass, threads)) : rows;
        Tile t = tile(g, pass, threads);
        int chunks;
        if (t.grouped()) {
            chunks = (int) Math.max(1, Math.min(share,
                    (share * (long) t.columns() + GROUP_CHUNK_FLOATS - 1) / GROUP_CHUNK_FLOATS));
        } else if (pass == ConvPass.FORWARD) {
            chunks = 1;
        } else {
            chunks = (int) Math.max(1, Math.min(share, (share * (long) t.columns() + TILE_FLOATS - 1) / TILE_FLOATS));
        }
        return ceilDiv(share, chunks);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Workers that get images in forward and backward data: one per image at most. */
    static int workers(ConvGeometry g, int threads) {
        return Math.max(1, Math.min(threads, g.n()));
    }

    /** The tile of a pass (see the class comment); one whole image where the input is read as the columns. */
    static Tile tile(ConvGeometry g, ConvPass pass, int threads) {
        int plane = g.colCols();
        if (readsInputAsColumns(g)) {
            return new Tile(1, g.outH(), plane);
        }
        int workers = workers(g, threads);
        boolean shared = pass == ConvPass.BACKWARD_FILTER;
        long minColumns = shared ? (long) workers * MIN_COLUMNS : MIN_COLUMNS;
        if (grouped(g)) {
            int wanted = (GROUP_COLUMNS + plane - 1) / plane;
            int most = shared ? g.n() : (g.n() + workers - 1) / workers;
            int images = Math.max(1, Math.min(wanted, most));
            return new Tile(images, g.outH(), images * plane);
        }
        long floats = shared ? workers * TILE_FLOATS : TILE_FLOATS;
        long rows = floats / ((long) g.colRows() * g.outW());
        rows = Math.max(rows, (minColumns + g.outW() - 1) / g.outW());
        int most = (int) Math.max(1, Math.min(g.outH(), rows));
        int bands = (g.outH() + most - 1) / most;
        int band = (g.outH() + bands - 1) / bands; // even bands: 16 rows at most 14 go as 8 + 8, not 14 + 2
        return new Tile(1, band, band * g.outW());
    }

    /**
     * Whether images may go in groups ({@link #GROUP_COLUMNS} wide): a small output plane, at least as tall as
     * it is wide, and large weights. Smaller weights stay in cache between images anyway, where a group's wider
     * buffers would only cost memory; and a
     * plane wider than tall is what row-centric bands are (a few rows of a wide map), whose memory savings a
     * group's buffer would take back (more bands would then need more memory, not less).
     */
    static boolean grouped(ConvGeometry g) {
        return g.colCols() <= GROUPED_PLANE && g.outH() >= g.outW() && (long) g.k() * g.colRows() >= GROUPED_WEIGHTS
                && !readsInputAsColumns(g);
    }

    /** A 1×1 convolution with stride 1 and no padding: the input of one image already is its column matrix. */
    static boolean readsInputAsColumns(ConvGeometry g) {
        return g.kh() == 1 && g.kw() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0 && g.padW() == 0;
    }
}
