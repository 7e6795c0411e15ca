package io.memscope.trainer.modes.compressed;

import io.memscope.trainer.compress.ErrorBoundedCompressor;

/**
 * The compressed mode's codec: {@link ErrorBoundedCompressor} (Lorenzo prediction, quantization within eb,
 * Huffman, an optional Deflate pass), which keeps zeros and every value's sign exactly. One compressor per
 * thread, as it keeps its working buffers between calls.
 */
public final class SzFloatCodec implements FloatCodec {
    private final ThreadLocal<ErrorBoundedCompressor> compressor = ThreadLocal.withInitial(ErrorBoundedCompressor::new);

    @Override
    public byte[] compress(float[] values, int height, int width, double eb) {
        return compressor.get().compress(values, 0, values.length, height, width, eb);
    }

    @Override
    public void decompress(byte[] stream, float[] values) {
        int n = compressor.get().decompress(stream, values, 0);
        if (n != values.length) {
            throw new IllegalStateException("a compressed tensor of " + values.length + " values decompressed to " + n);
        }
    }
}
