package io.memscope.trainer.render;

import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.MemoryEvent;
import java.util.List;

/**
 * Turns PHASE and SEGMENT events into phase intervals and step boundaries. A phase lasts until the next PHASE
 * or SEGMENT event; the gap between a SEGMENT and the step's first PHASE belongs to no phase. The phase still
 * running at the last event so far ends there.
 */
final class PhaseRecorder {
    private final AppendList<PhaseInterval> phases = new AppendList<>();
    private final AppendList<StepBoundary> steps = new AppendList<>();
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

    /** The phases so far, the one still running ending at {@code xEnd}; later events leave the list as it is. */
    List<PhaseInterval> phases(long xEnd) {
        return open == null ? phases.view()
                : phases.view(new PhaseInterval(openSince, xEnd, open.phase(), open.layer(), open.step()));
    }

    List<StepBoundary> steps() {
        return steps.view();
    }

    private void close(long x) {
        if (open != null) {
            phases.add(new PhaseInterval(openSince, x, open.phase(), open.layer(), open.step()));
            open = null;
        }
    }
}
