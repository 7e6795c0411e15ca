package io.memscope.trainer.compress;

import io.memscope.trainer.bench.CompressorBenchmark;
import java.util.Random;

/** Seeded test tensors of the kinds the compressors meet, laid out as planes of height × width. */
final class TestTensors {
    enum Kind {
        /** Uniform on [−1, 1): no structure to predict. */
        UNIFORM,
        /** Sums of sines over each plane, a little noise: what early feature maps look like. */
        SMOOTH,
        /** Smooth data through a ReLU: at least half exact zeros. */
        RELU,
        /** +1e30, −1e30, +1e30, ...: every prediction off by 2e30. */
        ALTERNATING_HUGE,
        /** Magnitudes within 0.1% of the largest float, random signs. */
        NEAR_MAX,
        /** Subnormal floats, the smallest among them. */
        SUBNORMAL,
        /** Magnitudes spread evenly over the exponents from 1e-30 to 1e30, random signs. */
        HUGE_RANGE,
        ZEROS,
        CONSTANT
    }

    private TestTensors() {}

    static float[] make(Kind kind, long seed, int count, int height, int width) {
        Random r = new Random(seed);
        float[] a = new float[count];
        switch (kind) {
            case UNIFORM -> {
                for (int i = 0; i < count; i++) {
                    a[i] = r.nextFloat() * 2 - 1;
                }
            }
            case SMOOTH, RELU -> {
                smooth(a, r, height, width);
                if (kind == Kind.RELU) {
                    for (int i = 0; i < count; i++) {
                        a[i] = Math.max(0f, a[i] - 0.3f); // sines of mean 0, shifted: well over half below 0
                    }
                }
            }
            case ALTERNATING_HUGE -> {
                for (int i = 0; i < count; i++) {
                    a[i] = i % 2 == 0 ? 1e30f : -1e30f;
                }
            }
            case NEAR_MAX -> {
                for (int i = 0; i < count; i++) {
                    float m = Float.MAX_VALUE * (1 - r.nextFloat() * 1e-3f);
                    a[i] = r.nextBoolean() ? m : -m;
                }
            }
            case SUBNORMAL -> {
                for (int i = 0; i < count; i++) {
                    float m = i % 7 == 0 ? Float.MIN_VALUE : Float.intBitsToFloat(1 + r.nextInt(0x7FFFFF));
                    a[i] = r.nextBoolean() ? m : -m;
                }
            }
            case HUGE_RANGE -> {
                for (int i = 0; i < count; i++) {
                    float m = (float) Math.pow(10, r.nextDouble() * 60 - 30);
                    a[i] = r.nextBoolean() ? m : -m;
                }
            }
            case ZEROS -> { }
            case CONSTANT -> java.util.Arrays.fill(a, 0.7321f);
            default -> throw new AssertionError(kind);
        }
        return a;
    }

    /** The benchmark's smooth planes: sums of three sines over (y, x) plus noise of 1e-3. */
    static void smooth(float[] a, Random r, int height, int width) {
        CompressorBenchmark.smoothPlanes(a, r, height, width);
    }

    /** max − min of the values, as a double (so the range of ±Float.MAX_VALUE does not overflow). */
    static double range(float[] a) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (float v : a) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return a.length == 0 ? 0 : hi - lo;
    }
}
