package io.memscope.visual.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.visual.SyntheticTrace;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineModelTest {
    @Test
    void everyColumnKeepsItsPeakAndTheCategoriesAtIt() {
        List<MemoryEvent> events = SyntheticTrace.steps(50, 12, 1000);
        TimelineModel model = new TimelineModel();
        model.addAll(events);
        long params = 12 * 4096L;
        assertEquals(params + 12 * 1000, model.peakBytes());
        for (int n : new int[] {1, 7, 100, 5000}) {
            TimelineColumns cols = new TimelineColumns(n);
            model.sample(0, model.lastNs() + 1, cols);
            long max = 0;
            for (int c = 0; c < n; c++) {
                if (cols.present(c)) {
                    max = Math.max(max, cols.max(c));
                    long sum = 0;
                    for (Category cat : Category.values()) {
                        sum += cols.bytes(c, cat);
                    }
                    assertEquals(cols.max(c), sum, "the breakdown adds up to the column's peak");
                    assertTrue(cols.min(c) <= cols.max(c));
                }
            }
            assertEquals(model.peakBytes(), max, "the peak survives at " + n + " columns");
        }
    }

    @Test
    void columnsMatchAPlainReplayOfTheEvents() {
        List<MemoryEvent> events = SyntheticTrace.steps(30, 7, 333);
        TimelineModel model = new TimelineModel();
        model.addAll(events);
        int n = 97;
        long from = 5_000;
        long to = model.lastNs() - 3_000;
        TimelineColumns cols = new TimelineColumns(n);
        model.sample(from, to, cols);
        double width = (double) (to - from) / n;
        for (int c = 0; c < n; c++) {
            long a = from + (long) Math.floor(c * width);
            long b = from + (long) Math.floor((c + 1) * width);
            long level = 0;
            long max = Long.MIN_VALUE;
            long min = Long.MAX_VALUE;
            for (MemoryEvent e : events) {
                if (e.timeNs() >= b) {
                    break;
                }
                level += e.residentDelta();
                if (e.timeNs() >= a) {
                    max = Math.max(max, level);
                    min = Math.min(min, level);
                }
            }
            long before = 0;
            for (MemoryEvent e : events) {
                if (e.timeNs() >= a) {
                    break;
                }
                before += e.residentDelta();
            }
            max = Math.max(max == Long.MIN_VALUE ? before : max, before);
            min = Math.min(min == Long.MAX_VALUE ? before : min, before);
            assertEquals(max, cols.max(c), "max of column " + c);
            assertEquals(min, cols.min(c), "min of column " + c);
        }
    }

    @Test
    void columnsAfterTheLastEventAreEmptyAndPhasesStepsAndOomsAreKept() {
        TimelineModel model = new TimelineModel();
        model.addAll(SyntheticTrace.steps(3, 2, 100));
        model.add(SyntheticTrace.oom(999, model.lastNs() + 10, "big.out", 1 << 20, 500, 400));
        TimelineColumns cols = new TimelineColumns(10);
        model.sample(0, model.lastNs() * 2, cols);
        assertTrue(cols.present(0));
        assertFalse(cols.present(9));
        assertEquals(3, model.steps());
        assertEquals(1, model.ooms().size());
        assertEquals(3 * 4 + 0, model.phases().stream().filter(p -> !p.phase().equals("step")).count());
        assertTrue(OomText.of(model.ooms().get(0)).contains("requested 1.0 MiB"));
    }
}
