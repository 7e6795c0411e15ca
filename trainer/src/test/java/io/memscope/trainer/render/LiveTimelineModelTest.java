package io.memscope.trainer.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.plan.Planner;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A model built batch by batch answers, after every batch, exactly what the model of the events so far built
 * in one go answers, and snapshots taken earlier keep their answers while later batches arrive.
 */
class LiveTimelineModelTest {
    private static final long BUDGET = 64L << 20;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void syntheticTraceInRandomBatches() {
        SyntheticTrace t = SyntheticTrace.cnn(6, 8, BUDGET, 3);
        for (XAxis axis : XAxis.values()) {
            appendAndCompare(SyntheticTrace.info(BUDGET), t.events, axis, 17);
        }
    }

    @Test
    void outOfCoreTraceWithHostCopies() {
        SyntheticTrace t = SyntheticTrace.outOfCore(4, 7, BUDGET, 11);
        for (XAxis axis : XAxis.values()) {
            appendAndCompare(SyntheticTrace.info(BUDGET), t.events, axis, 19);
        }
    }

    @Test
    void smallTraceWithAnOom() {
        SyntheticTrace t = SyntheticTrace.small(4, 1L << 20, 3, 5L << 20, 5);
        appendAndCompare(SyntheticTrace.info(512L << 20), t.events, XAxis.TIME_NS, 23);
    }

    /** Cut from a ring buffer: frees of tensors the trace never saw raise the resident base as they arrive. */
    @Test
    void truncatedTraceGrowsItsBase() {
        SyntheticTrace t = SyntheticTrace.cnn(5, 8, BUDGET, 9);
        List<MemoryEvent> cut = t.events.subList(t.events.size() / 3, t.events.size());
        appendAndCompare(SyntheticTrace.info(BUDGET), cut, XAxis.EVENT_INDEX, 29);
    }

    @Test
    void plannedLenetThatDoesNotFit() {
        Network net = Network.load(TestPaths.sample("lenet5"));
        CompileOptions options = new CompileOptions(44, Optimizer.of("sgd", 0.01, 0.9, 5e-4),
                CpuBackend.workspaceModel(2), 44);
        Planner.Plan plan = Planner.plan(net, Modes.get("baseline"), options, 2L << 20);
        appendAndCompare(plan.info(), plan.timeline(), XAxis.TIME_NS, 31);
    }

    @Test
    void plannedVggSmall() {
        Network net = Network.load(TestPaths.sample("vgg_small"));
        CompileOptions options = new CompileOptions(8, Optimizer.of("sgd", 0.01, 0.9, 5e-4),
                CpuBackend.workspaceModel(2));
        Planner.Plan plan = Planner.plan(net, Modes.get("baseline"), options, 512L << 20);
        appendAndCompare(plan.info(), plan.timeline(), XAxis.EVENT_INDEX, 37);
    }

    /** Enough segments and events for three index levels, so levels are added while snapshots are held. */
    @Test
    void largeTraceInLargeBatches() {
        SyntheticTrace t = SyntheticTrace.cnn(700, 50, 8L << 30, 13);
        assertTrue(t.events.size() > 64 * 64 * 64, "events: " + t.events.size());
        appendAndCompare(SyntheticTrace.info(8L << 30), t.events, XAxis.TIME_NS, 41, 12);
    }

    @Test
    void clearStartsOverAndBudgetChangesTheInfo() {
        SyntheticTrace t = SyntheticTrace.cnn(2, 4, BUDGET, 4);
        TraceInfo info = SyntheticTrace.info(BUDGET);
        TimelineModel.Live live = new TimelineModel.Live(info);
        long v0 = live.version();
        live.append(List.of());
        assertEquals(v0, live.version(), "an empty batch changes nothing");
        live.append(t.events);
        TimelineModel full = live.snapshot();
        assertSame(full, live.snapshot(), "one snapshot per version");
        live.setBudget(BUDGET / 2);
        assertEquals(BUDGET / 2, live.snapshot().info().budgetBytes());
        assertEquals(BUDGET, full.info().budgetBytes());
        live.clear();
        assertNotEquals(full, live.snapshot());
        assertSameModel(TimelineModel.of(live.info(), List.of()), live.snapshot(), "cleared");
        assertSameModel(TimelineModel.of(info, t.events), full, "a snapshot from before the clear");
        live.append(t.events);
        assertSameModel(TimelineModel.of(live.info(), t.events), live.snapshot(), "after the clear");
    }

