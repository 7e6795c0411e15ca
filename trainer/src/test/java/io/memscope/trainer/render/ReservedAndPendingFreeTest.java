package io.memscope.trainer.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What an imported PyTorch trace adds to the timeline: reserved memory as a series of its own, blocks that wait
 * for their free (FREE_REQUESTED before FREE), the UNKNOWN category, and an axis that counts trace entries.
 */
class ReservedAndPendingFreeTest {
    private static final TraceInfo INFO = new TraceInfo("snap", "PyTorch snapshot", "cuda:0", 0, 0, Map.of());
    private static final long MIB = 1 << 20;

    private final List<MemoryEvent> events = new ArrayList<>();

    private void add(long time, Action action, long tensor, Category category, long offset, long bytes) {
        boolean range = action == Action.RESERVE || action == Action.UNRESERVE;
        events.add(new MemoryEvent(events.size(), time, action, range ? -1 : tensor, "t" + tensor, "",
                range ? null : category, offset, bytes, -1, "", -1, -1, -1));
    }

    /** 8 MiB reserved, two blocks, one of them pending free for a while, then 4 MiB more reserved and given back. */
    private List<MemoryEvent> trace() {
        add(0, Action.RESERVE, -1, null, 0, 8 * MIB);
        add(10, Action.ALLOC, 0, Category.ACTIVATION, 0, 3 * MIB);
        add(20, Action.ALLOC, 1, Category.UNKNOWN, 3 * MIB, 2 * MIB);
        add(30, Action.FREE_REQUESTED, 0, Category.ACTIVATION, 0, 3 * MIB);
        add(40, Action.RESERVE, -1, null, 8 * MIB, 4 * MIB);
        add(50, Action.FREE, 0, Category.ACTIVATION, 0, 3 * MIB);
        add(60, Action.UNRESERVE, -1, null, 8 * MIB, 4 * MIB);
        return events;
    }

    @Test
    void reservedMemoryIsASeriesOfItsOwnBesideTheBlocks() {
        TimelineModel m = TimelineModel.of(INFO, trace());
        assertTrue(m.hasReserved());
        assertEquals(8 * MIB, m.reservedBytesAt(0));
        assertEquals(8 * MIB, m.reservedBytesAt(39));
        assertEquals(12 * MIB, m.reservedBytesAt(40));
        assertEquals(8 * MIB, m.reservedBytesAt(60));
        assertEquals(12 * MIB, m.reservedPeakBytes());
        assertEquals(40, m.reservedPeakX());
        // the blocks are what the stack shows; reserving moves nothing there
        assertEquals(5 * MIB, m.peakBytes());
        assertEquals(5 * MIB, m.totalResidentAt(45));
        Aggregate columns = m.reservedAggregate(0, 60, 6);
        long[] highest = new long[6];
        for (int c = 0; c < 6; c++) {
            highest[c] = columns.totalMax(c);
        }
        assertArrayEquals(new long[] {8 * MIB, 8 * MIB, 8 * MIB, 8 * MIB, 12 * MIB, 12 * MIB}, highest);
    }

    @Test
    void aTraceWithoutReservationsHasNone() {
        add(0, Action.ALLOC, 0, Category.ACTIVATION, 0, MIB);
        TimelineModel m = TimelineModel.of(INFO, events);
        assertFalse(m.hasReserved());
        assertEquals(0, m.reservedPeakBytes());
        assertEquals(0, m.reservedBytesAt(5));
        assertTrue(LegendItem.of(m).stream().noneMatch(i -> i.label().equals("reserved")));
    }

    @Test
    void givingBackWhatTheTraceNeverReservedMeansItWasReservedBefore() {
        add(0, Action.ALLOC, 0, Category.ACTIVATION, 0, MIB);
        add(10, Action.UNRESERVE, -1, null, 0, 6 * MIB);
        TimelineModel m = TimelineModel.of(INFO, events);
        assertEquals(6 * MIB, m.reservedBytesAt(0));
        assertEquals(0, m.reservedBytesAt(10));
        assertEquals(6 * MIB, m.reservedPeakBytes());
    }

