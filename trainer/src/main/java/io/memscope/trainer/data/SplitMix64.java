package io.memscope.trainer.data;

/**
 * The SplitMix64 generator, written out here rather than taken from {@code java.util} so that a seed gives the
 * same images and the same batch order on every JDK: the library generators may change their algorithms, this
 * one is fixed by its few lines.
 */
final class SplitMix64 {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    /** A generator for one item of a seeded sequence, independent of all the others: sample i, epoch e. */
    static SplitMix64 forItem(long seed, long stream, long item) {
        return new SplitMix64(mix(mix(seed ^ mix(stream)) + item * GOLDEN_GAMMA));
    }

    /** The SplitMix64 finalizer: a bijection on longs that spreads every input bit over the output. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** Uniform in [0, bound), without the bias of a plain modulo. */
    int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long limit = (1L << 32) - ((1L << 32) % bound);
        long r;
        do {
            r = nextLong() >>> 32;
        } while (r >= limit);
        return (int) (r % bound);
    }

    /** Uniform in [low, high], both included. */
    int nextInt(int low, int high) {
        return low + nextInt(high - low + 1);
    }

    /** Uniform in [0, 1), 24 random bits: every value is exact in a float. */
    float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    float nextFloat(float low, float high) {
        return low + (high - low) * nextFloat();
    }

    /** Shuffles {@code values} in place (Fisher-Yates). */
    void shuffle(int[] values) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }
}