    /** Prints what appending a million events costs, a frame's snapshot after every batch. */
    @Test
    void millionEventsAppendedInBatches() {
        SyntheticTrace t = new SyntheticTrace(8L << 30, 42);
        int layers = 50;
        t.run(1_000_000 / (8 * layers + 4) + 1, layers, true);
        List<MemoryEvent> events = t.events;
        TraceInfo info = new TraceInfo("ResNet-50 (synthetic)", "baseline", "meta", 256, 8L << 30, null);
        TimelineModel.Live live = new TimelineModel.Live(info);
        Random random = new Random(1);
        long start = System.nanoTime();
        int batches = 0;
        for (int i = 0; i < events.size(); ) {
            int to = Math.min(events.size(), i + 1 + random.nextInt(4000));
            live.append(events.subList(i, to));
            live.snapshot().peakBytes();
            batches++;
            i = to;
        }
        long end = System.nanoTime();
        TimelineModel batch = TimelineModel.of(info, events);
        long built = System.nanoTime();
        System.out.printf(Locale.ROOT, "live timeline: %,d events in %,d batches appended in %.1f ms"
                + " (one build of all: %.1f ms)%n", events.size(), batches, (end - start) / 1e6, (built - end) / 1e6);
        TimelineModel model = live.snapshot();
        assertEquals(batch.peakBytes(), model.peakBytes());
        assertEquals(batch.lifetimeCount(), model.lifetimeCount());
        Viewport all = Viewport.of(batch);
        assertSameAggregate(batch.aggregate(all.x0(), all.x1(), 2000), model.aggregate(all.x0(), all.x1(), 2000));
    }

    // ---- comparing ------------------------------------------------------------------------------------

    private static void appendAndCompare(TraceInfo info, List<MemoryEvent> events, XAxis axis, long seed) {
        appendAndCompare(info, events, axis, seed, 8);
    }

    /** Appends in random batches, the largest about {@code 1/parts} of the trace, comparing after each. */
    private static void appendAndCompare(TraceInfo info, List<MemoryEvent> events, XAxis axis, long seed,
                                         int parts) {
        Random random = new Random(seed);
        TimelineModel.Live live = new TimelineModel.Live(info, axis);
        assertSameModel(TimelineModel.of(info, List.of(), axis), live.snapshot(), "empty");
        List<TimelineModel> earlier = new ArrayList<>();
        List<Integer> earlierCounts = new ArrayList<>();
        int batches = 0;
        for (int i = 0; i < events.size(); ) {
            int size = switch (random.nextInt(4)) {
                case 0 -> 1;
                case 1 -> 1 + random.nextInt(10);
                case 2 -> 1 + random.nextInt(200);
                default -> 1 + random.nextInt(events.size() / parts + 1);
            };
            int to = Math.min(events.size(), i + size);
            long version = live.version();
            live.append(events.subList(i, to));
            assertTrue(live.version() > version);
            i = to;
            TimelineModel snapshot = live.snapshot();
            assertEquals(i, live.eventCount());
            assertSameModel(TimelineModel.of(info, events.subList(0, i), axis), snapshot, "after " + i + " events");
            if (batches++ % 7 == 3) {
                earlier.add(snapshot);
                earlierCounts.add(i);
            }
        }
        for (int j = 0; j < earlier.size(); j++) {
            int count = earlierCounts.get(j);
            assertSameModel(TimelineModel.of(info, events.subList(0, count), axis), earlier.get(j),
                    "snapshot of " + count + " events after all " + events.size());
        }
        if (!earlier.isEmpty()) {
            int mid = earlier.size() / 2;
            assertSamePicture(TimelineModel.of(info, events.subList(0, earlierCounts.get(mid)), axis),
                    earlier.get(mid));
        }
        assertSamePicture(TimelineModel.of(info, events, axis), live.snapshot());
    }

