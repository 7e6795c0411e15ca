package io.memscope.trainer.compress;

/**
 * IEEE 754 half precision: each float rounded to the nearest half (ties to even) and stored in two bytes, a fixed
 * 2× ratio. Its error is relative, at most 2^-11 of the value for normal halves (|x| ≥ 2^-14), at most 2^-25 below
 * that, and magnitudes past 65,504 (the largest half) become infinite, as a cast to half does; {@link #maxError}
 * measures it on a tensor. NaN stays NaN.
 */
public final class Fp16Codec implements FloatCodec {
    static final int MAGIC = 0x4D534648; // "MSFH"
    static final int VERSION = 1;
    static final String FORMAT = "fp16";
    /** The largest finite half. */
    public static final float MAX = 65504f;

    private final ByteSink out = new ByteSink(1 << 12);

    @Override
    public String name() {
        return "fp16";
    }

    @Override
    public byte[] compress(float[] src, int offset, int count) {
        Frame.checkSource(src, offset, count);
        Frame.begin(out, MAGIC, VERSION);
        out.i32(count);
        int at = out.skip(2 * count);
        byte[] b = out.array();
        for (int i = 0; i < count; i++) {
            short h = toHalf(src[offset + i]);
            b[at++] = (byte) (h >>> 8);
            b[at++] = (byte) h;
        }
        return Frame.finish(out);
    }

    @Override
    public int decompress(byte[] stream, float[] dst, int offset) {
        ByteSource in = Frame.open(stream, MAGIC, VERSION, FORMAT);
        int count = Frame.count(in);
        int at = in.skip(2L * count, "the halves");
        in.expectEnd();
        Frame.checkRoom(dst, offset, count, FORMAT);
        byte[] b = in.array();
        for (int i = 0; i < count; i++, at += 2) {
            dst[offset + i] = toFloat((short) ((b[at] << 8) | (b[at + 1] & 0xFF)));
        }
        return count;
    }

    /** The largest |x − half(x)| over count values of src from offset (infinite where one overflows). */
    public static double maxError(float[] src, int offset, int count) {
        double max = 0;
        for (int i = 0; i < count; i++) {
            float x = src[offset + i];
            max = Math.max(max, Math.abs((double) x - toFloat(toHalf(x))));
        }
        return max;
    }

    /** The half nearest to f (ties to even), as its 16 bits. */
    public static short toHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xFF;
        int mant = bits & 0x7FFFFF;
        if (exp == 0xFF) { // infinity, or NaN kept NaN
            return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) { // a subnormal half, or zero
            if (e < -10) {
                return (short) sign;
            }
            int m = mant | 0x800000;
            int shift = 14 - e;
            return (short) (sign | roundShift(m, shift));
        }
        // a carry out of the mantissa steps the exponent, up to infinity: what rounding must do
        return (short) (sign | roundShift((e << 23) | mant, 13));
    }

    /** {@code v >> shift} rounded to nearest, ties to even. */
    private static int roundShift(int v, int shift) {
        int q = v >>> shift;
        int rem = v & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        return rem > half || (rem == half && (q & 1) != 0) ? q + 1 : q;
    }

    /** The float a half's 16 bits stand for (exactly). */
    public static float toFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }
}
