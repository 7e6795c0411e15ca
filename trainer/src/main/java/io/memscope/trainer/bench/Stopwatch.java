package io.memscope.trainer.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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

    /**
     * The least CPU time of this thread over the runs, after warm-up: for single-threaded code on a shared machine,
     * where wall time also counts the time other processes held the core.
     */
    static long leastCpuNanos(int warmup, int runs, Body body) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < warmup; i++) {
            body.run();
        }
        long least = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long t0 = threads.getCurrentThreadCpuTime();
            body.run();
            least = Math.min(least, threads.getCurrentThreadCpuTime() - t0);
        }
        return least;
    }
}
