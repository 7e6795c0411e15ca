package io.memscope.trainer.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class TraceTest {
    private static final TraceInfo INFO = new TraceInfo("net", "baseline", "meta", 8, 1 << 20, Map.of("seed", "1"));

    private static MemoryEvent event(long seq) {
        return new MemoryEvent(seq, seq * 10, Action.ALLOC, seq, "t" + seq, "l", Category.ACTIVATION, 0, 256, 0,
                "forward", -1, -1, -1);
    }

    @Test
    void holdsEverythingWhileUnderCapacity() {
        Trace trace = new Trace(INFO, 5);
        for (long i = 0; i < 5; i++) {
            trace.record(event(i));
        }
        assertEquals(5, trace.recorded());
        assertEquals(0, trace.dropped());
        assertEquals(LongStream.range(0, 5).boxed().toList(), seqs(trace.events()));
    }

    @Test
    void dropsTheOldestAndCountsThem() {
        Trace trace = new Trace(INFO, 5);
        for (long i = 0; i < 12; i++) {
            trace.record(event(i));
        }
        assertEquals(12, trace.recorded());
        assertEquals(7, trace.dropped());
        assertEquals(List.of(7L, 8L, 9L, 10L, 11L), seqs(trace.events()));
    }

    @Test
    void listenersSeeEveryEventIncludingDroppedOnes() {
        Trace trace = new Trace(INFO, 3);
        List<MemoryEvent> first = new ArrayList<>();
        List<MemoryEvent> second = new ArrayList<>();
        TraceListener toSecond = second::add;
        trace.addListener(first::add);
        trace.addListener(toSecond);
        for (long i = 0; i < 10; i++) {
            trace.record(event(i));
        }
        assertEquals(LongStream.range(0, 10).boxed().toList(), seqs(first));
        assertEquals(first, second);

        trace.removeListener(toSecond);
        trace.record(event(10));
        assertEquals(11, first.size());
        assertEquals(10, second.size());
    }

    @Test
    void ofHoldsAllGivenEvents() {
        List<MemoryEvent> events = LongStream.range(0, 100).mapToObj(TraceTest::event).toList();
        Trace trace = Trace.of(INFO, events);
        assertEquals(events, trace.events());
        assertEquals(0, trace.dropped());
        assertEquals(INFO, trace.info());
        assertEquals(List.of(), Trace.of(INFO, List.of()).events());
    }

    @Test
    void rejectsNonPositiveCapacity() {
        assertThrows(IllegalArgumentException.class, () -> new Trace(INFO, 0));
    }

    private static List<Long> seqs(List<MemoryEvent> events) {
        return events.stream().map(MemoryEvent::seq).toList();
    }
}
