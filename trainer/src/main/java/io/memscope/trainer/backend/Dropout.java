package io.memscope.trainer.backend;

/** The dropout mask's random numbers: a counter-based hash, so every backend (CPU, CUDA) draws the same mask. */
public final class Dropout {
    private Dropout() {}

    /** A uniform number in [0, 1) from (seed, index), by SplitMix64's finalizer. */
    public static float uniform(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 40) * 0x1.0p-24f;
    }
}
