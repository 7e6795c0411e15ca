package io.memscope.trainer.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResidentSeriesTest {
    /** Enough events for four pyramid levels, so every branch of the range query is taken. */
    @Test
    void stackedRangeEqualsDenseScan() {
        int k = 4;
        int n = 300_000;
        Random random = new Random(11);
        ResidentSeries.Builder b = new ResidentSeries.Builder(k, n);
        long[][] dense = new long[n + 1][k];
        long[] base = {100, 0, 7, 0};
        dense[0] = base.clone();
        for (int i = 0; i < n; i++) {
            int cat = random.nextInt(k + 1) - 1;
            long delta = random.nextInt(2001) - 1000;
            b.add(cat, cat < 0 ? 0 : delta);
            dense[i + 1] = dense[i].clone();
            if (cat >= 0) {
                dense[i + 1][cat] += delta;
            }
        }
        ResidentSeries series = b.build(base);
        long[] max = new long[k];
        long[] min = new long[k];
        long[] state = new long[k];
        for (int trial = 0; trial < 300; trial++) {
            int lo = random.nextInt(n + 1);
            int hi = lo + (trial % 3 == 0 ? random.nextInt(200) : random.nextInt(n + 1 - lo));
            hi = Math.min(hi, n);
            series.stackedRange(lo, hi, max, min);
            long[] expectMax = new long[k];
            long[] expectMin = new long[k];
            Arrays.fill(expectMax, Long.MIN_VALUE);
            Arrays.fill(expectMin, Long.MAX_VALUE);
            for (int j = lo; j <= hi; j++) {
                long sum = 0;
                for (int i = 0; i < k; i++) {
                    sum += dense[j][i];
                    expectMax[i] = Math.max(expectMax[i], sum);
                    expectMin[i] = Math.min(expectMin[i], sum);
                }
            }
            assertArrayEquals(expectMax, max, "max over states " + lo + ".." + hi);
            assertArrayEquals(expectMin, min, "min over states " + lo + ".." + hi);
            series.state(hi, state);
            assertArrayEquals(dense[hi], state, "state " + hi);
        }
    }

    /** Views taken while the builder grows keep answering for their own length. */
    @Test
    void viewsTakenWhileGrowingKeepTheirAnswers() {
        int k = 3;
        int n = 300_000;
        Random random = new Random(5);
        ResidentSeries.Builder b = new ResidentSeries.Builder(k, 0);
        long[][] dense = new long[n + 1][k];
        long[] base = {0, 40, 0};
        dense[0] = base.clone();
        ResidentSeries[] views = new ResidentSeries[40];
        int taken = 0;
        for (int i = 0; i < n; i++) {
            int cat = random.nextInt(k + 1) - 1;
            long delta = random.nextInt(2001) - 1000;
            b.add(cat, cat < 0 ? 0 : delta);
            dense[i + 1] = dense[i].clone();
            if (cat >= 0) {
                dense[i + 1][cat] += delta;
            }
            if (taken < views.length && (random.nextInt(n / views.length) == 0 || i + 1 == 4096 || i + 1 == 4095)) {
                views[taken++] = b.view(base);
            }
        }
        long[] max = new long[k];
        long[] min = new long[k];
        long[] state = new long[k];
        for (int v = 0; v < taken; v++) {
            ResidentSeries series = views[v];
            int events = series.events();
            for (int trial = 0; trial < 40; trial++) {
                int lo = random.nextInt(events + 1);
                int hi = trial % 4 == 0 ? events : lo + random.nextInt(events + 1 - lo);
                series.stackedRange(lo, hi, max, min);
                long[] expectMax = new long[k];
                long[] expectMin = new long[k];
                Arrays.fill(expectMax, Long.MIN_VALUE);
                Arrays.fill(expectMin, Long.MAX_VALUE);
                for (int j = lo; j <= hi; j++) {
                    long sum = 0;
                    for (int i = 0; i < k; i++) {
                        sum += dense[j][i];
                        expectMax[i] = Math.max(expectMax[i], sum);
                        expectMin[i] = Math.min(expectMin[i], sum);
                    }
                }
                assertArrayEquals(expectMax, max, "view of " + events + ": max over states " + lo + ".." + hi);
                assertArrayEquals(expectMin, min, "view of " + events + ": min over states " + lo + ".." + hi);
                series.state(hi, state);
                assertArrayEquals(dense[hi], state, "view of " + events + ": state " + hi);
            }
        }
    }
}
