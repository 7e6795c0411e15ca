package io.memscope.trainer.data;

/**
 * Labelled images, float32 NCHW, values roughly in [0, 1] or normalized. Implementations are immutable after
 * loading and safe to read from several threads.
 */
public interface Dataset {
    /** Where the data came from, shown to the user: {@code builtin shapes 1x28x28}, {@code MNIST train (/data)}. */
    String name();

    int channels();

    int height();

    int width();

    int classes();

    int size();

    /**
     * Copies the samples at {@code indices} into {@code images} (indices.length·C·H·W floats, NCHW) and their
     * class numbers into {@code labels} (as floats).
     */
    void fill(int[] indices, float[] images, float[] labels);
}
