package io.memscope.app.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.render.TimelineModel;
import io.memscope.trainer.render.Viewport;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The window's seconds become the renderer's nanoseconds, and a view zoomed to fit exports the whole trace. */
class ExportRangeTest {
    private static final long START = 1_180_000_000L;
    private static final long END = 2_580_000_000L;

    private static TimelineModel trace() {
        TraceInfo info = new TraceInfo("LeNet-5", "baseline", "cpu", 32, 512L << 20, Map.of());
        List<MemoryEvent> events = List.of(
                new MemoryEvent(0, START, Action.ALLOC, 1, "conv1.weight", "conv1", Category.PARAMETER, 0, 1024,
                        -1, "setup", -1, -1, -1),
                new MemoryEvent(1, END, Action.FREE, 1, "conv1.weight", "conv1", Category.PARAMETER, 0, 1024,
                        -1, "setup", -1, -1, -1));
        return TimelineModel.of(info, events);
    }

    @Test
    void followingARunExportsTheWholeTrace() {
        assertNull(ExportRange.of(true, 1.5, 2.0));
    }

    @Test
    void secondsBecomeNanosecondsOfTheSameClock() {
        assertEquals(new Viewport(1_500_000_000L, 2_250_000_000L), ExportRange.of(false, 1.5, 2.25));
        Random random = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            long t0 = (long) (random.nextDouble() * 3_600e9);
            long t1 = t0 + 1 + (long) (random.nextDouble() * 1e9);
            Viewport v = ExportRange.of(false, t0 / 1e9, t1 / 1e9);
            assertTrue(Math.abs(v.x0() - t0) <= 1 && Math.abs(v.x1() - t1) <= 1, t0 + ".." + t1 + " became " + v);
        }
        assertNull(ExportRange.of(false, 2.0, 2.0), "an empty range");
    }

    @Test
    void aRangeIsCutToTheTraceAndTheWholeTraceIsNoRange() {
        TimelineModel m = trace();
        assertNull(ExportRange.within(null, m));
        assertNull(ExportRange.within(ExportRange.of(false, START / 1e9, END / 1e9), m), "zoomed to fit");
        assertNull(ExportRange.within(new Viewport(0, 10 * END), m), "zoomed out beyond the trace");
        assertNull(ExportRange.within(new Viewport(END + 1, END + 5), m), "panned past the end");
        assertEquals(new Viewport(START, 2_000_000_000L), ExportRange.within(new Viewport(0, 2_000_000_000L), m));
        Viewport zoom = new Viewport(1_600_000_000L, 1_700_000_000L);
        assertEquals(zoom, ExportRange.within(zoom, m));
    }
}
