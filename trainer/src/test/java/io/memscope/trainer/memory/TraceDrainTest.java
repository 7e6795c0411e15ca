package io.memscope.trainer.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceDrainTest {
    static MemoryEvent phase(long seq) {
        return new MemoryEvent(seq, seq, Action.PHASE, -1, "", "", null, -1, 0, 0, "forward", -1, -1, -1);
    }

    @Test
    void drainsInBatchesAndSkipsWhatTheRingDropped() {
        Trace trace = new Trace(new TraceInfo("n", "baseline", "cpu", 1, 1024, null), 10);
        for (int i = 0; i < 6; i++) {
            trace.record(phase(i));
        }
        List<MemoryEvent> out = new ArrayList<>();
        long cursor = trace.drainSince(0, out, 4);
        assertEquals(4, cursor);
        assertEquals(List.of(0L, 1L, 2L, 3L), out.stream().map(MemoryEvent::seq).toList());
        for (int i = 6; i < 25; i++) {
            trace.record(phase(i));
        }
        out.clear();
        cursor = trace.drainSince(cursor, out, 100);
        assertEquals(25, cursor);
        // positions 4..14 fell out of the 10-event ring; the reader resumes at the oldest held event
        assertEquals(15L, out.get(0).seq());
        assertEquals(10, out.size());
    }
}
