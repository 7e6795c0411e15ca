package io.memscope.trainer.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The recorded event stream: a bounded ring buffer plus listeners. When more events arrive than the buffer
 * holds, the oldest are dropped and counted; listeners still see every event.
 */
public final class Trace {
    public static final int DEFAULT_CAPACITY = 2_000_000;

    private final MemoryEvent[] ring;
    private final List<TraceListener> listeners = new CopyOnWriteArrayList<>();
    private long written;
    private volatile TraceInfo info;

    public Trace(TraceInfo info) {
        this(info, DEFAULT_CAPACITY);
    }

    public Trace(TraceInfo info, int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("trace capacity must be positive");
        }
        this.info = info;
        this.ring = new MemoryEvent[capacity];
    }

    /** A trace that already holds the given events (loaded from a file), with room for them all. */
    public static Trace of(TraceInfo info, List<MemoryEvent> events) {
        Trace t = new Trace(info, Math.max(1, events.size()));
        events.forEach(t::record);
        return t;
    }

    public TraceInfo info() {
        return info;
    }

    /**
     * Adds a fact learned while recording (the device a run opened, memory taken outside the arena) to the info
     * written with the events.
     */
    public void addInfo(String key, String value) {
        info = info.withExtra(key, value);
    }

    /** The arena a run could allocate was smaller than asked for (a CUDA device's free memory): its real size. */
    public void setBudget(long budgetBytes) {
        TraceInfo i = info;
        info = new TraceInfo(i.network(), i.mode(), i.backend(), i.batch(), budgetBytes, i.extra());
    }

    public void addListener(TraceListener listener) {
        listeners.add(listener);
    }

    public void removeListener(TraceListener listener) {
        listeners.remove(listener);
    }

    public synchronized void record(MemoryEvent event) {
        ring[(int) (written % ring.length)] = event;
        written++;
        for (TraceListener l : listeners) {
            l.onEvent(event);
        }
    }

    /** Events recorded in total, including dropped ones. */
    public synchronized long recorded() {
        return written;
    }

    /** Events that fell out of the ring buffer. */
    public synchronized long dropped() {
        return Math.max(0, written - ring.length);
    }

    /**
     * Copies up to {@code max} events recorded at position {@code from} or later (positions count every event
     * ever recorded, from 0) into {@code out}, and returns the position after the last one copied. A reader
     * that fell behind the ring skips the dropped events. This is how the UI drains new events once per frame
     * without the recording thread ever waiting for it.
     */
    public synchronized long drainSince(long from, List<MemoryEvent> out, int max) {
        long start = Math.max(from, written - ring.length);
        long end = Math.min(written, start + max);
        for (long i = start; i < end; i++) {
            out.add(ring[(int) (i % ring.length)]);
        }
        return end;
    }

    /** The events still held, oldest first. */
    public synchronized List<MemoryEvent> events() {
        int held = (int) Math.min(written, ring.length);
        List<MemoryEvent> out = new ArrayList<>(held);
        long first = written - held;
        for (long i = first; i < written; i++) {
            out.add(ring[(int) (i % ring.length)]);
        }
        return out;
    }
}
