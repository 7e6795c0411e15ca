package io.memscope.trainer.render;

/** What the horizontal axis of a timeline counts. */
public enum XAxis {
    /** Nanoseconds since the recording started: shows how long things took. */
    TIME_NS,
    /**
     * The event's sequence number: one unit per event, so two runs of the same program line up op for op even
     * when their speeds differ (used to compare memory modes side by side).
     */
    EVENT_INDEX
}
