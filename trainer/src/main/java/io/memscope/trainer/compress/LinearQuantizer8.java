package io.memscope.trainer.compress;

/**
 * 8-bit linear quantization over the tensor's own range: 256 levels from its minimum to its maximum, one byte a
 * value, a fixed 4× ratio. The error is at most {@code (max − min) / 510} (half a level) plus the float rounding of
 * the level, half an ulp of the value; a constant tensor comes back exactly. Values must be finite.
 */
public final class LinearQuantizer8 implements FloatCodec {
    static final int MAGIC = 0x4D535138; // "MSQ8"
    static final int VERSION = 1;
    static final String FORMAT = "8-bit linear";
    private static final int LEVELS = 255;

    private final ByteSink out = new ByteSink(1 << 12);

    @Override
    public String name() {
        return "8-bit linear";
    }

    /** Half a level: the bound on the error over a tensor whose values span [min, max], before float rounding. */
    public static double errorBound(float min, float max) {
        return ((double) max - min) / (2 * LEVELS);
    }

    @Override
    public byte[] compress(float[] src, int offset, int count) {
        Frame.checkSource(src, offset, count);
        Frame.requireFinite(src, offset, count);
        float min = count == 0 ? 0 : Float.POSITIVE_INFINITY;
        float max = count == 0 ? 0 : Float.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            min = Math.min(min, src[offset + i]);
            max = Math.max(max, src[offset + i]);
        }
        double step = step(min, max);
        double inv = step == 0 ? 0 : 1 / step;
        Frame.begin(out, MAGIC, VERSION);
        out.i32(count);
        out.f32(min);
        out.f32(max);
        int at = out.skip(count);
        byte[] b = out.array();
        for (int i = 0; i < count; i++) {
            long q = Math.round((src[offset + i] - (double) min) * inv);
            b[at + i] = (byte) Math.max(0, Math.min(LEVELS, q));
        }
        return Frame.finish(out);
    }

    @Override
    public int decompress(byte[] stream, float[] dst, int offset) {
        ByteSource in = Frame.open(stream, MAGIC, VERSION, FORMAT);
        int count = Frame.count(in);
        float min = in.f32("the minimum");
        float max = in.f32("the maximum");
        if (!Float.isFinite(min) || !Float.isFinite(max) || min > max) {
            throw in.corrupt("the range [" + min + ", " + max + "]");
        }
        int at = in.skip(count, "the levels");
        in.expectEnd();
        Frame.checkRoom(dst, offset, count, FORMAT);
        double step = step(min, max);
        byte[] b = in.array();
        for (int i = 0; i < count; i++) {
            dst[offset + i] = (float) (min + (b[at + i] & 0xFF) * step);
        }
        return count;
    }

    private static double step(float min, float max) {
        return ((double) max - min) / LEVELS;
    }
}
