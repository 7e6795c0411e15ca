package io.memscope.trainer.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.memory.Bytes;
import org.junit.jupiter.api.Test;

class AxisTicksTest {
    @Test
    void byteTicksAreRoundBinarySizes() {
        AxisTicks.Ticks t = AxisTicks.bytes(600L << 20, 6);
        assertArrayEquals(new String[] {"0", "128 MiB", "256 MiB", "384 MiB", "512 MiB"}, t.labels());
    }

    @Test
    void byteTickLabelsShareTheUnitOfTheLargest() {
        // A LeNet-5 peak of 2.5 MiB with headroom: half-MiB steps, all in MiB, not "512.0 KiB" then "1.0 MiB".
        AxisTicks.Ticks t = AxisTicks.bytes((long) (2.5 * (1 << 20) * ByteScale.HEADROOM), 7);
        assertArrayEquals(new String[] {"0", "0.5 MiB", "1.0 MiB", "1.5 MiB", "2.0 MiB", "2.5 MiB"}, t.labels());
        assertArrayEquals(new String[] {"0", "256 B", "512 B", "768 B"}, AxisTicks.bytes(1000, 4).labels());
    }

    @Test
    void timeTicksCountFromTheOrigin() {
        long origin = 1_180_000_000L;
        AxisTicks.Ticks t = AxisTicks.x(XAxis.TIME_NS, origin, origin, origin + 4_000_000, 5);
        assertArrayEquals(new String[] {"0", "1", "2", "3", "4"}, t.labels());
        assertEquals(origin + 1_000_000, t.values()[1], "values stay positions on the axis");
    }

    @Test
    void byteTickLabelsNeverRoundAwayTheTruth() {
        for (long max = 1000; max < (64L << 30); max = max * 5 / 4) {
            for (int target = 2; target <= 10; target++) {
                AxisTicks.Ticks t = AxisTicks.bytes(max, target);
                assertTrue(t.values().length - 1 <= target, max + " bytes, " + target + " ticks");
                for (int i = 0; i < t.values().length; i++) {
                    long v = (long) t.values()[i];
                    assertTrue(v <= max);
                    // The label parses back to exactly the tick's value: no "1.3 GiB" for 1.25 GiB.
                    assertEquals(v, v == 0 ? 0 : Bytes.parse(t.labels()[i]), t.labels()[i]);
                }
            }
        }
    }

    @Test
    void timeTicksUseMilliseconds() {
        AxisTicks.Ticks t = AxisTicks.x(XAxis.TIME_NS, 0, 0, 4_000_000, 5);
        assertEquals("time (ms)", t.title());
        assertArrayEquals(new String[] {"0", "1", "2", "3", "4"}, t.labels());
        AxisTicks.Ticks fine = AxisTicks.x(XAxis.TIME_NS, 0, 0, 1_000_000, 5);
        assertEquals("0.2", fine.labels()[1]);
    }

    @Test
    void eventIndexTicksAreCompactForLongTraces() {
        AxisTicks.Ticks t = AxisTicks.x(XAxis.EVENT_INDEX, 0, 0, 1_000_000, 5);
        assertEquals("event index", t.title());
        assertEquals("200k", t.labels()[1]);
        assertEquals("1.0M", t.labels()[5]);
        AxisTicks.Ticks small = AxisTicks.x(XAxis.EVENT_INDEX, 0, 0, 10, 5);
        assertEquals("2", small.labels()[1]);
    }

    @Test
    void aPositionIsWrittenInTheAxisUnitFromTheOrigin() {
        long origin = 500_000_000L;
        // 2 ms in view, 2 µs a pixel: milliseconds to three decimals, counted from the origin.
        assertEquals("1.250 ms", AxisTicks.at(XAxis.TIME_NS, origin, origin + 1_250_000, origin, origin + 2_000_000, 2_000));
        assertEquals("ms", AxisTicks.timeUnit(2_000_000).symbol());
        assertEquals("s", AxisTicks.timeUnit(30e9).symbol());
        assertEquals("event 1,234", AxisTicks.at(XAxis.EVENT_INDEX, 0, 1234, 0, 5000, 1));
        assertEquals("time (" + AxisTicks.timeUnit(2_000_000).symbol() + ")",
                AxisTicks.x(XAxis.TIME_NS, origin, origin, origin + 2_000_000, 5).title(), "the ticks' unit is the same");
    }
}
