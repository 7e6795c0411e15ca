package io.memscope.trainer.render;

import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.MemoryEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns PHASE and SEGMENT events into phase intervals and step boundaries. A phase lasts until the next PHASE
 * or SEGMENT event; the gap between a SEGMENT and the step's first PHASE belongs to no phase.
 */
final class PhaseRecorder {
    private final List<PhaseInterval> phases = new ArrayList<>();
    private final List<StepBoundary> steps = new ArrayList<>();
    private MemoryEvent open;
    private long openSince;

    void accept(MemoryEvent e, long x) {
        if (e.action() != Action.PHASE && e.action() != Action.SEGMENT) {
            return;
        }
        close(x);
        if (e.action() == Action.PHASE) {
            open = e;
            openSince = x;
        } else {
            steps.add(new StepBoundary(x, e.step()));
        }
    }

    /** Ends the phase still running at the end of the trace. */
    void finish(long xEnd) {
        close(xEnd);
    }

    List<PhaseInterval> phases() {
        return List.copyOf(phases);
    }

    List<StepBoundary> steps() {
        return List.copyOf(steps);
    }

    private void close(long x) {
        if (open != null) {
            phases.add(new PhaseInterval(openSince, x, open.phase(), open.layer(), open.step()));
            open = null;
        }
    }
}
