package io.memscope.trainer.modes.compressed;

/** A compressor of float planes within an absolute error bound: what the compressed mode's codec runs. */
public interface FloatCodec {
    /**
     * Compresses {@code values} (planes of {@code height}×{@code width}, NCHW order) so that every value comes
     * back within ±{@code eb}, its sign and zeros kept exactly (a ReLU's backward reads the sign of its output).
     */
    byte[] compress(float[] values, int height, int width, double eb);

    /** Decompresses into {@code values}, which has the original's length. */
    void decompress(byte[] stream, float[] values);
}
