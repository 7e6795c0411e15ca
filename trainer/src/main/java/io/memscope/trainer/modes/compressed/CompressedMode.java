package io.memscope.trainer.modes.compressed;

import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.BaselineMode;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.ModeSetting;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.Batch;
import io.memscope.trainer.program.CompressionRecord;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.StepProgram;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compressed activations (COMET, Jin et al., arXiv 2011.09017): baseline's schedule, except that every layer
 * output kept for backward is compressed with an error-bounded lossy compressor right after its last forward
 * use, stays compressed in device memory (category COMPRESSED), and is decompressed just before its first
 * backward use ({@link CompressionPass}). The error bound is a setting ({@link ErrorBound}). Streams are
 * data-dependent, so a plan needs a calibration — one real step on a batch of the data, measuring each tensor's
 * ratio ({@link #calibrate}) — and until then plans them uncompressed.
 */
public final class CompressedMode implements MemoryMode {
    public static final String ID = "compressed";
    /** Steps between re-estimations of the adaptive bounds. */
    public static final int DEFAULT_EVERY = 50;
    public static final String DEFAULT_BOUND = "adaptive:" + ErrorBound.DEFAULT_TARGET;
    /** Samples of the calibration step: a ratio is a property of the data, not of the batch size. */
    public static final int CALIBRATION_BATCH = 16;

    private final ErrorBound bound;
    private final Map<String, Double> ratios;
    private final FloatCodec codec;

    /** The default bound, uncalibrated, with the error-bounded compressor. */
    public CompressedMode() {
        this(ErrorBound.parse(DEFAULT_BOUND, DEFAULT_EVERY), Map.of(), new SzFloatCodec());
    }

    public CompressedMode(ErrorBound bound, Map<String, Double> ratios, FloatCodec codec) {
        this.bound = bound;
        this.ratios = Map.copyOf(ratios);
        this.codec = codec;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "activations kept for backward held compressed (error-bounded lossy) until their backward use";
    }

    public ErrorBound bound() {
        return bound;
    }

    /** The compression ratio the calibration measured, by tensor; empty before one. */
    public Map<String, Double> ratios() {
        return ratios;
    }

    @Override
    public StepProgram compile(Network net, CompileOptions options) {
        StepProgram base = new BaselineMode().compile(net, options);
        return CompressionPass.apply(base, net, id(), new ActivationCompressor(codec, bound, ratios));
    }

    @Override
    public List<ModeSetting> settings() {
        return List.of(
                new ModeSetting("eb", "Error bound", "every kept activation comes back within it: an absolute value "
                        + "(1e-3), relative to each tensor's range (rel:1e-3), or adaptive[:R], chosen per tensor so the "
                        + "weight gradient it feeds is off by about R of its norm", List.of(), DEFAULT_BOUND),
                new ModeSetting("reestimate", "Re-estimate every", "steps between re-estimations of adaptive bounds",
                        List.of(), String.valueOf(DEFAULT_EVERY)));
    }

    /** Reads {@code eb} and {@code reestimate} (with or without leading dashes); other keys are left to others. */
    @Override
    public MemoryMode configure(Map<String, String> settings) {
        Map<String, String> a = new HashMap<>();
        Map<String, String> spelled = new HashMap<>();
        settings.forEach((k, v) -> {
            String key = k.replaceFirst("^-+", "");
            a.put(key, v);
            spelled.put(key, k);
        });
        if (!a.containsKey("eb") && !a.containsKey("reestimate")) {
            return this;
        }
        int every = bound instanceof ErrorBound.Adaptive ad ? ad.every() : DEFAULT_EVERY;
        String k = a.get("reestimate");
        if (k != null) {
            try {
                every = Integer.parseInt(k.trim());
            } catch (NumberFormatException e) {
                every = -1;
            }
            if (every < 1) {
                throw new IllegalArgumentException(spelled.get("reestimate") + " must be a whole number of steps, at "
                        + "least 1, got '" + k + "'");
            }
        }
        try {
            return new CompressedMode(ErrorBound.parse(a.getOrDefault("eb", bound.text()), every), ratios, codec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(spelled.getOrDefault("eb", "eb") + ": " + e.getMessage(), e);
        }
    }

    /**
     * This mode with each compressed tensor's ratio measured on one training step of the first
     * {@link #CALIBRATION_BATCH} samples of {@code sample} (the run's data and seed, on a CPU device with room
     * for every tensor uncompressed), so that plans size the streams from the data rather than assume none. With
     * adaptive bounds a second step is measured too (the first measures the gradients that set them); each
     * tensor's plan takes the lower of the two ratios.
     */
    @Override
    public MemoryMode calibrate(Network net, CompileOptions options, Batch sample, long seed, int threads) {
        CompressedMode uncalibrated = new CompressedMode(bound, Map.of(), codec);
        int n = Math.min(options.batch(), CALIBRATION_BATCH);
        CompileOptions small = options.withBatch(n);
        StepProgram program = uncalibrated.compile(net, small);
        long budget = Planner.plan(net, uncalibrated, small, Planner.UNBOUNDED).peakBytes() + (16L << 20);
        Trace trace = new Trace(new TraceInfo(net.name(), id(), "cpu", n, budget, null), 1 << 12);
        int perSample = sample.images().length / sample.n();
        Batch part = new Batch(n, java.util.Arrays.copyOf(sample.images(), n * perSample),
                java.util.Arrays.copyOf(sample.labels(), n));
        try (CpuBackend cpu = new CpuBackend(new DeviceMemory(budget, trace), threads)) {
            ProgramRunner runner = new ProgramRunner(net, cpu, options.optimizer(), seed);
            runner.setup(program);
            Map<String, Double> measured = new HashMap<>();
            // adaptive bounds: the first step uses relative bounds and measures the gradients that set the
            // bounds of the second; a plan must hold either, so each tensor keeps its lower ratio
            int steps = bound instanceof ErrorBound.Adaptive ? 2 : 1;
            for (int s = 0; s < steps; s++) {
                runner.run(program, s, part);
                for (CompressionRecord r : runner.compressions()) {
                    measured.merge(r.tensor(), r.ratio(), Math::min);
                }
            }
            return new CompressedMode(bound, measured, codec);
        }
    }

    @Override
    public String layout(Network network) {
        return String.format(Locale.ROOT, "%s, compressed: layer outputs kept for backward are held compressed within "
                + "eb %s%s%n", network.name(), bound.text(), ratios.isEmpty() ? " (streams planned uncompressed until a "
                + "calibration step measures them)" : " (streams planned from a calibration step, with a 25% margin)");
    }
}
