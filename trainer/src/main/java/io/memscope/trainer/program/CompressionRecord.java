package io.memscope.trainer.program;

/**
 * One tensor compressed in a step: its size, its stream's size and the error bound used.
 *
 * @param tensor          the tensor compressed
 * @param bytes           its size uncompressed (4 bytes a value)
 * @param compressedBytes the stream's size, as kept in device memory
 * @param errorBound      the absolute bound the codec used (every value within it), or 0 where unknown
 * @param step            the training step (trace numbering, from 0)
 */
public record CompressionRecord(String tensor, long bytes, long compressedBytes, double errorBound, int step) {
    /** Uncompressed over compressed size. */
    public double ratio() {
        return compressedBytes == 0 ? Double.POSITIVE_INFINITY : (double) bytes / compressedBytes;
    }
}
