package io.memscope.trainer.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.memscope.trainer.compress.ErrorBoundedCompressor.Options;
import io.memscope.trainer.compress.TestTensors.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ErrorBoundedCompressorTest {
    /** Planes × height × width: empty, one value, one column, one row, sizes that are multiples of nothing. */
    private static final int[][] SHAPES = {
        {0, 1, 1}, {0, 4, 6}, {1, 1, 1}, {3, 17, 1}, {2, 1, 33}, {5, 7, 13}, {1, 2, 2}, {4, 31, 29}, {1, 61, 67},
        {7, 3, 3},
    };
    /** Error bounds relative to the range (values that give 0 when the range is 0 are replaced by 1e-3). */
    private static final double[] RELATIVE = {0.3, 1e-2, 1e-3, 1e-5};
    private static final List<Options> OPTIONS = List.of(
            Options.DEFAULT,
            Options.DEFAULT.withPredictor(Predictor.LORENZO_1D),
            Options.DEFAULT.withPredictor(Predictor.LORENZO_2D),
            Options.DEFAULT.withHuffman(false),
            Options.DEFAULT.withLossless(false),
            Options.DEFAULT.withHuffman(false).withLossless(false).withPredictor(Predictor.LORENZO_2D),
            Options.DEFAULT.withIntervals(4),
            Options.DEFAULT.withIntervals(64).withPredictor(Predictor.LORENZO_2D));

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyValueComesBackWithinTheBoundForEveryShapeBoundAndOption(Kind kind) {
        int cases = 0;
        for (Options o : OPTIONS) {
            ErrorBoundedCompressor c = new ErrorBoundedCompressor(o);
            for (int[] shape : SHAPES) {
                int count = shape[0] * shape[1] * shape[2];
                float[] src = TestTensors.make(kind, 31L * cases + count, count, shape[1], shape[2]);
                double range = TestTensors.range(src);
                for (double rel : RELATIVE) {
                    double eb = rel * range > 0 && Double.isFinite(rel * range) ? rel * range : 1e-3;
                    roundTrip(c, src, shape[1], shape[2], eb);
                    cases++;
                }
                roundTrip(c, src, shape[1], shape[2], 10 * range + 1); // larger than the range
                roundTrip(c, src, shape[1], shape[2], Double.MAX_VALUE);
                roundTrip(c, src, shape[1], shape[2], 1e-30); // all verbatim, but for exact predictions
                cases += 3;
            }
        }
        assertTrue(cases > 400);
    }

    @Test
    void oneCompressorServesTensorsOfEverySizeInTurn() {
        ErrorBoundedCompressor c = new ErrorBoundedCompressor();
        for (int round = 0; round < 3; round++) {
            for (int[] shape : new int[][] {{8, 32, 32}, {1, 1, 1}, {2, 64, 64}, {0, 2, 2}, {3, 5, 7}}) {
                int count = shape[0] * shape[1] * shape[2];
                for (Kind kind : Kind.values()) {
                    float[] src = TestTensors.make(kind, round * 7 + count, count, shape[1], shape[2]);
                    roundTrip(c, src, shape[1], shape[2], Math.max(1e-3 * TestTensors.range(src), 1e-6));
                }
            }
        }
    }

    @Test
    void offsetsOnBothSidesAreHonouredAndTheRestOfTheDestinationIsUntouched() {
        float[] tensor = TestTensors.make(Kind.SMOOTH, 5, 3 * 20 * 20, 20, 20);
        float[] src = new float[tensor.length + 37];
        Arrays.fill(src, Float.NaN); // outside the range compressed: a NaN there would be rejected if read
        System.arraycopy(tensor, 0, src, 11, tensor.length);
        ErrorBoundedCompressor c = new ErrorBoundedCompressor();
        byte[] stream = c.compress(src, 11, tensor.length, 20, 20, 1e-3);
        float[] dst = new float[tensor.length + 50];
        Arrays.fill(dst, -7f);
        assertEquals(tensor.length, c.decompress(stream, dst, 23));
        for (int i = 0; i < dst.length; i++) {
            if (i < 23 || i >= 23 + tensor.length) {
                assertEquals(-7f, dst[i], "index " + i);
            } else {
                assertTrue(Math.abs((double) tensor[i - 23] - dst[i]) <= 1e-3);
            }
        }
    }

    @Test
    void zerosComeBackAsExactZerosAndPostReluDataIsMostlyZeros() {
        float[] src = TestTensors.make(Kind.RELU, 3, 16 * 32 * 32, 32, 32);
        long zeros = 0;
        for (float v : src) {
            zeros += v == 0 ? 1 : 0;
        }
        assertTrue(zeros >= src.length / 2, zeros + " zeros of " + src.length);
        for (double eb : new double[] {0.5, 1e-2, 1e-4}) {
            float[] back = roundTrip(new ErrorBoundedCompressor(), src, 32, 32, eb);
            for (int i = 0; i < src.length; i++) {
                if (src[i] == 0) {
                    assertEquals(0, Float.floatToRawIntBits(back[i]), "index " + i + " at eb " + eb);
                }
            }
        }
        // a negative zero comes back as positive zero, and a zero whose prediction is not 0 is still exact
        float[] mixed = {-0f, 0.3f, 0f, 0.31f, 0f, -0f};
        float[] back = roundTrip(new ErrorBoundedCompressor(), mixed, 1, 6, 0.05);
        for (int i : new int[] {0, 2, 4, 5}) {
            assertEquals(0, Float.floatToRawIntBits(back[i]), "index " + i);
        }
    }

    @Test
    void allZerosAndConstantsCompressToATinyStream() {
        int n = 1 << 20;
        ErrorBoundedCompressor c = new ErrorBoundedCompressor();
        byte[] zeros = c.compress(new float[n], 0, n, 256, 256, 1e-3);
        assertTrue(zeros.length < 64, zeros.length + " bytes for all zeros");
        float[] constant = TestTensors.make(Kind.CONSTANT, 1, n, 256, 256);
        byte[] stream = roundTripStream(c, constant, 256, 256, 1e-3);
        assertTrue(stream.length < 1024, stream.length + " bytes for a constant");
        byte[] empty = c.compress(new float[0], 0, 0, 1, 1, 1e-3);
        assertTrue(empty.length < 64, empty.length + " bytes for no values");
        assertEquals(0, c.decompress(empty, new float[0], 0));
    }

    /**
     * The ratios on activation-like data at eb = 1e-3 of the range: 32 smooth planes of 32×32 (8.4× to 9.1× over
     * twelve seeds, 8.8× for this one) and the same through a ReLU (13.5× to 16.5×, 14.4× here).
     */
    @Test
    void smoothAndPostReluDataCompressWell() {
        int h = 32;
        int w = 32;
        int n = 32 * h * w;
        ErrorBoundedCompressor c = new ErrorBoundedCompressor();
        float[] smooth = TestTensors.make(Kind.SMOOTH, 9, n, h, w);
        CompressionStats s = ErrorBoundedCompressor.stats(roundTripStream(c, smooth, h, w,
                1e-3 * TestTensors.range(smooth)));
        assertTrue(s.ratio() > 8, "smooth: " + s);
        float[] relu = TestTensors.make(Kind.RELU, 9, n, h, w);
        CompressionStats r = ErrorBoundedCompressor.stats(roundTripStream(c, relu, h, w,
                1e-3 * TestTensors.range(relu)));
        assertTrue(r.ratio() > 12, "post-ReLU: " + r);
        // only values within eb of zero whose reconstruction would reach or cross it go verbatim (25 here)
        assertTrue(s.verbatim() < n / 500, "smooth: " + s);
    }

    @Test
    void theLosslessPassNeverMakesAStreamLarger() {
        ErrorBoundedCompressor with = new ErrorBoundedCompressor();
        ErrorBoundedCompressor without = new ErrorBoundedCompressor(Options.DEFAULT.withLossless(false));
        int deflated = 0;
        for (Kind kind : Kind.values()) {
            for (int[] shape : SHAPES) {
                int count = shape[0] * shape[1] * shape[2];
                float[] src = TestTensors.make(kind, count, count, shape[1], shape[2]);
                for (double eb : new double[] {1e-30, 1e-4, 1e-2, 1}) {
                    byte[] a = with.compress(src, 0, count, shape[1], shape[2], eb);
                    byte[] b = without.compress(src, 0, count, shape[1], shape[2], eb);
                    assertTrue(a.length <= b.length, kind + " " + Arrays.toString(shape) + " eb " + eb + ": "
                            + a.length + " > " + b.length);
                    deflated += ErrorBoundedCompressor.stats(a).lossless() ? 1 : 0;
                }
            }
        }
        assertTrue(deflated > 0);
    }

    @Test
    void valuesNoCodeReachesAreStoredVerbatimAndStillExact() {
        ErrorBoundedCompressor c = new ErrorBoundedCompressor();
        float[] huge = TestTensors.make(Kind.NEAR_MAX, 2, 64, 8, 8);
        CompressionStats s = ErrorBoundedCompressor.stats(roundTripStream(c, huge, 8, 8, 1));
        assertTrue(s.verbatim() > 0, s.toString());
        float[] uniform = TestTensors.make(Kind.UNIFORM, 2, 4 * 16 * 16, 16, 16);
        s = ErrorBoundedCompressor.stats(roundTripStream(c, uniform, 16, 16, 1e-30));
        assertEquals(uniform.length, s.verbatim());
        // two intervals on either side of 0: everything that is not predicted within eb is verbatim
        ErrorBoundedCompressor narrow = new ErrorBoundedCompressor(Options.DEFAULT.withIntervals(4));
        s = ErrorBoundedCompressor.stats(roundTripStream(narrow, uniform, 16, 16, 1e-3));
        assertTrue(s.verbatim() > uniform.length / 2, s.toString());
    }

    @Test
    void theAutomaticChoicePicksTwoDOnSmoothPlanesAndOneDOnRowsOrColumns() {
        ErrorBoundedCompressor c = new ErrorBoundedCompressor();
        float[] smooth = TestTensors.make(Kind.SMOOTH, 4, 8 * 64 * 64, 64, 64);
        assertEquals(Predictor.LORENZO_2D, ErrorBoundedCompressor.stats(c.compress(smooth, 0, smooth.length, 64, 64,
                1e-3)).predictor());
        assertEquals(Predictor.LORENZO_1D, ErrorBoundedCompressor.stats(c.compress(smooth, 0, smooth.length, 1,
                64 * 64, 1e-3)).predictor());
        ErrorBoundedCompressor forced = new ErrorBoundedCompressor(Options.DEFAULT.withPredictor(Predictor.LORENZO_2D));
        assertEquals(Predictor.LORENZO_1D, ErrorBoundedCompressor.stats(forced.compress(smooth, 0, 64, 64, 1,
                1e-3)).predictor());
    }

    @Test
    void statsDescribeTheStream() {
        float[] src = TestTensors.make(Kind.SMOOTH, 1, 2 * 8 * 16, 8, 16);
        byte[] stream = new ErrorBoundedCompressor(Options.DEFAULT.withPredictor(Predictor.LORENZO_2D)
                .withLossless(false)).compress(src, 0, src.length, 8, 16, 0.01);
        CompressionStats s = ErrorBoundedCompressor.stats(stream);
        assertEquals(src.length, s.count());
        assertEquals(8, s.height());
        assertEquals(16, s.width());
        assertEquals(0.01, s.errorBound());
        assertEquals(stream.length, s.bytes());
        assertEquals(4.0 * src.length / stream.length, s.ratio(), 1e-12);
        assertEquals(Predictor.LORENZO_2D, s.predictor());
        assertTrue(s.huffman());
        assertTrue(!s.lossless());
        assertTrue(s.toString().contains("256 values (8×16 planes)"), s.toString());
    }

    // ---- what is refused ---------------------------------------------------------------------------------

    @Test
    void nonFiniteValuesAreRejectedByTheFirstIndex() {
        ErrorBoundedCompressor c = new ErrorBoundedCompressor();
        float[] src = new float[3000];
        src[2500] = Float.NaN;
        src[1234] = Float.NaN;
        assertMessage("value 1,234 is NaN: a tensor to compress must be finite",
                () -> c.compress(src, 0, src.length, 1, 3000, 1e-3));
        assertMessage("value 1,233 is NaN: a tensor to compress must be finite",
                () -> c.compress(src, 1, 2999, 1, 2999, 1e-3));
        float[] inf = {0, 1, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        assertMessage("value 2 is Infinity: a tensor to compress must be finite",
                () -> c.compress(inf, 0, 4, 2, 2, 1e-3));
        assertMessage("value 0 is -Infinity: a tensor to compress must be finite",
                () -> c.compress(inf, 3, 1, 1, 1, 1e-3));
    }

    @Test
    void badBoundsShapesAndRangesAreRejected() {
        ErrorBoundedCompressor c = new ErrorBoundedCompressor();
        float[] src = new float[12];
        for (double eb : new double[] {0, -1e-3, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertMessage("the error bound must be positive and finite, not " + eb,
                    () -> c.compress(src, 0, 12, 3, 4, eb));
        }
        assertMessage("12 values are not a whole number of 5×2 planes", () -> c.compress(src, 0, 12, 5, 2, 1));
        assertMessage("planes of 0×4: height and width must be at least 1", () -> c.compress(src, 0, 0, 0, 4, 1));
        assertMessage("12 values from offset 1 do not lie in an array of 12", () -> c.compress(src, 1, 12, 3, 4, 1));
        assertMessage("no values to compress (null)", () -> c.compress(null, 0, 0, 1, 1, 1));
        assertMessage("5 quantization intervals; they must be even, from 4 to 1048576",
                () -> new Options(Predictor.AUTO, true, true, 5));
        assertThrows(IllegalArgumentException.class, () -> new Options(null, true, true, 256));
        byte[] stream = c.compress(src, 0, 12, 3, 4, 1);
        assertMessage("the error-bounded stream holds 12 values; an array of 20 has no room for them from offset 9",
                () -> c.decompress(stream, new float[20], 9));
        assertMessage("no array to decompress into (null)", () -> c.decompress(stream, null, 0));
    }

    @Test
    void otherStreamsAndOtherVersionsAreNamed() {
        ErrorBoundedCompressor c = new ErrorBoundedCompressor();
        byte[] fp16 = new Fp16Codec().compress(new float[4], 0, 4);
        assertMessage("the stream is not error-bounded: it starts with \"MSFH\", not \"MSEB\"",
                () -> c.decompress(fp16, new float[4], 0));
        byte[] stream = c.compress(new float[4], 0, 4, 2, 2, 1);
        stream[4] = 9;
        assertMessage("error-bounded stream of version 9; this build reads version 1",
                () -> ErrorBoundedCompressor.stats(stream));
        assertMessage("no error-bounded stream (null)", () -> c.decompress(null, new float[1], 0));
    }

    @Test
    void damagedAndTruncatedStreamsAreRejectedCleanly() {
        ErrorBoundedCompressor c = new ErrorBoundedCompressor();
        List<byte[]> streams = new ArrayList<>();
        for (Options o : OPTIONS) {
            ErrorBoundedCompressor oc = new ErrorBoundedCompressor(o);
            streams.add(oc.compress(TestTensors.make(Kind.SMOOTH, 1, 3 * 9 * 11, 9, 11), 0, 297, 9, 11, 1e-3));
            streams.add(oc.compress(TestTensors.make(Kind.RELU, 2, 4 * 16 * 16, 16, 16), 0, 1024, 16, 16, 1e-2));
            streams.add(oc.compress(TestTensors.make(Kind.HUGE_RANGE, 3, 40, 5, 8), 0, 40, 5, 8, 1));
        }
        streams.add(c.compress(new float[0], 0, 0, 1, 1, 1));
        Streams.rejectsDamage(streams, s -> c.decompress(s, new float[2048], 0), "error-bounded");
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    /** Compresses, checks the stream's stats and every value against the bound; returns the values back. */
    static float[] roundTrip(ErrorBoundedCompressor c, float[] src, int h, int w, double eb) {
        byte[] stream = c.compress(src, 0, src.length, h, w, eb);
        return check(c, stream, src, eb);
    }

    static byte[] roundTripStream(ErrorBoundedCompressor c, float[] src, int h, int w, double eb) {
        byte[] stream = c.compress(src, 0, src.length, h, w, eb);
        check(c, stream, src, eb);
        return stream;
    }

    private static float[] check(ErrorBoundedCompressor c, byte[] stream, float[] src, double eb) {
        CompressionStats s = ErrorBoundedCompressor.stats(stream);
        assertEquals(src.length, s.count());
        assertEquals(eb, s.errorBound());
        float[] back = new float[src.length + 1];
        back[src.length] = 42f;
        assertEquals(src.length, new ErrorBoundedCompressor().decompress(stream, back, 0));
        assertEquals(42f, back[src.length]);
        for (int i = 0; i < src.length; i++) {
            double err = Math.abs((double) src[i] - back[i]);
            if (!(err <= eb) || (src[i] == 0 && Float.floatToRawIntBits(back[i]) != 0)
                    || (src[i] > 0) != (back[i] > 0) || (src[i] < 0) != (back[i] < 0)) {
                fail(String.format(Locale.ROOT, "value %d of %d: %s came back as %s: error %s against eb %s, or another side of zero (%s)", i,
                        src.length, src[i], back[i], err, eb, s));
            }
        }
        return Arrays.copyOf(back, src.length);
    }

    static void assertMessage(String message, org.junit.jupiter.api.function.Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
