package io.memscope.trainer.modes.compressed;

import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.program.ActivationCodec;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compressed mode's codec: picks each tensor's error bound ({@link ErrorBound}), runs the float codec, and
 * plans a tensor's stream from the ratio a calibration step measured (or, before one, no compression at all,
 * so an uncalibrated plan never promises what the data may not give).
 */
public final class ActivationCompressor implements ActivationCodec {
    /** Planned streams are this much larger than the calibration measured: ratios drift as training goes on. */
    public static final double PLAN_MARGIN = 1.25;
    /** Adaptive bounds without a measurement use the relative bound target / this. */
    static final double ADAPTIVE_FALLBACK = 10;

    private final FloatCodec codec;
    private final ErrorBound bound;
    private final Map<String, Double> plannedRatio;
    /** Adaptive bounds by tensor, from the last gradient measurement. */
    private final Map<String, Double> adaptive = new ConcurrentHashMap<>();
    /** The step of the measurement in progress, and the bounds it has found so far (the least over readers). */
    private int measuring = Integer.MIN_VALUE;
    private final Map<String, Double> measured = new HashMap<>();

    public ActivationCompressor(FloatCodec codec, ErrorBound bound, Map<String, Double> plannedRatio) {
        this.codec = codec;
        this.bound = bound;
        this.plannedRatio = Map.copyOf(plannedRatio);
    }

    public ErrorBound bound() {
        return bound;
    }

    /** Whether a calibration's ratios plan the streams. */
    public boolean calibrated() {
        return !plannedRatio.isEmpty();
    }

    private static final byte TAG_CODEC = 1;
    private static final byte TAG_RAW = 0;

    /**
     * The codec's stream behind a one-byte tag, or the raw values (tag 0, lossless) when the stream would not be
     * smaller: a stream is never more than one byte beyond the tensor, which is what an uncalibrated plan allows.
     */
    @Override
    public Encoded encode(String tensor, Dims dims, float[] values, int step) {
        double eb = errorBound(tensor, values);
        byte[] stream = codec.compress(values, dims.h(), dims.w(), eb);
        if (stream.length >= values.length * (long) Float.BYTES) {
            java.nio.ByteBuffer raw = java.nio.ByteBuffer.allocate(1 + values.length * Float.BYTES)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            raw.put(TAG_RAW);
            for (float v : values) {
                raw.putInt(Float.floatToRawIntBits(v));
            }
            return new Encoded(raw.array(), 0);
        }
        byte[] tagged = new byte[stream.length + 1];
        tagged[0] = TAG_CODEC;
        System.arraycopy(stream, 0, tagged, 1, stream.length);
        return new Encoded(tagged, eb);
    }

    /** The absolute bound for this tensor now. */
    double errorBound(String tensor, float[] values) {
        if (bound instanceof ErrorBound.Absolute a) {
            return a.eb();
        }
        if (bound instanceof ErrorBound.Adaptive ad && adaptive.containsKey(tensor)) {
            return adaptive.get(tensor);
        }
        // adaptive, before a measurement or with no weighted reader: a tenth of the target, of the range
        double ratio = bound instanceof ErrorBound.Relative r ? r.ratio()
                : ((ErrorBound.Adaptive) bound).target() / ADAPTIVE_FALLBACK;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double range = values.length == 0 ? 0 : (double) max - min;
        // a constant tensor has no range: any positive bound keeps it exactly
        return range > 0 && Double.isFinite(range) ? ratio * range : Math.max(ratio, Double.MIN_NORMAL);
    }

    @Override
    public void decode(String tensor, byte[] stream, float[] values) {
        if (stream.length == 0 || (stream[0] != TAG_CODEC && stream[0] != TAG_RAW)) {
            throw new IllegalStateException("the compressed form of " + tensor + " is damaged (no stream tag)");
        }
        if (stream[0] == TAG_RAW) {
            java.nio.ByteBuffer raw = java.nio.ByteBuffer.wrap(stream, 1, stream.length - 1)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < values.length; i++) {
                values[i] = Float.intBitsToFloat(raw.getInt());
            }
            return;
        }
        codec.decompress(java.util.Arrays.copyOfRange(stream, 1, stream.length), values);
    }

    @Override
    public long plannedBytes(String tensor, Dims dims) {
        long raw = dims.bytes();
        Double ratio = plannedRatio.get(tensor);
        return 1 + (ratio == null ? raw : Math.min(raw, (long) Math.ceil(raw / ratio * PLAN_MARGIN)));
    }

    @Override
    public boolean observesGradients(int step) {
        return bound instanceof ErrorBound.Adaptive a && step % a.every() == 0;
    }

    /**
     * eb = √3 · target · ‖dW‖ / (g · ‖dY‖): with errors uniform on ±eb (variance eb²/3) and independent, the
     * weight gradient's error has expected squared norm (eb²/3) · g² · ‖dY‖² (g = √fanIn for a convolution or a
     * linear layer), so this bound makes it target · ‖dW‖. The smallest bound any reader asks for in a
     * measurement wins; a later measurement replaces it, so a bound follows the gradients up as well as down.
     */
    @Override
    public synchronized void gradients(String input, String layer, double outGradNorm, double weightGradNorm,
                                       double gain, int step) {
        if (!(bound instanceof ErrorBound.Adaptive a) || !(outGradNorm > 0) || !(weightGradNorm > 0) || !(gain > 0)) {
            return;
        }
        double eb = Math.sqrt(3) * a.target() * weightGradNorm / (gain * outGradNorm);
        if (Double.isFinite(eb) && eb > 0) {
            if (step != measuring) {
                measuring = step;
                measured.clear();
            }
            adaptive.put(input, measured.merge(input, eb, Math::min));
        }
    }

    /** The adaptive bounds measured so far, by tensor (empty for other bounds). */
    public Map<String, Double> adaptiveBounds() {
        return new HashMap<>(adaptive);
    }
}
