package io.memscope.trainer.compress;

/**
 * A plain float codec with the shape of {@link ErrorBoundedCompressor}'s API but no error bound to ask for:
 * what the error-bounded compressor is measured against. Instances keep working buffers and are not thread-safe.
 */
public interface FloatCodec {
    /** A short name for tables: "fp16", "8-bit linear", "Deflate". */
    String name();

    /** Compresses count floats of src from offset. */
    byte[] compress(float[] src, int offset, int count);

    /** Decompresses into dst from offset; returns the number of values written. */
    int decompress(byte[] stream, float[] dst, int offset);
}