    @Test
    void aBlockPendingFreeStaysResidentUntilItsFree() {
        TimelineModel m = TimelineModel.of(INFO, trace());
        assertEquals(3 * MIB, m.residentAt(35, Category.ACTIVATION), "pending free is still resident");
        assertEquals(0, m.residentAt(50, Category.ACTIVATION));
        assertEquals(2 * MIB, m.residentAt(50, Category.UNKNOWN));
        TensorLifetime t = m.lifetimeAt(35, MIB).orElseThrow();
        assertEquals(0, t.tensorId());
        assertEquals(List.of(new LifetimeSegment(10, 30, 0, 3 * MIB, LifetimeState.RESIDENT),
                new LifetimeSegment(30, 50, 0, 3 * MIB, LifetimeState.PENDING_FREE)), t.segments());
        assertEquals(30, t.pendingFreeSince().orElseThrow());
        assertEquals(1, t.firstEvent(), "the ALLOC is event 1, where its details are");
        assertTrue(m.offDeviceStatesPresent().contains(LifetimeState.PENDING_FREE));
        assertTrue(m.categoriesPresent().contains(Category.UNKNOWN));
    }

    @Test
    void aFreeRequestedOfATensorAllocatedBeforeTheTraceOpensItAtTheStart() {
        add(0, Action.ALLOC, 0, Category.ACTIVATION, 0, MIB);
        add(10, Action.FREE_REQUESTED, 7, Category.ACTIVATION_GRAD, MIB, 2 * MIB);
        add(20, Action.FREE, 7, Category.ACTIVATION_GRAD, MIB, 2 * MIB);
        TimelineModel m = TimelineModel.of(INFO, events);
        assertEquals(2 * MIB, m.residentAt(0, Category.ACTIVATION_GRAD), "resident from the first event");
        assertEquals(0, m.residentAt(20, Category.ACTIVATION_GRAD));
        TensorLifetime t = m.lifetimeAt(15, MIB).orElseThrow();
        assertTrue(t.openStart());
        assertEquals(0, t.start());
    }

    @Test
    void theLegendNamesReservedMemoryAndBlocksPendingFree() {
        List<String> labels = LegendItem.of(TimelineModel.of(INFO, trace())).stream().map(LegendItem::label).toList();
        assertTrue(labels.containsAll(List.of("activation", "unknown", "reserved", "pending free")), labels.toString());
    }

    @Test
    void thePictureDrawsTheReservedLineAndTheUnknownBlocks() {
        TimelineModel m = TimelineModel.of(INFO, trace());
        RecordingCanvas c = RecordingCanvas.paint(m, 1000, 700, Viewport.of(m));
        boolean line = false;
        boolean unknown = false;
        boolean pale = false;
        int pending = TimelineColors.lighter(TimelineColors.of(Category.ACTIVATION), TimelineColors.PENDING_FREE_LIGHTER);
        for (int y = 0; y < c.image.getHeight(); y++) {
            for (int x = 0; x < c.image.getWidth(); x++) {
                int rgb = c.image.getRGB(x, y) & 0xFFFFFF;
                line |= rgb == (TimelineColors.RESERVED & 0xFFFFFF);
                unknown |= rgb == (TimelineColors.of(Category.UNKNOWN) & 0xFFFFFF);
                pale |= rgb == (pending & 0xFFFFFF);
            }
        }
        assertTrue(line, "no pixel of the reserved line");
        assertTrue(unknown, "no pixel of an unknown block");
        assertTrue(pale, "no pixel of the block pending free");
        assertTrue(c.texts.stream().anyMatch(t -> t.text().contains("reserved peak 12.0 MiB")),
                "the subtitle gives the reserved peak");
    }

    @Test
    void anAxisOfTraceEntriesCountsEntries() {
        AxisTicks.Ticks t = AxisTicks.x(XAxis.ENTRY_ORDER, 0, 0, 1000, 5);
        assertEquals("trace entry", t.title());
        assertEquals("0", t.labels()[0]);
        assertEquals("entry 1,234", AxisTicks.at(XAxis.ENTRY_ORDER, 0, 1234, 0, 2000, 1));
        TimelineModel m = TimelineModel.of(INFO, trace(), XAxis.ENTRY_ORDER);
        assertEquals(0, m.xOrigin());
        assertEquals(60, m.xMax(), "entry order reads the time field");
    }
}
