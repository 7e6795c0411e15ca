package io.memscope.trainer.compress;

import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * An error-bounded lossy compressor for float32 tensors in the manner of SZ 1.4/2 (Di and Cappello; Tao et al.),
 * the compressor COMET (Jin et al., arXiv 2011.09017) applies to the activations a network saves for backward.
 * Every value comes back within an absolute error bound {@code eb}: {@code |x − x̂| ≤ eb}, for every element,
 * checked as the values are coded.
 *
 * <p>The pipeline, per value in memory order:
 * <ol>
 * <li><b>Prediction</b> from the values already <em>reconstructed</em> (what decompression will have), so errors
 * do not accumulate: the 1-D or 2-D Lorenzo predictor ({@link Predictor}) over the tensor's planes of height ×
 * width (NCHW: N·C planes).
 * <li><b>Linear quantization</b>: {@code code = round((x − pred) / 2eb)}, {@code x̂ = (float) (pred + 2eb·code)},
 * computed by one method for both directions, so the reconstruction checked here is, bit for bit, the one
 * decompression computes. Where {@code |x − x̂| > eb} (float rounding of a value whose ulp is near the bound,
 * a prediction far off) or the code falls outside the quantization range ({@link Options#quantizationIntervals}
 * intervals, codes of magnitude below half of it), the value is <em>unpredictable</em>: stored verbatim, and its
 * exact value is the neighbour later predictions see.
 * <li><b>Exact zeros</b>: a value that is 0 comes back as exactly +0, always. Where the prediction is exactly 0 the
 * ordinary code 0 gives that (x̂ = pred); elsewhere a zero has a symbol of its own. The bound alone would not
 * give it: a zero predicted as 0.7·eb would come back as 0.7·eb, which is within the bound but not zero, and after
 * a ReLU that would wrongly mark the value as having passed. Likewise every other value keeps its side of zero:
 * a quantized reconstruction that would reach 0 or cross it is not used, the value goes verbatim, so the sign
 * pattern a ReLU's backward reads (its mask) comes back exactly.
 * <li><b>Entropy coding</b>: the symbols (verbatim, zero, then the codes zig-zagged so that small codes get small
 * symbols) are Huffman-coded with a canonical code whose lengths the stream carries ({@link Huffman}); verbatim
 * values follow as raw floats. With Huffman off the symbols are packed at fixed width instead.
 * <li><b>Lossless pass</b>: Deflate over everything after the header, kept only where it makes the stream
 * smaller (a header flag says). It is what turns the long runs of one symbol — zeros after a ReLU, a constant —
 * into a few bytes, since a Huffman code spends at least one bit on every value.
 * </ol>
 *
 * <p>Stream: {@code "MSEB"}, version, flags, predictor, count, height, width, eb, quantization intervals, the
 * number of verbatim values and the length of the body, then the body (stored or deflated): the used symbol
 * range, the Huffman code lengths, the coded symbols, the verbatim values; last a CRC-32 of everything before it.
 * {@link #decompress} checks the checksum and every field and answers a damaged or cut stream with an
 * {@link IllegalArgumentException} that says what is wrong.
 *
 * <p>Predictors, as {@code CompressorBenchmark} measures them (docs/BENCHMARKS.md, eb = 1e-3 of the range): 2-D
 * pays on smooth planes, 9.1× against 5.6× for 1-D, and 14.8× against 11.6× on the same through a ReLU. On the
 * activations of the small VGG the two are within a few percent and each wins on some tensors (1-D on the 32×32
 * ReLU outputs and on pooling outputs, 2-D on most convolution outputs): 2-D sums the quantization errors of three
 * reconstructed neighbours, which costs where the planes are small or noisy. So {@link Predictor#AUTO}, the
 * default, runs both on a sample (bands of rows from the top of up to 32 planes, 1/32 of the tensor and at least
 * 4K values) and keeps the one whose codes have the lower entropy; on those activations it beats either alone
 * (6.4× against 6.2× and 6.3×).
 *
 * <p>The lossless pass gains 3-5% on ReLU outputs (about 20% on the synthetic ones) and nothing on convolution
 * outputs, and on ReLU outputs it takes almost as long as the rest of compression; a body of 128 KiB or more is
 * therefore deflated whole only where a 32 KiB slice from its middle deflates by 2% or more.
 *
 * <p>An instance keeps its working buffers between calls (8 bytes a value of the largest tensor it has
 * compressed, plus its stream) and is not thread-safe: one per thread.
 */
public final class ErrorBoundedCompressor {
    /**
     * @param predictor             the predictor, or {@link Predictor#AUTO} to choose per tensor
     * @param huffman               Huffman-code the quantization codes (else pack them at fixed width)
     * @param lossless              try the Deflate pass, kept where it makes the stream smaller
     * @param quantizationIntervals the quantization range: codes of magnitude below half of it; even, 4 to 2^20
     */
    public record Options(Predictor predictor, boolean huffman, boolean lossless, int quantizationIntervals) {
        /** SZ's default range. */
        public static final int DEFAULT_INTERVALS = 1 << 16;
        public static final int MAX_INTERVALS = 1 << 20;
        /** Automatic predictor, Huffman, the lossless pass, 65,536 intervals. */
        public static final Options DEFAULT = new Options(Predictor.AUTO, true, true, DEFAULT_INTERVALS);

        public Options {
            if (predictor == null) {
                throw new IllegalArgumentException("no predictor (null); Predictor.AUTO chooses one per tensor");
            }
            checkIntervals(quantizationIntervals, null);
        }

        public Options withPredictor(Predictor p) {
            return new Options(p, huffman, lossless, quantizationIntervals);
        }

        public Options withHuffman(boolean on) {
            return new Options(predictor, on, lossless, quantizationIntervals);
        }

        public Options withLossless(boolean on) {
            return new Options(predictor, huffman, on, quantizationIntervals);
        }

        public Options withIntervals(int intervals) {
            return new Options(predictor, huffman, lossless, intervals);
        }
    }

    static final int MAGIC = 0x4D534542; // "MSEB"
    static final int VERSION = 1;
    static final String FORMAT = "error-bounded";
    /** Deflate's level for the lossless pass: its fastest; level 6 is 0.1-0.3% smaller on activations, 3× slower. */
    static final int DEFLATE_LEVEL = 1;

    /** A body of four times this is deflated whole only where a slice of this much from its middle... */
    private static final int PROBE = 1 << 15;
    /** ...deflates to at most this share of its size. */
    private static final double PROBE_GAIN = 0.98;

    private static final int FLAG_HUFFMAN = 1;
    private static final int FLAG_DEFLATED = 2;
    /** Symbols: a value stored verbatim, an exact zero, then the quantization codes zig-zagged. */
    static final int VERBATIM = 0;
    static final int ZERO = 1;
    static final int FIRST_CODE = 2;
    /** The largest |x − y| of two finite floats: a bound above it allows nothing more, and keeps 2eb finite. */
    private static final double FLOAT_SPAN = 2.0 * Float.MAX_VALUE;
    /** The automatic choice trials both predictors on at least this many values (all of a smaller tensor)... */
    private static final int SAMPLE_MIN = 1 << 12;
    /** ...or on 1/32 of a larger one, in bands of rows from the top of evenly spaced planes. */
    private static final int SAMPLE_SHARE = 32;
    private static final int SAMPLE_PLANES = 32;

    private final Options options;

    // working buffers, kept between calls
    private float[] recon = new float[0];
    private int[] symbols = new int[0];
    /** Grows with the unpredictable values, which are few. */
    private float[] verbatim = new float[0];
    private final int[] freq;
    private final byte[] lengths;
    private final int[] codes;
    private final ByteSink body = new ByteSink(1 << 12);
    private final ByteSink out = new ByteSink(1 << 12);
    private byte[] deflated = new byte[0];
    private byte[] inflated = new byte[0];
    private Deflater deflater;
    private Inflater inflater;
    /** The lowest and highest symbol of the last {@link #quantize}. */
    private int low;
    private int high;

    /** The 1-D or 2-D Lorenzo predictor, whichever pays per tensor; Huffman; the lossless pass on. */
    public ErrorBoundedCompressor() {
        this(Options.DEFAULT);
    }

    public ErrorBoundedCompressor(Options o) {
        if (o == null) {
            throw new IllegalArgumentException("no options (null); Options.DEFAULT are the defaults");
        }
        options = o;
        freq = new int[o.quantizationIntervals() + 1];
        lengths = new byte[o.quantizationIntervals() + 1];
        codes = new int[o.quantizationIntervals() + 1];
    }

    public Options options() {
        return options;
    }

    /**
     * Compresses count floats of src from offset, laid out as planes of height×width; |x − x̂| ≤ eb for every
     * element.
     *
     * @param count a whole number of planes; 0 is allowed and gives a stream of 0 values
     * @param eb    the absolute error bound, positive and finite
     * @throws IllegalArgumentException for a NaN or infinite value (naming the first), a bound that is not
     *                                  positive and finite, or a count or shape that does not fit
     */
    public byte[] compress(float[] src, int offset, int count, int height, int width, double eb) {
        Frame.checkSource(src, offset, count);
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("planes of " + height + "×" + width + ": height and width must be at "
                    + "least 1");
        }
        long plane = (long) height * width;
        if (count % plane != 0) {
            throw new IllegalArgumentException(count + " values are not a whole number of " + height + "×" + width
                    + " planes");
        }
        if (!(eb > 0) || !Double.isFinite(eb)) {
            throw new IllegalArgumentException("the error bound must be positive and finite, not " + eb);
        }
        Frame.requireFinite(src, offset, count);
        reserve(count);
        double step = step(eb);
        boolean twoD = twoD(src, offset, count, height, width, eb, step);
        int nv = quantize(src, offset, count, height, width, twoD, eb, step);

        body.reset();
        int range = count == 0 ? 0 : high - low + 1;
        body.i32(count == 0 ? 0 : low);
        body.i32(range);
        boolean huffman = range > 1 && options.huffman();
        if (huffman) {
            Huffman.lengths(freq, low, range, lengths);
            Huffman.codes(lengths, range, codes);
            Huffman.writeLengths(body, lengths, range);
        }
        int payloadAt = body.skip(4);
        if (range > 1) {
            BitWriter bits = new BitWriter(body);
            int fixed = fixedWidth(range);
            for (int i = 0; i < count; i++) {
                int s = symbols[i] - low;
                if (huffman) {
                    bits.write(codes[s], lengths[s]);
                } else {
                    bits.write(s, fixed);
                }
            }
            bits.flush();
        }
        body.i32At(payloadAt, body.size() - payloadAt - 4);
        body.floats(verbatim, 0, nv);
        if (count > 0) {
            Arrays.fill(freq, low, high + 1, 0);
        }

        int deflatedLength = options.lossless() ? deflate() : -1;
        int flags = (options.huffman() ? FLAG_HUFFMAN : 0) | (deflatedLength >= 0 ? FLAG_DEFLATED : 0);
        Frame.begin(out, MAGIC, VERSION);
        out.u8(flags);
        out.u8(twoD ? Predictor.LORENZO_2D.code : Predictor.LORENZO_1D.code);
        out.i32(count);
        out.i32(height);
        out.i32(width);
        out.f64(eb);
        out.i32(options.quantizationIntervals());
        out.i32(nv);
        out.i32(body.size());
        if (deflatedLength >= 0) {
            out.bytes(deflated, 0, deflatedLength);
        } else {
            out.bytes(body.array(), 0, body.size());
        }
        return Frame.finish(out);
    }

    /**
     * Decompresses into dst from offset; returns the number of values written.
     *
     * @throws IllegalArgumentException for a stream that is not one of this compressor's, is damaged or cut
     *                                  short, or holds more values than dst has room for from offset (a stream
     *                                  whose checksum holds but whose codes do not may leave dst partly written)
     */
    public int decompress(byte[] stream, float[] dst, int offset) {
        Header h = Header.read(stream);
        Frame.checkRoom(dst, offset, h.count, FORMAT);
        ByteSource in = h.deflated ? inflate(h.rest, h.bodyLength) : h.rest;
        int low = in.i32("the lowest symbol");
        int range = in.i32("the symbol range");
        if (h.count == 0 ? range != 0 || low != 0
                : range < 1 || low < 0 || (long) low + range > h.intervals + 1L) {
            throw in.corrupt("symbols " + low + " to " + ((long) low + range - 1) + " for " + h.count
                    + " values and " + h.intervals + " intervals");
        }
        Huffman.Decoder decoder = range > 1 && h.huffman ? Huffman.Decoder.read(in, range) : null;
        int fixed = range > 1 && !h.huffman ? fixedWidth(range) : 0;
        int payloadLength = in.i32("the length of the coded values");
        int payload = in.skip(payloadLength, "the coded values");
        int verbatimAt = in.skip(4L * h.verbatim, "the verbatim values");
        in.expectEnd();
        if (range <= 1 && payloadLength != 0) {
            throw in.corrupt(payloadLength + " bytes of codes for a single symbol");
        }
        byte[] buf = in.array();
        BitReader bits = new BitReader(buf, payload, payload + payloadLength, FORMAT);
        double step = step(h.eb);
        int nv = 0;
        int i = 0;
        int planes = h.count == 0 ? 0 : h.count / (h.height * h.width);
        float prev = 0;
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < h.height; y++) {
                for (int x = 0; x < h.width; x++, i++) {
                    int s = decoder != null ? low + decoder.decode(bits) : fixed > 0 ? low + bits.read(fixed) : low;
                    float v;
                    if (s >= FIRST_CODE) {
                        if (s - low >= range) {
                            throw in.corrupt("symbol " + s + " outside the stream's range");
                        }
                        double pred = predict(dst, offset + i, prev, x, y, h.width, h.twoD);
                        v = reconstruct(pred, unzigzag(s - FIRST_CODE), step);
                    } else if (s == ZERO) {
                        v = 0f;
                    } else {
                        if (nv == h.verbatim) {
                            throw in.corrupt("more verbatim values than the " + h.verbatim + " it holds");
                        }
                        v = ByteSource.floatAt(buf, verbatimAt + 4 * nv++);
                    }
                    dst[offset + i] = v;
                    prev = v;
                }
            }
        }
        if (nv != h.verbatim) {
            throw in.corrupt(nv + " values refer to its " + h.verbatim + " verbatim values");
        }
        if (range > 1) {
            bits.finish();
        }
        return h.count;
    }

    /** What a stream holds, from its header (checked, checksum included); the body is not decoded. */
    public static CompressionStats stats(byte[] stream) {
        Header h = Header.read(stream);
        return new CompressionStats(h.count, h.height, h.width, h.eb, stream.length, h.verbatim,
                h.twoD ? Predictor.LORENZO_2D : Predictor.LORENZO_1D, h.huffman, h.deflated);
    }

    // ---- prediction and quantization ---------------------------------------------------------------------

    /**
     * The prediction of the value at {@code at} in {@code r}, in column x and row y of its plane, from the values
     * before it: {@code prev} is the one just before it in memory order (0 for the first), which the loops keep in
     * a register. Double arithmetic, so left + (up − up-left) of floats cannot overflow; the sum is grouped so that
     * only one addition waits for the value just reconstructed.
     */
    private static double predict(float[] r, int at, float prev, int x, int y, int w, boolean twoD) {
        if (!twoD || y == 0) {
            return prev;
        }
        if (x == 0) {
            return r[at - w];
        }
        return prev + ((double) r[at - w] - r[at - w - 1]);
    }

    /** The one reconstruction both directions compute: {@code code} is a whole number. */
    private static float reconstruct(double pred, double code, double step) {
        return (float) (pred + code * step);
    }

    /** The quantization step, 2eb, with eb no larger than any two floats can differ by. */
    private static double step(double eb) {
        return 2 * Math.min(eb, FLOAT_SPAN);
    }

    private static int zigzag(int code) {
        return (code << 1) ^ (code >> 31);
    }

    private static int unzigzag(int z) {
        return (z >>> 1) ^ -(z & 1);
    }

    private static int fixedWidth(int range) {
        return 32 - Integer.numberOfLeadingZeros(range - 1);
    }

    /**
     * Predicts and quantizes {@code count} values (whole planes of h×w) into {@link #symbols}, their
     * reconstruction into {@link #recon} and the unpredictable ones into {@link #verbatim}; counts the symbols
     * into {@link #freq} and sets {@link #low} and {@link #high}. Returns the number of verbatim values.
     */
    private int quantize(float[] src, int off, int count, int h, int w, boolean twoD, double eb, double step) {
        float[] r = recon;
        int[] sym = symbols;
        int[] f = freq;
        double inv = 1 / step;
        double limit = options.quantizationIntervals() / 2 - 0.5;
        int nv = 0;
        int lo = Integer.MAX_VALUE;
        int hi = -1;
        int planes = count == 0 ? 0 : count / (h * w);
        int i = 0;
        float prev = 0;
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++, i++) {
                    double pred = predict(r, i, prev, x, y, w, twoD);
                    float v = src[off + i];
                    int s;
                    float out;
                    if (v == 0f) {
                        s = pred == 0 ? FIRST_CODE : ZERO;
                        out = 0f;
                    } else {
                        s = VERBATIM;
                        out = v;
                        double q = (v - pred) * inv;
                        if (Math.abs(q) < limit) {
                            double code = Math.rint(q);
                            float c = reconstruct(pred, code, step);
                            // within the bound and on the same side of zero (a ReLU's backward reads the sign)
                            if (Math.abs((double) v - c) <= eb && (v > 0 ? c > 0 : c < 0)) {
                                s = FIRST_CODE + zigzag((int) code);
                                out = c;
                            }
                        }
                        if (s == VERBATIM) {
                            if (nv == verbatim.length) {
                                verbatim = Arrays.copyOf(verbatim, Math.max(64, Math.min(count, 2 * nv)));
                            }
                            verbatim[nv++] = v;
                        }
                    }
                    r[i] = out;
                    prev = out;
                    sym[i] = s;
                    f[s]++;
                    lo = Math.min(lo, s);
                    hi = Math.max(hi, s);
                }
            }
        }
        low = lo;
        high = hi;
        return nv;
    }

    /** Whether to use the 2-D predictor on this tensor. */
    private boolean twoD(float[] src, int off, int count, int h, int w, double eb, double step) {
        if (h == 1 || w == 1 || count == 0 || options.predictor() == Predictor.LORENZO_1D) {
            return false;
        }
        if (options.predictor() == Predictor.LORENZO_2D) {
            return true;
        }
        int plane = h * w;
        int planes = count / plane;
        int sample = Math.max(SAMPLE_MIN, count / SAMPLE_SHARE);
        int sampled = Math.min(planes, SAMPLE_PLANES);
        int rows = (int) Math.min(h, Math.max(2, (long) sample / ((long) sampled * w)));
        double oneD = 0;
        double twoD = 0;
        for (int j = 0; j < sampled; j++) {
            int at = off + (int) ((long) j * planes / sampled) * plane;
            oneD += trialBits(src, at, rows, w, false, eb, step);
            twoD += trialBits(src, at, rows, w, true, eb, step);
        }
        return twoD < oneD;
    }

    /** The entropy of the symbols of a band of rows, in bits, plus 32 bits for each verbatim value. */
    private double trialBits(float[] src, int at, int rows, int w, boolean twoD, double eb, double step) {
        int n = rows * w;
        int nv = quantize(src, at, n, rows, w, twoD, eb, step);
        double nats = 0;
        double logN = Math.log(n);
        for (int s = low; s <= high; s++) {
            int c = freq[s];
            if (c != 0) {
                nats += c * (logN - Math.log(c));
                freq[s] = 0;
            }
        }
        return nats / Math.log(2) + 32.0 * nv;
    }

    private void reserve(int count) {
        if (recon.length < count) {
            recon = new float[count];
            symbols = new int[count];
        }
    }

    // ---- the lossless pass -------------------------------------------------------------------------------

    /** Deflates the body into {@link #deflated}; its length, or −1 where that would not be smaller. */
    private int deflate() {
        int n = body.size();
        if (deflater == null) {
            deflater = new Deflater(DEFLATE_LEVEL);
        }
        if (deflated.length < n) {
            deflated = new byte[n];
        }
        if (n >= 4 * PROBE) {
            // most Huffman-coded bodies do not deflate; a slice from the middle tells, at a fraction of the cost
            int probe = Zip.deflate(deflater, body.array(), n / 2 - PROBE / 2, PROBE, deflated, PROBE);
            if (probe < 0 || probe > PROBE * PROBE_GAIN) {
                return -1;
            }
        }
        return Zip.deflate(deflater, body.array(), 0, n, deflated, n);
    }

    private ByteSource inflate(ByteSource rest, int bodyLength) {
        if (inflater == null) {
            inflater = new Inflater();
        }
        if (inflated.length < bodyLength + 1) {
            inflated = new byte[bodyLength + 1];
        }
        Zip.inflate(inflater, rest, inflated, bodyLength);
        return new ByteSource(inflated, 0, bodyLength, FORMAT);
    }

    // ---- the header --------------------------------------------------------------------------------------

    private static void checkIntervals(int intervals, ByteSource in) {
        if (intervals < 4 || intervals > Options.MAX_INTERVALS || intervals % 2 != 0) {
            String detail = intervals + " quantization intervals; they must be even, from 4 to "
                    + Options.MAX_INTERVALS;
            throw in == null ? new IllegalArgumentException(detail) : in.corrupt(detail);
        }
    }

    /** A stream's header, every field checked; {@code rest} reads the body as stored. */
    private record Header(boolean huffman, boolean deflated, boolean twoD, int count, int height, int width,
                          double eb, int intervals, int verbatim, int bodyLength, ByteSource rest) {
        static Header read(byte[] stream) {
            ByteSource in = Frame.open(stream, MAGIC, VERSION, FORMAT);
            int flags = in.u8("the flags");
            if ((flags & ~(FLAG_HUFFMAN | FLAG_DEFLATED)) != 0) {
                throw in.corrupt("unknown flags " + Integer.toBinaryString(flags));
            }
            int code = in.u8("the predictor");
            Predictor predictor = Predictor.ofCode(code);
            if (predictor == null) {
                throw in.corrupt("unknown predictor " + code);
            }
            int count = Frame.count(in);
            int height = in.i32("the height");
            int width = in.i32("the width");
            if (height < 1 || width < 1 || count % ((long) height * width) != 0) {
                throw in.corrupt(count + " values in planes of " + height + "×" + width);
            }
            double eb = in.f64("the error bound");
            if (!(eb > 0) || !Double.isFinite(eb)) {
                throw in.corrupt("error bound " + eb);
            }
            int intervals = in.i32("the quantization intervals");
            checkIntervals(intervals, in);
            int verbatim = in.i32("the verbatim count");
            if (verbatim < 0 || verbatim > count) {
                throw in.corrupt(verbatim + " verbatim values of " + count);
            }
            int bodyLength = in.i32("the body length");
            boolean deflated = (flags & FLAG_DEFLATED) != 0;
            // the symbol range and lengths, codes of at most MAX_LENGTH bits, the verbatim values
            long most = 12 + 6L * (intervals + 1) + ((long) count * Huffman.MAX_LENGTH + 7) / 8 + 4L * verbatim;
            if (bodyLength < 12 || bodyLength > most
                    || (deflated ? bodyLength > (long) Zip.MAX_RATIO * in.remaining() + 1024
                            : bodyLength != in.remaining())) {
                throw in.corrupt("a body of " + bodyLength + " bytes, " + (deflated ? "deflated into " : "stored in ")
                        + in.remaining());
            }
            return new Header((flags & FLAG_HUFFMAN) != 0, deflated, predictor == Predictor.LORENZO_2D, count,
                    height, width, eb, intervals, verbatim, bodyLength, in);
        }
    }
}
