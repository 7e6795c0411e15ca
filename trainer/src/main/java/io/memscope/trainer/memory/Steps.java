package io.memscope.trainer.memory;

/**
 * Step numbers as a person reads them. The trace's {@link MemoryEvent#step()} counts from 0 (-1 during setup);
 * wherever a step is shown (command-line progress, the window, the timeline picture, Perfetto, the
 * {@code --steps} range of {@code export}) the first step is step 1.
 */
public final class Steps {
    private Steps() {}

    /** The shown number of a trace step: 0 → 1. */
    public static int shown(int traceStep) {
        return traceStep + 1;
    }

    /** The trace step of a shown number: 1 → 0. */
    public static int ofShown(int shownStep) {
        return shownStep - 1;
    }
}
