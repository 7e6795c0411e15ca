package io.memscope.trainer.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimelineModelTest {
    private static final long BUDGET = 256L << 20;
    private static final List<Category> ORDER = TimelineModel.STACK_ORDER;

    private final SyntheticTrace trace = SyntheticTrace.cnn(3, 5, BUDGET, 7);
    private final List<MemoryEvent> events = trace.events;

    /** Resident bytes per category (stacking order) after each event, counted straight from the events. */
    private long[][] recount(List<MemoryEvent> list) {
        long[][] states = new long[list.size() + 1][ORDER.size()];
        for (int i = 0; i < list.size(); i++) {
            states[i + 1] = states[i].clone();
            MemoryEvent e = list.get(i);
            if (e.residentDelta() != 0) {
                states[i + 1][ORDER.indexOf(e.category())] += e.residentDelta();
            }
        }
        return states;
    }

    @Test
    void stepFunctionEqualsRecount() {
        long[][] states = recount(events);
        for (XAxis axis : XAxis.values()) {
            TimelineModel m = TimelineModel.of(SyntheticTrace.info(BUDGET), events, axis);
            assertEquals(events.size(), m.eventCount());
            long peak = 0;
            for (int i = 0; i < events.size(); i++) {
                long total = 0;
                for (int k = 0; k < ORDER.size(); k++) {
                    assertEquals(states[i + 1][k], m.residentAfter(i, ORDER.get(k)),
                            "event " + i + " " + ORDER.get(k) + " on " + axis);
                    assertEquals(states[i + 1][k], m.residentAt(m.x(i), ORDER.get(k)), "at x of event " + i);
                    total += states[i + 1][k];
                }
                assertEquals(total, m.totalResidentAt(m.x(i)));
                peak = Math.max(peak, total);
            }
            assertEquals(0, m.totalResidentAt(m.xMin() - 1), "nothing is resident before the first event");
            assertEquals(peak, m.peakBytes());
            assertEquals(peak, m.totalResidentAt(m.peakX()));
        }
    }

    @Test
    void totalsPerCategory() {
        TimelineModel m = TimelineModel.of(SyntheticTrace.info(BUDGET), events);
        long[][] states = recount(events);
        for (int k = 0; k < ORDER.size(); k++) {
            Category c = ORDER.get(k);
            long allocated = events.stream().filter(e -> e.action() == Action.ALLOC && e.category() == c)
                    .mapToLong(MemoryEvent::bytes).sum();
            assertEquals(allocated, m.allocatedBytes(c), c.toString());
            long peak = 0;
            for (long[] state : states) {
                peak = Math.max(peak, state[k]);
            }
            assertEquals(peak, m.peakBytes(c), c.toString());
        }
        assertEquals(trace.arena.peakBytes(), m.peakBytes(), "the arena saw the same peak");
        assertEquals(events.get(0).timeNs(), m.xMin());
        assertEquals(events.get(events.size() - 1).timeNs(), m.xMax());
    }

    @Test
    void eventIndexAxisUsesSequenceNumbers() {
        TimelineModel m = TimelineModel.of(SyntheticTrace.info(BUDGET), events, XAxis.EVENT_INDEX);
        assertEquals(0, m.xMin());
        assertEquals(events.size() - 1, m.xMax());
        assertEquals(XAxis.EVENT_INDEX, m.axis());
    }

    @Test
    void lifetimesMatchAllocAndFreeById() {
        TimelineModel m = TimelineModel.of(SyntheticTrace.info(BUDGET), events, XAxis.EVENT_INDEX);
        Map<Long, MemoryEvent> allocs = new HashMap<>();
        Map<Long, MemoryEvent> frees = new HashMap<>();
        for (MemoryEvent e : events) {
            if (e.action() == Action.ALLOC) {
                allocs.put(e.tensorId(), e);
            } else if (e.action() == Action.FREE) {
                frees.put(e.tensorId(), e);
            }
        }
        assertEquals(allocs.size(), m.lifetimeCount());
        int open = 0;
        for (int i = 0; i < m.lifetimeCount(); i++) {
            TensorLifetime lt = m.lifetime(i);
            MemoryEvent alloc = allocs.get(lt.tensorId());
            assertEquals(alloc.seq(), lt.start());
            assertEquals(alloc.tensorName(), lt.name());
            assertEquals(alloc.layer(), lt.layer());
            assertEquals(alloc.category(), lt.category());
            assertEquals(alloc.offset(), lt.offset());
            assertEquals(alloc.bytes(), lt.bytes());
            assertFalse(lt.openStart());
            MemoryEvent free = frees.get(lt.tensorId());
            if (free == null) {
                open++;
                assertTrue(lt.openEnd(), lt.name() + " is never freed");
                assertEquals(m.xMax(), lt.end());
            } else {
                assertFalse(lt.openEnd());
                assertEquals(free.seq(), lt.end(), lt.name());
            }
        }
        // Parameters, optimizer state and gradients live past the end of the trace.
        assertEquals(3 * 5, open);
    }

    @Test
    void swapAndCompressionSplitALifetimeIntoStates() {
        TimelineModel m = TimelineModel.of(SyntheticTrace.info(BUDGET), events, XAxis.EVENT_INDEX);
        MemoryEvent swapOut = first(Action.SWAP_OUT);
        MemoryEvent swapIn = first(Action.SWAP_IN);
        TensorLifetime swapped = lifetimeOf(m, swapOut.tensorId());
        List<LifetimeSegment> s = swapped.segments();
        assertEquals(3, s.size());
        assertEquals(List.of(LifetimeState.RESIDENT, LifetimeState.SWAPPED_OUT, LifetimeState.RESIDENT),
                s.stream().map(LifetimeSegment::state).toList());
        assertEquals(swapOut.seq(), s.get(0).end());
        assertEquals(swapOut.seq(), s.get(1).start());
        assertEquals(swapOut.offset(), s.get(1).offset(), "the swapped-out stretch stays where the tensor was");
        assertEquals(swapIn.seq(), s.get(2).start());
        assertEquals(swapIn.offset(), s.get(2).offset(), "back in at the new address");

        TensorLifetime compressed = lifetimeOf(m, first(Action.COMPRESS).tensorId());
        assertEquals(List.of(LifetimeState.RESIDENT, LifetimeState.COMPRESSED, LifetimeState.RESIDENT),
                compressed.segments().stream().map(LifetimeSegment::state).toList());
        assertTrue(m.offDeviceStatesPresent().contains(LifetimeState.SWAPPED_OUT));
        assertTrue(m.offDeviceStatesPresent().contains(LifetimeState.COMPRESSED));
    }

    @Test
    void phasesStepsAndOoms() {
        TimelineModel m = TimelineModel.of(SyntheticTrace.info(BUDGET), events, XAxis.EVENT_INDEX);
        long phaseEvents = events.stream().filter(e -> e.action() == Action.PHASE).count();
        assertEquals(phaseEvents, m.phases().size());
        for (PhaseInterval p : m.phases()) {
            // An interval ends at the next PHASE or SEGMENT event, or at the end of the trace.
            boolean endsAtBoundary = p.end() == m.xMax() || events.get((int) p.end()).action() == Action.PHASE
                    || events.get((int) p.end()).action() == Action.SEGMENT;
            assertTrue(endsAtBoundary, p.toString());
            assertEquals(Action.PHASE, events.get((int) p.start()).action());
        }
        assertEquals(PhaseKind.SETUP, m.phases().get(0).kind());
        assertEquals(List.of(0, 1, 2), m.steps().stream().map(StepBoundary::step).toList());
        assertEquals(1, m.ooms().size());
        assertEquals(trace.arena.capacity(), m.ooms().get(0).requestedBytes());
        assertEquals(m.steps().subList(1, 3), m.stepsIn(m.steps().get(1).x(), m.xMax()));
    }

    @Test
    void aggregateEqualsBruteForceOverRandomRanges() {
        for (XAxis axis : XAxis.values()) {
            TimelineModel m = TimelineModel.of(SyntheticTrace.info(BUDGET), events, axis);
            long[][] states = recount(events);
            Random random = new Random(3);
            for (int trial = 0; trial < 200; trial++) {
                long span = m.xMax() - m.xMin() + 20;
                long x0 = m.xMin() - 10 + (long) (random.nextDouble() * span);
                long x1 = x0 + 1 + (long) (random.nextDouble() * (m.xMax() + 10 - x0));
                int columns = 1 + random.nextInt(trial % 2 == 0 ? 40 : 3000);
                Aggregate agg = m.aggregate(x0, x1, columns);
                for (int c = 0; c < columns; c++) {
                    double left = x0 + (double) (x1 - x0) * c / columns;
                    double right = x0 + (double) (x1 - x0) * (c + 1) / columns;
                    boolean last = c == columns - 1;
                    // The state in effect at the left edge, then the state after every event inside the column.
                    int first = 0;
                    while (first < events.size() && m.x(first) <= left) {
                        first++;
                    }
                    long[] max = new long[ORDER.size()];
                    long[] min = new long[ORDER.size()];
                    Arrays.fill(max, Long.MIN_VALUE);
                    Arrays.fill(min, Long.MAX_VALUE);
                    for (int j = first; j <= events.size(); j++) {
                        if (j > first && (last ? m.x(j - 1) > x1 : m.x(j - 1) >= right)) {
                            break;
                        }
                        long sum = 0;
                        for (int k = 0; k < ORDER.size(); k++) {
                            sum += states[j][k];
                            max[k] = Math.max(max[k], sum);
                            min[k] = Math.min(min[k], sum);
                        }
                    }
                    for (int k = 0; k < ORDER.size(); k++) {
                        String where = axis + " [" + x0 + "," + x1 + "] column " + c + "/" + columns + " k " + k;
                        assertEquals(max[k], agg.stackedMax(c, k), where);
                        assertEquals(min[k], agg.stackedMin(c, k), where);
                    }
                }
            }
        }
    }

    @Test
    void addressHighWaterMarkEqualsBruteForceOverRandomRanges() {
        // Enough segments for the index to have several levels, so pruning is exercised.
        SyntheticTrace busy = SyntheticTrace.cnn(150, 12, BUDGET, 11);
        TimelineModel m = TimelineModel.of(SyntheticTrace.info(BUDGET), busy.events);
        List<LifetimeSegment> all = new ArrayList<>();
        for (int i = 0; i < m.lifetimeCount(); i++) {
            all.addAll(m.lifetime(i).segments());
        }
        assertTrue(all.size() > LifetimeTable.BLOCK * LifetimeTable.BLOCK, "segments: " + all.size());
        Random random = new Random(5);
        for (int trial = 0; trial < 300; trial++) {
            long span = m.xMax() - m.xMin();
            long x0 = m.xMin() - 10 + (long) (random.nextDouble() * span);
            long x1 = x0 + (long) (random.nextDouble() * (trial % 3 == 0 ? span : span / 200.0));
            long expected = 0;
            for (LifetimeSegment seg : all) {
                if (seg.start() <= x1 && seg.end() >= x0) {
                    expected = Math.max(expected, seg.offset() + seg.bytes());
                }
            }
            assertEquals(expected, m.addressEndIn(x0, x1), "[" + x0 + ", " + x1 + "]");
        }
        assertEquals(m.addressEnd(), m.addressEndIn(m.xMin(), m.xMax()));
        assertEquals(0, m.addressEndIn(m.xMin() - 100, m.xMin() - 1), "before the first event");
    }

    @Test
    void aggregateRejectsEmptyRanges() {
        TimelineModel m = TimelineModel.of(SyntheticTrace.info(BUDGET), events);
        assertThrows(IllegalArgumentException.class, () -> m.aggregate(5, 5, 10));
        assertThrows(IllegalArgumentException.class, () -> m.aggregate(0, 10, 0));
    }

    @Test
    void hitTestFindsTheTensorAtAnAddress() {
        TimelineModel m = TimelineModel.of(SyntheticTrace.info(BUDGET), events, XAxis.EVENT_INDEX);
        for (int i = 0; i < m.lifetimeCount(); i++) {
            TensorLifetime lt = m.lifetime(i);
            for (LifetimeSegment s : lt.segments()) {
                if (s.state() != LifetimeState.RESIDENT || s.end() - s.start() < 2) {
                    continue;
                }
                long x = (s.start() + s.end()) / 2;
                long address = s.offset() + s.bytes() / 2;
                TensorLifetime hit = m.lifetimeAt(x, address).orElseThrow(() -> new AssertionError(lt.name()));
                assertEquals(lt.tensorId(), hit.tensorId(), "at x " + x + " address " + address);
            }
        }
        assertTrue(m.lifetimeAt(m.xMax() / 2, BUDGET - 1).isEmpty(), "top of the arena is free");
        assertTrue(m.lifetimeAt(m.xMin() - 5, 0).isEmpty(), "nothing before the trace");
    }

    @Test
    void timestampsGoingBackwardsAreClampedSoXNeverDecreases() {
        List<MemoryEvent> list = List.of(
                alloc(0, 100, 1, 0, 256), alloc(1, 90, 2, 256, 512), free(2, 95, 1, 0, 256), free(3, 200, 2, 256, 512));
        TimelineModel m = TimelineModel.of(info(), list);
        assertEquals(List.of(100L, 100L, 100L, 200L), List.of(m.x(0), m.x(1), m.x(2), m.x(3)));
        assertEquals(512, m.totalResidentAt(100));
        assertEquals(768, m.peakBytes());
    }

    @Test
    void aTruncatedTraceStartsWithTheBytesItsFirstFreesImply() {
        // The ring buffer dropped the ALLOC of tensor 7; its FREE still tells us it was resident until then.
        List<MemoryEvent> list = List.of(
                alloc(10, 1_000, 8, 4096, 1024), free(11, 2_000, 7, 0, 2048), free(12, 3_000, 8, 4096, 1024));
        TimelineModel m = TimelineModel.of(info(), list);
        assertEquals(2048 + 1024, m.totalResidentAt(1_000));
        assertEquals(1024, m.totalResidentAt(2_000));
        assertEquals(0, m.totalResidentAt(3_000));
        assertEquals(3072, m.peakBytes());
        TensorLifetime dropped = lifetimeOf(m, 7);
        assertTrue(dropped.openStart());
        assertEquals(1_000, dropped.start());
        assertEquals(2_000, dropped.end());
        assertEquals(7, m.lifetimeAt(1_500, 100).orElseThrow().tensorId());
    }

    @Test
    void emptyTraceIsAValidModel() {
        TimelineModel m = TimelineModel.of(info(), List.of());
        assertEquals(0, m.eventCount());
        assertEquals(0, m.peakBytes());
        assertEquals(0, m.totalResidentAt(5));
        assertEquals(0, m.aggregate(0, 10, 4).totalMax(3));
        assertTrue(m.lifetimeAt(0, 0).isEmpty());
    }

    private MemoryEvent first(Action action) {
        return events.stream().filter(e -> e.action() == action).findFirst().orElseThrow();
    }

    private static TensorLifetime lifetimeOf(TimelineModel m, long tensorId) {
        List<TensorLifetime> found = new ArrayList<>();
        for (int i = 0; i < m.lifetimeCount(); i++) {
            if (m.lifetime(i).tensorId() == tensorId) {
                found.add(m.lifetime(i));
            }
        }
        assertEquals(1, found.size(), "lifetimes of tensor " + tensorId);
        return found.get(0);
    }

    private static TraceInfo info() {
        return new TraceInfo("net", "baseline", "meta", 1, 1 << 20, Map.of());
    }

    private static MemoryEvent alloc(long seq, long time, long id, long offset, long bytes) {
        return new MemoryEvent(seq, time, Action.ALLOC, id, "t" + id, "l", Category.ACTIVATION, offset, bytes, 0,
                "forward", -1, -1, -1);
    }

    private static MemoryEvent free(long seq, long time, long id, long offset, long bytes) {
        return new MemoryEvent(seq, time, Action.FREE, id, "t" + id, "l", Category.ACTIVATION, offset, bytes, 0,
                "backward", -1, -1, -1);
    }
}
