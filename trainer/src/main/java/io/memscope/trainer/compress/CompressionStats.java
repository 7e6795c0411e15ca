package io.memscope.trainer.compress;

import io.memscope.trainer.memory.Bytes;
import java.util.Locale;

/**
 * What an {@link ErrorBoundedCompressor} stream holds, read from its header: the tensor's shape and error
 * bound, the stream's size and how it was coded.
 *
 * @param count     values in the tensor
 * @param height    rows of each plane
 * @param width     values in each row
 * @param errorBound the absolute error bound every value keeps
 * @param bytes     the stream's length, header included
 * @param verbatim  values stored as they are because no code within the quantization range reconstructs them
 *                  within the bound
 * @param predictor the predictor used (never {@link Predictor#AUTO})
 * @param huffman   whether the quantization codes are Huffman-coded (else fixed-width)
 * @param lossless  whether the lossless (Deflate) pass was applied, because it made the stream smaller
 */
public record CompressionStats(int count, int height, int width, double errorBound, int bytes, int verbatim,
                               Predictor predictor, boolean huffman, boolean lossless) {
    /** The float32 size of the values over the stream's size. */
    public double ratio() {
        return 4.0 * count / bytes;
    }

    /** Bits of stream per value. */
    public double bitsPerValue() {
        return count == 0 ? 0 : 8.0 * bytes / count;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%,d values (%d×%d planes) in %s, %.1f× at error bound %.3g; %s, %s%s; "
                + "%,d stored verbatim", count, height, width, Bytes.format(bytes), ratio(), errorBound,
                predictor.label(), huffman ? "Huffman" : "fixed-width codes", lossless ? ", deflated" : "", verbatim);
    }
}
