package io.memscope.trainer.render;

/**
 * A PHASE event and how long it lasted: until the next PHASE or SEGMENT event, or the end of the trace.
 *
 * @param name  the phase, e.g. {@code forward}
 * @param layer the layer it runs, empty when none
 * @param step  the training step, -1 during setup
 */
public record PhaseInterval(long start, long end, String name, String layer, int step) {
    public PhaseKind kind() {
        return PhaseKind.of(name);
    }
}
