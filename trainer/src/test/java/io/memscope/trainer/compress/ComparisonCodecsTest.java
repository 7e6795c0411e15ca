package io.memscope.trainer.compress;

import static io.memscope.trainer.compress.ErrorBoundedCompressorTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.compress.TestTensors.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ComparisonCodecsTest {
    private static final int[] COUNTS = {0, 1, 2, 7, 1000, 4097};

    @Test
    void everyHalfConvertsToAFloatAndBack() {
        for (int bits = 0; bits < 1 << 16; bits++) {
            short h = (short) bits;
            float f = Fp16Codec.toFloat(h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(Fp16Codec.toFloat(Fp16Codec.toHalf(f))));
            } else {
                assertEquals(h, Fp16Codec.toHalf(f), "half " + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void floatsRoundToTheNearestHalfTiesToEven() {
        Random r = new Random(5);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (!Float.isFinite(f) || Math.abs(f) >= 65520f) { // 65520 and up round to infinity
                continue;
            }
            short h = Fp16Codec.toHalf(f);
            double err = Math.abs((double) f - Fp16Codec.toFloat(h));
            for (int d : new int[] {-1, 1}) {
                short other = (short) (h + d);
                float o = Fp16Codec.toFloat(other);
                if (Float.isFinite(o) && Math.signum(o) * Math.signum(f) >= 0) {
                    double oe = Math.abs((double) f - o);
                    assertTrue(err < oe || (err == oe && (h & 1) == 0), f + " → " + Fp16Codec.toFloat(h) + ", not " + o);
                }
            }
        }
        assertEquals(0x3C00, Fp16Codec.toHalf(1f));
        assertEquals(0x7C00, Fp16Codec.toHalf(65520f)); // halfway past the largest half: to infinity
        assertEquals(0x7BFF, Fp16Codec.toHalf(65519f));
        assertEquals(0x0001, Fp16Codec.toHalf(0x1p-24f));
        assertEquals(0x0000, Fp16Codec.toHalf(0x1p-25f)); // tie, to even
        assertEquals((short) 0x8000, Fp16Codec.toHalf(-0f));
    }

    @Test
    void fp16KeepsItsRelativeErrorAndReportsIt() {
        Fp16Codec c = new Fp16Codec();
        for (int count : COUNTS) {
            float[] src = TestTensors.make(Kind.SMOOTH, count, count, 1, Math.max(1, count));
            float[] back = roundTrip(c, src);
            double max = 0;
            for (int i = 0; i < count; i++) {
                double err = Math.abs((double) src[i] - back[i]);
                assertTrue(err <= Math.max(Math.abs(src[i]) * 0x1p-11, 0x1p-25), src[i] + " → " + back[i]);
                max = Math.max(max, err);
            }
            assertEquals(max, Fp16Codec.maxError(src, 0, count));
        }
        assertEquals(Double.POSITIVE_INFINITY, Fp16Codec.maxError(new float[] {1e5f}, 0, 1));
    }

    @Test
    void eightBitLinearStaysWithinHalfALevel() {
        LinearQuantizer8 c = new LinearQuantizer8();
        everyKindAndCount(c, (kind, src, back) -> {
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (float v : src) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            for (int i = 0; i < src.length; i++) {
                double bound = LinearQuantizer8.errorBound(min, max) + Math.ulp(src[i]);
                assertTrue(Math.abs((double) src[i] - back[i]) <= bound, kind + ": " + src[i] + " → " + back[i]);
            }
            if (kind == Kind.CONSTANT || kind == Kind.ZEROS) {
                assertTrue(Arrays.equals(src, back), kind.toString());
            }
        });
        assertMessage("value 1 is NaN: a tensor to compress must be finite",
                () -> c.compress(new float[] {0, Float.NaN}, 0, 2));
    }

    @Test
    void deflateIsLossless() {
        DeflateCodec c = new DeflateCodec();
        everyKindAndCount(c, (kind, src, back) -> {
            for (int i = 0; i < src.length; i++) {
                assertEquals(Float.floatToRawIntBits(src[i]), Float.floatToRawIntBits(back[i]), kind + " " + i);
            }
        });
        float[] zeros = new float[1 << 16];
        assertTrue(c.compress(zeros, 0, zeros.length).length < 1024);
    }

    @Test
    void damagedAndTruncatedStreamsAreRejectedCleanly() {
        for (FloatCodec c : List.of(new Fp16Codec(), new LinearQuantizer8(), new DeflateCodec())) {
            List<byte[]> streams = new ArrayList<>();
            streams.add(c.compress(TestTensors.make(Kind.RELU, 1, 300, 10, 30), 0, 300));
            streams.add(c.compress(new float[0], 0, 0));
            String format = c.name();
            Streams.rejectsDamage(streams, s -> c.decompress(s, new float[300], 0), format);
            byte[] good = streams.get(0);
            assertMessage("the " + format + " stream holds 300 values; an array of 299 has no room for them from "
                    + "offset 0", () -> c.decompress(good, new float[299], 0));
        }
    }

    private interface Check {
        void check(Kind kind, float[] src, float[] back);
    }

    /** Every kind of test tensor at every count, compressed and back, checked. */
    private static void everyKindAndCount(FloatCodec c, Check check) {
        for (Kind kind : Kind.values()) {
            for (int count : COUNTS) {
                float[] src = TestTensors.make(kind, count, count, 1, Math.max(1, count));
                check.check(kind, src, roundTrip(c, src));
            }
        }
    }

    private static float[] roundTrip(FloatCodec c, float[] src) {
        float[] padded = new float[src.length + 3];
        System.arraycopy(src, 0, padded, 2, src.length);
        byte[] stream = c.compress(padded, 2, src.length);
        float[] back = new float[src.length + 5];
        back[4 + src.length] = 9f;
        assertEquals(src.length, c.decompress(stream, back, 4));
        assertEquals(9f, back[4 + src.length]);
        return Arrays.copyOfRange(back, 4, 4 + src.length);
    }
}
