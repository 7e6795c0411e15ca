package io.memscope.trainer.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Our kernels: their names in {@code resources/cuda/memscope_kernels.cu}, the PTX compiled from it (loaded from
 * the classpath), and how a launch is shaped. One-dimensional kernels loop over their elements with a
 * grid-stride loop, so the grid is capped and any size is covered.
 */
final class Kernels {
    private Kernels() {}

    static final String PTX_RESOURCE = "/cuda/memscope_kernels.ptx";
    static final String SOURCE_RESOURCE = "/cuda/memscope_kernels.cu";

    static final int BLOCK = 256;
    static final int MAX_GRID = 4096;
    /** The GEMM's tile of C per block (ms_gemm: 64 × 64 with 256 threads). */
    static final int GEMM_TILE = 64;

    static final String FILL = "ms_fill";
    static final String LEAKY_RELU_FORWARD = "ms_leaky_relu_forward";
    static final String LEAKY_RELU_BACKWARD = "ms_leaky_relu_backward";
    static final String LEAKY_RELU_INVERSE = "ms_leaky_relu_inverse";
    static final String BATCH_NORM_APPLY = "ms_batch_norm_apply";
    static final String BATCH_NORM_INVERSE = "ms_batch_norm_inverse";
    static final String MAGNITUDE = "ms_magnitude";
    static final String MAGNITUDE_BACKWARD = "ms_magnitude_backward";
    static final String SPACE_TO_DEPTH = "ms_space_to_depth";
    static final String COPY_CHANNELS = "ms_copy_channels";
    static final String COPY_ROWS = "ms_copy_rows";
    static final String FILL_ROWS = "ms_fill_rows";
    static final String DROPOUT_FORWARD = "ms_dropout_forward";
    static final String DROPOUT_BACKWARD = "ms_dropout_backward";
    static final String CROSS_ENTROPY = "ms_cross_entropy";
    static final String CROSS_ENTROPY_BACKWARD = "ms_cross_entropy_backward";
    static final String GEMM = "ms_gemm";
    static final String COLUMN_SUMS = "ms_column_sums";
    static final String SGD = "ms_sgd";
    static final String ADAM = "ms_adam";

    /** Blocks for a grid-stride loop over {@code work} elements. */
    static int grid(long work) {
        if (work > Integer.MAX_VALUE - (long) BLOCK * MAX_GRID) {
            throw new IllegalArgumentException("a kernel over " + work + " elements is more than one launch covers "
                    + "(at most " + (Integer.MAX_VALUE - (long) BLOCK * MAX_GRID) + ")");
        }
        return (int) Math.max(1, Math.min(MAX_GRID, (work + BLOCK - 1) / BLOCK));
    }

    /** The PTX text the driver compiles for the card (cuModuleLoadData). */
    static byte[] ptx() {
        return resource(PTX_RESOURCE);
    }

    static byte[] resource(String name) {
        try (InputStream in = Kernels.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the classpath: the trainer jar was built without "
                        + "resources/cuda");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
