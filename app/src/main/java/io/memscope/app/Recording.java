package io.memscope.app;

import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.render.XAxis;
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
    private XAxis axis = XAxis.TIME_NS;
    /** How many events the models hold, so a change of axis re-reads exactly those. */
    private int appended;

    public void begin(TraceInfo info, Supplier<List<MemoryEvent>> events) {
        this.info = info;
        this.events = events;
        clearModels();
    }

    private void clearModels() {
        timeline.clear();
        lifetimes.clear();
        appended = 0;
        if (info != null) {
            timeline.setBudgetBytes(info.budgetBytes());
        }
    }

    /**
     * Adds events to the models. On {@link XAxis#EVENT_INDEX} each event goes in with its sequence number in
     * place of its time, so every view and range in the window counts events, as the exported picture does.
     */
    public void append(List<MemoryEvent> batch) {
        List<MemoryEvent> shown = axis == XAxis.TIME_NS ? batch : batch.stream().map(Recording::atIndex).toList();
        timeline.addAll(shown);
        lifetimes.addAll(shown);
        appended += batch.size();
    }

    /** What the horizontal axis counts. Changing it re-reads the events shown so far. */
    public XAxis axis() {
        return axis;
    }

    public void setAxis(XAxis axis) {
        if (this.axis == axis) {
            return;
        }
        this.axis = axis;
        List<MemoryEvent> all = events.get();
        int shown = Math.min(appended, all.size());
        clearModels();
        append(all.subList(0, shown));
    }

    private static MemoryEvent atIndex(MemoryEvent e) {
        return new MemoryEvent(e.seq(), e.seq(), e.action(), e.tensorId(), e.tensorName(), e.layer(), e.category(),
                e.offset(), e.bytes(), e.step(), e.phase(), e.requestedBytes(), e.freeBytes(), e.largestFreeBytes());
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
