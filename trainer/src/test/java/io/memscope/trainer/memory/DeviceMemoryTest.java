package io.memscope.trainer.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceMemoryTest {
    private static final long MIB = 1 << 20;

    private final List<MemoryEvent> seen = new ArrayList<>();

    private DeviceMemory memory(long budget) {
        Trace trace = new Trace(new TraceInfo("net", "baseline", "meta", 1, budget, Map.of()), 1000);
        trace.addListener(seen::add);
        return new DeviceMemory(budget, trace);
    }

    /** Floats of {@code mib} MiB as a shape (1 x c x 512 x 256 floats = c / 2 MiB). */
    private static Dims mib(double mib) {
        return Dims.of(1, (int) Math.round(mib * 2), 512, 256);
    }

    @Test
    void oomRecordsAnEventAndThrowsAMessageNamingTensorLayerAndSizes() {
        DeviceMemory memory = memory(16 * MIB);
        // Lay out 16 MiB: a 4 | b 1 | c 3.5 | d 1 | e 2 | f 4.5, then free a, c, e: 9.5 MiB free, largest 4 MiB.
        Tensor a = memory.allocate("a", "l", Category.ACTIVATION, mib(4));
        memory.allocate("b", "l", Category.PARAMETER, mib(1));
        Tensor c = memory.allocate("c", "l", Category.ACTIVATION, mib(3.5));
        memory.allocate("d", "l", Category.PARAMETER, mib(1));
        Tensor e = memory.allocate("e", "l", Category.ACTIVATION, mib(2));
        memory.allocate("f", "l", Category.GRADIENT, mib(4.5));
        memory.free(a);
        memory.free(c);
        memory.free(e);
        assertEquals(9.5 * MIB, memory.arena().freeBytes());
        assertEquals(4 * MIB, memory.arena().largestFreeBlock());
        int before = seen.size();

        OutOfDeviceMemoryException oom = assertThrows(OutOfDeviceMemoryException.class,
                () -> memory.allocate("conv2.out", "conv2", Category.ACTIVATION, mib(12)));

        // the facts only, with the phase; what would fit is FitAdvice's, worded by the command line or the window
        assertEquals("setup (parameters, gradients, optimizer state): conv2.out (layer conv2, activation) needs "
                + "12.0 MiB, 9.5 MiB free, largest block 4.0 MiB", oom.getMessage());
        assertEquals(before + 1, seen.size());
        MemoryEvent event = seen.get(seen.size() - 1);
        assertSame(event, oom.event());
        assertEquals(Action.OOM, event.action());
        assertEquals("conv2.out", event.tensorName());
        assertEquals("conv2", event.layer());
        assertEquals(Category.ACTIVATION, event.category());
        assertEquals(12 * MIB, event.requestedBytes());
        assertEquals((long) (9.5 * MIB), event.freeBytes());
        assertEquals(4 * MIB, event.largestFreeBytes());
        assertEquals(-1, event.offset());
        assertEquals(-1, event.tensorId());
        assertEquals(0, event.residentDelta());
        // Nothing leaked: the arena is as before and a fitting allocation still works.
        assertEquals(9.5 * MIB, memory.arena().freeBytes());
        assertEquals(0, memory.allocate("small", "l", Category.ACTIVATION, mib(4)).offset());
    }

    @Test
    void oomMessageWithoutLayerNamesTheTensorOnly() {
        DeviceMemory memory = memory(MIB);
        OutOfDeviceMemoryException oom = assertThrows(OutOfDeviceMemoryException.class,
                () -> memory.allocate("input", "", Category.INPUT, mib(2)));
        assertEquals("setup (parameters, gradients, optimizer state): input needs 2.0 MiB, 1.0 MiB free, largest "
                + "block 1.0 MiB", oom.getMessage());
    }

    @Test
    void sequenceNumbersHaveNoGapsAcrossEveryKindOfEvent() {
        DeviceMemory memory = memory(4 * MIB);
        Tensor w = memory.allocate("w", "fc", Category.PARAMETER, Dims.vector(1000));
        for (int step = 0; step < 3; step++) {
            memory.beginStep(step);
            memory.phase("forward", "fc");
            Tensor out = memory.allocate("fc.out", "fc", Category.ACTIVATION, Dims.of(32, 10, 1, 1));
            memory.mark(Action.SWAP_OUT, out);
            memory.mark(Action.SWAP_IN, out);
            assertThrows(OutOfDeviceMemoryException.class,
                    () -> memory.allocate("huge", "fc", Category.WORKSPACE, Dims.of(1, 1, 2048, 2048)));
            memory.phase("backward", "fc");
            memory.mark(Action.RECOMPUTE, out);
            memory.free(out);
        }
        memory.free(w);
        assertEquals(2 + 3 * 9, seen.size());
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(i, seen.get(i).seq(), "event " + i + " " + seen.get(i));
        }
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i).timeNs() >= seen.get(i - 1).timeNs(), "time runs backwards at " + i);
        }
        assertEquals(seen, memory.trace().events());
    }

    @Test
    void eventsCarryTheTensorAndTheCurrentStepAndPhase() {
        DeviceMemory memory = memory(4 * MIB);
        memory.beginStep(5);
        memory.phase("forward", "conv1");
        Tensor t = memory.allocate("conv1.out", "conv1", Category.ACTIVATION, Dims.of(2, 3, 4, 5));
        MemoryEvent alloc = seen.get(seen.size() - 1);
        assertEquals(Action.ALLOC, alloc.action());
        assertEquals(t.id(), alloc.tensorId());
        assertEquals(t.offset(), alloc.offset());
        assertEquals(512, alloc.bytes()); // 480 payload bytes, aligned
        assertEquals(5, alloc.step());
        assertEquals("forward", alloc.phase());
        assertEquals(alloc.bytes(), alloc.residentDelta());

        MemoryEvent segment = seen.get(0);
        assertEquals(Action.SEGMENT, segment.action());
        assertEquals(5, segment.step());
        MemoryEvent phase = seen.get(1);
        assertEquals(Action.PHASE, phase.action());
        assertEquals("conv1", phase.layer());
        assertEquals("forward", phase.phase());
    }
}
