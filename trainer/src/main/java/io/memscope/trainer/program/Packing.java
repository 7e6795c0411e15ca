package io.memscope.trainer.program;

/**
 * A byte stream kept in a float device block: the first float holds the stream's length, then four bytes a
 * float, little-endian, as raw bits (copies between host and device keep every bit pattern, NaNs included).
 */
final class Packing {
    private Packing() {}

    /** Floats a stream of {@code bytes} takes: 1 + ⌈bytes / 4⌉. */
    static int floats(long bytes) {
        return Math.toIntExact(1 + (bytes + 3) / 4);
    }

    /** The floats holding {@code stream}. */
    static float[] pack(byte[] stream) {
        float[] out = new float[floats(stream.length)];
        out[0] = Float.intBitsToFloat(stream.length);
        for (int i = 0; i < stream.length; i++) {
            int f = 1 + i / 4;
            int shift = 8 * (i % 4);
            int bits = Float.floatToRawIntBits(out[f]) | (stream[i] & 0xff) << shift;
            out[f] = Float.intBitsToFloat(bits);
        }
        return out;
    }

    /** The stream {@link #pack} stored. */
    static byte[] unpack(float[] packed) {
        int length = Float.floatToRawIntBits(packed[0]);
        if (length < 0 || length > (packed.length - 1) * 4L) {
            throw new IllegalStateException("a compressed block of " + packed.length + " floats says it holds " + length
                    + " bytes: device memory was overwritten");
        }
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (Float.floatToRawIntBits(packed[1 + i / 4]) >>> (8 * (i % 4)));
        }
        return out;
    }
}
