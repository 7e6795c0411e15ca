package io.memscope.app;

import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.visual.lifetime.LifetimeModel;
import io.memscope.visual.timeline.TimelineModel;
import java.util.List;
import java.util.function.Supplier;

/**
 * The trace on screen — a live run's or a replayed file's: what it was recorded from, the models the timeline
 * and lifetime views draw, and where its full event list comes from for saving and export.
 */
public final class Recording {
    private final TimelineModel timeline = new TimelineModel();
    private final LifetimeModel lifetimes = new LifetimeModel();
    private TraceInfo info;
    private Supplier<List<MemoryEvent>> events = List::of;

    public void begin(TraceInfo info, Supplier<List<MemoryEvent>> events) {
        this.info = info;
        this.events = events;
        timeline.clear();
        lifetimes.clear();
        timeline.setBudgetBytes(info.budgetBytes());
    }

    public void append(List<MemoryEvent> batch) {
        timeline.addAll(batch);
        lifetimes.addAll(batch);
    }

    public TimelineModel timeline() {
        return timeline;
    }

    public LifetimeModel lifetimes() {
        return lifetimes;
    }

    /** What the trace was recorded from, or null before any. */
    public TraceInfo info() {
        return info;
    }

    public boolean isEmpty() {
        return info == null || timeline.isEmpty();
    }

    /** Every event of the trace, for saving and export. */
    public List<MemoryEvent> events() {
        return events.get();
    }

    /** A title such as "LeNet-5 · baseline · batch 32 · cpu". */
    public String title() {
        if (info == null) {
            return "";
        }
        return info.network() + "  \u00b7  " + info.mode() + "  \u00b7  batch " + info.batch() + "  \u00b7  " + info.backend();
    }
}