    private static void assertSamePicture(TimelineModel expected, TimelineModel actual) {
        BufferedImage a = PngExporter.render(expected, 900, 600, null);
        BufferedImage b = PngExporter.render(actual, 900, 600, null);
        int[] pa = a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth());
        int[] pb = b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth());
        assertArrayEquals(pa, pb, "pixels of " + expected.eventCount() + " events");
    }

    static void assertSameModel(TimelineModel expected, TimelineModel actual, String what) {
        assertEquals(expected.info(), actual.info(), what);
        assertEquals(expected.axis(), actual.axis(), what);
        assertEquals(expected.eventCount(), actual.eventCount(), what + ": events");
        assertEquals(expected.xMin(), actual.xMin(), what + ": xMin");
        assertEquals(expected.xMax(), actual.xMax(), what + ": xMax");
        assertEquals(expected.xOrigin(), actual.xOrigin(), what + ": xOrigin");
        assertEquals(expected.peakBytes(), actual.peakBytes(), what + ": peak");
        assertEquals(expected.peakX(), actual.peakX(), what + ": peakX");
        for (Category c : Category.values()) {
            assertEquals(expected.peakBytes(c), actual.peakBytes(c), what + ": peak of " + c);
            assertEquals(expected.allocatedBytes(c), actual.allocatedBytes(c), what + ": allocated " + c);
        }
        assertEquals(expected.categoriesPresent(), actual.categoriesPresent(), what + ": categories");
        assertEquals(expected.offDeviceStatesPresent(), actual.offDeviceStatesPresent(), what + ": states");
        assertEquals(expected.addressEnd(), actual.addressEnd(), what + ": addressEnd");
        assertEquals(expected.phases(), actual.phases(), what + ": phases");
        assertEquals(expected.steps(), actual.steps(), what + ": steps");
        assertEquals(expected.ooms(), actual.ooms(), what + ": ooms");
        assertEquals(expected.lifetimeCount(), actual.lifetimeCount(), what + ": lifetimes");
        int stride = Math.max(1, expected.lifetimeCount() / 5000);
        for (int i = 0; i < expected.lifetimeCount(); i += stride) {
            assertEquals(expected.lifetime(i), actual.lifetime(i), what + ": lifetime " + i);
        }
        if (expected.lifetimeCount() > 0) {
            int last = expected.lifetimeCount() - 1;
            assertEquals(expected.lifetime(last), actual.lifetime(last), what + ": last lifetime");
        }
        assertEquals(expected.hasHostEvents(), actual.hasHostEvents(), what + ": host events");
        assertEquals(expected.hostEventCount(), actual.hostEventCount(), what + ": host event count");
        assertEquals(expected.hostPeakBytes(), actual.hostPeakBytes(), what + ": host peak");
        assertEquals(expected.hostPeakX(), actual.hostPeakX(), what + ": host peakX");
        assertEquals(expected.hostAddressEnd(), actual.hostAddressEnd(), what + ": host addressEnd");
        assertEquals(expected.hostLifetimeCount(), actual.hostLifetimeCount(), what + ": host lifetimes");
        for (int i = 0; i < expected.hostLifetimeCount(); i++) {
            assertEquals(expected.hostLifetime(i), actual.hostLifetime(i), what + ": host lifetime " + i);
        }
        int n = expected.eventCount();
        for (int i = 0; i < n; i += Math.max(1, n / 50)) {
            assertEquals(expected.hostBytesAt(expected.x(i)), actual.hostBytesAt(actual.x(i)), what + ": host " + i);
            assertEquals(expected.x(i), actual.x(i), what + ": x of " + i);
            for (Category c : TimelineModel.STACK_ORDER) {
                assertEquals(expected.residentAfter(i, c), actual.residentAfter(i, c), what + ": resident " + i);
            }
        }
        if (n == 0) {
            return;
        }
        Viewport all = Viewport.of(expected);
        long width = all.x1() - all.x0();
        List<Viewport> views = List.of(all, new Viewport(all.x0() + width / 3, all.x0() + width / 3 + width / 7 + 1),
                new Viewport(all.x1() - width / 20 - 1, all.x1()), new Viewport(all.x0() - 5, all.x1() + 5));
        for (Viewport v : views) {
            String in = what + " in [" + v.x0() + ", " + v.x1() + "]";
            for (int columns : new int[] {1, 37, 900}) {
                assertSameAggregate(expected.aggregate(v.x0(), v.x1(), columns),
                        actual.aggregate(v.x0(), v.x1(), columns));
            }
            assertEquals(segments(expected, v), segments(actual, v), in + ": segments");
            assertEquals(hostSegments(expected, v), hostSegments(actual, v), in + ": host segments");
            assertEquals(expected.hostAddressEndIn(v.x0(), v.x1()), actual.hostAddressEndIn(v.x0(), v.x1()), in);
            for (int columns : new int[] {1, 37, 900}) {
                Aggregate e = expected.hostAggregate(v.x0(), v.x1(), columns);
                Aggregate a = actual.hostAggregate(v.x0(), v.x1(), columns);
                for (int c = 0; c < columns; c++) {
                    assertEquals(e.totalMax(c), a.totalMax(c), in + ": host max column " + c);
                    assertEquals(e.totalMin(c), a.totalMin(c), in + ": host min column " + c);
                }
            }
            assertEquals(expected.addressEndIn(v.x0(), v.x1()), actual.addressEndIn(v.x0(), v.x1()), in);
            assertEquals(expected.phasesIn(v.x0(), v.x1()), actual.phasesIn(v.x0(), v.x1()), in);
            assertEquals(expected.stepsIn(v.x0(), v.x1()), actual.stepsIn(v.x0(), v.x1()), in);
            assertEquals(expected.oomsIn(v.x0(), v.x1()), actual.oomsIn(v.x0(), v.x1()), in);
            assertEquals(expected.totalResidentAt(v.x0()), actual.totalResidentAt(v.x0()), in);
            long top = Math.max(1, expected.addressEnd());
            for (int a = 0; a < 8; a++) {
                long address = top * a / 8;
                assertEquals(expected.lifetimeIn(v.x0(), v.x1(), address, address + top / 64),
                        actual.lifetimeIn(v.x0(), v.x1(), address, address + top / 64), in + " at " + address);
            }
        }
    }

    private static void assertSameAggregate(Aggregate expected, Aggregate actual) {
        assertEquals(expected.columns(), actual.columns());
        for (int c = 0; c < expected.columns(); c++) {
            for (int k = 0; k < TimelineModel.STACK_ORDER.size(); k++) {
                assertEquals(expected.stackedMax(c, k), actual.stackedMax(c, k), "max column " + c + " layer " + k);
                assertEquals(expected.stackedMin(c, k), actual.stackedMin(c, k), "min column " + c + " layer " + k);
            }
        }
    }

    private static List<String> hostSegments(TimelineModel model, Viewport v) {
        List<String> out = new ArrayList<>();
        model.forEachHostSegment(v.x0(), v.x1(), (start, end, offset, bytes, category, state) ->
                out.add(start + ".." + end + "@" + offset + "+" + bytes + " " + category + " " + state));
        return out;
    }

    private static List<String> segments(TimelineModel model, Viewport v) {
        List<String> out = new ArrayList<>();
        model.forEachSegment(v.x0(), v.x1(), (start, end, offset, bytes, category, state) ->
                out.add(start + ".." + end + "@" + offset + "+" + bytes + " " + category + " " + state));
        return out;
    }
}
