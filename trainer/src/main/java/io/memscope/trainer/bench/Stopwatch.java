package io.memscope.trainer.bench;

import java.util.Arrays;

/** Runs a body repeatedly after warm-up and reports the median time, which resists the odd slow run. */
final class Stopwatch {
    private Stopwatch() {}

    interface Body {
        void run() throws Exception;
    }

    static long medianNanos(int warmup, int runs, Body body) throws Exception {
        for (int i = 0; i < warmup; i++) {
            body.run();
        }
        long[] t = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            body.run();
            t[i] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        return t[runs / 2];
    }
}
