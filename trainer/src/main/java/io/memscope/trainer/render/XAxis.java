package io.memscope.trainer.render;

/** What the horizontal axis of a timeline counts. */
public enum XAxis {
    /** Nanoseconds since the recording started: shows how long things took. */
    TIME_NS,
    /**
     * The event's sequence number: one unit per event, so two runs of the same program line up op for op even
     * when their speeds differ (used to compare memory modes side by side).
     */
    EVENT_INDEX,
    /**
     * The event's time holds its place in the recording, not a clock reading: a trace without a clock
     * ({@code TraceInfo#hasClock()} false, a PyTorch snapshot from before 2.2) numbers its events by trace entry,
     * and what existed before the first entry sits at 0. Labels count entries.
     */
    ENTRY_ORDER;

    /** Whether x is the event's sequence number (else its time field). */
    public boolean countsEvents() {
        return this == EVENT_INDEX;
    }
}
