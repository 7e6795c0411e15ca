package io.memscope.trainer.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.HostTierEvents;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The host tier (out-of-core mode): host copies are {@link Category#HOST} blocks in their own address space,
 * kept out of everything the model says about device memory and answered by its host queries.
 */
class HostMemoryTimelineTest {
    private static final long B = HostTierEvents.B;
    private static final TraceInfo INFO = new TraceInfo("net", "out-of-core", "meta", 8, 64 * B, Map.of());

    @Test
    void deviceMemoryLeavesTheHostCopiesOut() {
        TimelineModel m = TimelineModel.of(INFO, HostTierEvents.pattern());
        long[] device = HostTierEvents.deviceBytes();
        for (int i = 0; i < device.length; i++) {
            assertEquals(device[i], m.totalResidentAt(10L * i), "device bytes after event " + i);
        }
        assertEquals(B, m.residentAfter(10, Category.PARAMETER));
        assertEquals(0, m.residentAfter(10, Category.ACTIVATION), "freed while swapped out: nothing left to return");
        assertEquals(3 * B, m.peakBytes());
        assertEquals(40, m.peakX());
        assertFalse(m.categoriesPresent().contains(Category.HOST));
        assertEquals(0, m.peakBytes(Category.HOST), "host memory is never resident on the device");
        assertEquals(0, m.residentAt(50, Category.HOST));
        assertEquals(3 * B, m.allocatedBytes(Category.HOST));
        assertThrows(IllegalArgumentException.class, () -> TimelineModel.stackIndex(Category.HOST));

        Aggregate columns = m.aggregate(0, 130, 13);
        for (int c = 0; c < 13; c++) {
            assertEquals(device[Math.min(c, device.length - 1)], columns.totalMax(c), "column " + c);
        }
    }

    @Test
    void theHostSeriesHasItsOwnPeakAndTimes() {
        TimelineModel m = TimelineModel.of(INFO, HostTierEvents.pattern());
        assertTrue(m.hasHostEvents());
        assertEquals(4, m.hostEventCount());
        long[] host = HostTierEvents.hostBytes();
        for (int i = 0; i < host.length; i++) {
            assertEquals(host[i], m.hostBytesAt(10L * i), "host bytes after event " + i);
        }
        assertEquals(0, m.hostBytesAt(-1));
        assertEquals(3 * B, m.hostPeakBytes());
        assertEquals(50, m.hostPeakX(), "reached when conv2.out's copy starts");
        Aggregate columns = m.hostAggregate(0, 130, 13);
        for (int c = 0; c < 13; c++) {
            assertEquals(host[Math.min(c, host.length - 1)], columns.totalMax(c), "column " + c);
        }
        Aggregate one = m.hostAggregate(0, 130, 1);
        assertEquals(3 * B, one.totalMax(0));
        assertEquals(0, one.totalMin(0));

        TimelineModel byEvent = TimelineModel.of(INFO, HostTierEvents.pattern(), XAxis.EVENT_INDEX);
        assertEquals(5, byEvent.hostPeakX());
        assertEquals(2 * B, byEvent.hostBytesAt(9));
    }

    @Test
    void hostBlocksLiveInTheHostAddressSpace() {
        TimelineModel m = TimelineModel.of(INFO, HostTierEvents.pattern());
        assertEquals(3, m.lifetimeCount(), "weight, conv1.out, conv2.out");
        assertEquals(2, m.hostLifetimeCount());
        assertEquals(5 * B, m.addressEnd(), "conv2.out at 3B..5B");
        assertEquals(3 * B, m.hostAddressEnd(), "conv2.out@host at B..3B");
        assertEquals(B, m.hostAddressEndIn(20, 40));
        assertEquals(0, m.hostAddressEndIn(0, 15));

        TensorLifetime conv1 = m.lifetime(1);
        assertEquals("conv1.out", conv1.name());
        assertEquals(List.of(new LifetimeSegment(10, 30, B, B, LifetimeState.RESIDENT),
                new LifetimeSegment(30, 70, B, B, LifetimeState.SWAPPED_OUT),
                new LifetimeSegment(70, 90, 2 * B, B, LifetimeState.RESIDENT)), conv1.segments());
        assertTrue(conv1.wasSwappedOut());
        assertEquals(List.of(new LifetimeSegment(40, 60, 3 * B, 2 * B, LifetimeState.RESIDENT),
                new LifetimeSegment(60, 100, 3 * B, 2 * B, LifetimeState.SWAPPED_OUT)), m.lifetime(2).segments());

        TensorLifetime copy = m.hostLifetime(0);
        assertEquals("conv1.out@host", copy.name());
        assertEquals(Category.HOST, copy.category());
        assertEquals("conv1.out", copy.hostCopyOf());
        assertEquals("", conv1.hostCopyOf());
        assertEquals(0, copy.offset());
        assertEquals(20, copy.start());
        assertEquals(80, copy.end());
        assertEquals("conv2.out", m.hostLifetime(1).hostCopyOf());

        // address 0 is the weight on the device and conv1.out's copy on the host
        assertEquals("conv1.weight", m.lifetimeAt(25, 0).orElseThrow().name());
        assertEquals("conv1.out@host", m.hostLifetimeAt(25, 0).orElseThrow().name());
        assertTrue(m.hostLifetimeAt(15, 0).isEmpty(), "before the copy started");
        assertEquals("conv2.out@host", m.hostLifetimeIn(0, 130, 2 * B, 2 * B).orElseThrow().name());
        List<Category> deviceCategories = new ArrayList<>();
        m.forEachSegment(0, 130, (start, end, offset, bytes, category, state) -> deviceCategories.add(category));
        assertFalse(deviceCategories.contains(Category.HOST));
        List<String> hostSegments = new ArrayList<>();
        m.forEachHostSegment(0, 130, (start, end, offset, bytes, category, state) ->
                hostSegments.add(start + ".." + end + "@" + offset + "+" + bytes + " " + category + " " + state));
        assertEquals(List.of("20..80@0+4096 HOST RESIDENT", "50..110@4096+8192 HOST RESIDENT"), hostSegments);
        assertTrue(m.offDeviceStatesPresent().contains(LifetimeState.SWAPPED_OUT));
    }

    @Test
    void aTraceWithoutHostEventsHasAnEmptyHostSide() {
        SyntheticTrace t = SyntheticTrace.cnn(2, 4, 64L << 20, 3);
        TimelineModel m = TimelineModel.of(SyntheticTrace.info(64L << 20), t.events);
        assertFalse(m.hasHostEvents());
        assertEquals(0, m.hostPeakBytes());
        assertEquals(0, m.hostLifetimeCount());
        assertEquals(0, m.hostAddressEnd());
        assertEquals(0, m.hostAggregate(m.xMin(), m.xMax(), 10).totalMax(9));
    }

    /** A ring buffer that lost the start: a host copy freed in the trace was held before its first event. */
    @Test
    void aTruncatedTraceCountsHostBytesHeldBeforeItsStart() {
        List<MemoryEvent> cut = HostTierEvents.pattern().subList(6, 13);
        TimelineModel m = TimelineModel.of(INFO, cut);
        assertEquals(3 * B, m.hostBytesAt(m.xMin() - 1), "both copies were held before the first event");
        assertEquals(3 * B, m.hostPeakBytes());
        assertEquals(0, m.hostBytesAt(m.xMax()));
        assertTrue(m.hostLifetime(0).openStart());
    }

    @Test
    void anOutOfCoreRunKeepsDeviceAndHostApart() {
        long budget = 64L << 20;
        SyntheticTrace t = SyntheticTrace.outOfCore(3, 6, budget, 5);
        TimelineModel m = TimelineModel.of(SyntheticTrace.info(budget), t.events);
        assertEquals(t.arena.peakBytes(), m.peakBytes(), "the device arena saw the same peak");
        assertEquals(t.hostArena.peakBytes(), m.hostPeakBytes(), "the host arena saw the same peak");
        assertEquals(t.arena.usedBytes(), m.totalResidentAt(m.xMax()), "what the arena still holds");
        assertEquals(0, m.hostBytesAt(m.xMax()));
        long host = 0;
        long peak = 0;
        for (MemoryEvent e : t.events) {
            host += e.hostDelta();
            peak = Math.max(peak, host);
            assertEquals(host, m.hostBytesAt(e.timeNs()), "host bytes after event " + e.seq());
        }
        assertEquals(peak, m.hostPeakBytes());
    }
}
