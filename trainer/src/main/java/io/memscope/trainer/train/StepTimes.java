package io.memscope.trainer.train;

import java.util.Arrays;

/**
 * Step durations of a run, summarized as the median of the steady steps: the first step (warm-up: first touch
 * of the device array, JIT compilation) is left out when there are others, and one slow step (a garbage
 * collection, another process) does not move a median as it moves a mean.
 */
final class StepTimes {
    private long[] nanos = new long[64];
    private int count;

    void add(long stepNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = stepNanos;
    }

    /** The median of the steady steps in nanoseconds (the mean of the two middle ones for an even count); 0 when none. */
    long median() {
        if (count == 0) {
            return 0;
        }
        int from = count > 1 ? 1 : 0;
        long[] steady = Arrays.copyOfRange(nanos, from, count);
        Arrays.sort(steady);
        int m = steady.length / 2;
        return steady.length % 2 == 1 ? steady[m] : (steady[m - 1] + steady[m]) / 2;
    }
}
