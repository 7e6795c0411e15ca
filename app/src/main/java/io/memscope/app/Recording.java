package io.memscope.app;

import io.memscope.app.reversible.Reconstructions;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceDetails;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.render.TimelineModel;
import io.memscope.trainer.render.XAxis;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The trace on screen — a live run's or a replayed file's: what it was recorded from, the models the timeline
 * and lifetime views draw, and where its full event list comes from for saving and export.
 *
 * <p>The memory chart and the lifetime view draw from one {@link TimelineModel.Live}, the builder of the model
 * the exported picture is drawn from; its snapshot ({@link #timeline()}) answers what they show: peak, steps,
 * OOMs, columns, tensor lifetimes. A reversible run's reconstruction errors, which the trace does not hold, are
 * kept beside it ({@link #reconstructions()}) and go with it when another trace takes the screen.
 */
public final class Recording {
    /** The window's model carries the trace's budget; what else the trace was recorded from is {@link #info()}. */
    private static final TraceInfo ON_SCREEN = new TraceInfo("", "", "", 0, 0, Map.of());

    private final TimelineModel.Live timeline = new TimelineModel.Live(ON_SCREEN);
    private final Reconstructions reconstructions = new Reconstructions();
    private TraceInfo info;
    private Supplier<List<MemoryEvent>> events = List::of;
    private TraceDetails details = TraceDetails.NONE;
    private XAxis axis = XAxis.TIME_NS;
    /** How many events the models hold, so a change of axis re-reads exactly those. */
    private int appended;

    public void begin(TraceInfo info, Supplier<List<MemoryEvent>> events) {
        begin(info, events, TraceDetails.NONE);
    }

    /** A trace that knows more about its events than the events say (an imported PyTorch snapshot's stacks). */
    public void begin(TraceInfo info, Supplier<List<MemoryEvent>> events, TraceDetails details) {
        this.info = info;
        this.events = events;
        this.details = details == null ? TraceDetails.NONE : details;
        reconstructions.clear();
        clearModels();
    }

    private void clearModels() {
        timeline.clear();
        appended = 0;
        if (info != null) {
            timeline.setBudget(info.budgetBytes());
        }
    }

    /**
     * Adds events to the models. On {@link XAxis#EVENT_INDEX} each event goes in with its sequence number in
     * place of its time, so every view and range in the window counts events, as the exported picture does.
     */
    public void append(List<MemoryEvent> batch) {
        List<MemoryEvent> shown = axis.countsEvents() ? batch.stream().map(Recording::atIndex).toList() : batch;
        timeline.append(shown);
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

    /** The builder the memory chart draws from. */
    public TimelineModel.Live live() {
        return timeline;
    }

    /** The model of the events shown so far: what the memory chart draws now. */
    public TimelineModel timeline() {
        return timeline.snapshot();
    }

    /** The reconstruction errors the run on screen measured (reversible mode); empty for a plan or a replay. */
    public Reconstructions reconstructions() {
        return reconstructions;
    }

    /** What the trace was recorded from, or null before any. */
    public TraceInfo info() {
        return info;
    }

    public boolean isEmpty() {
        return info == null || timeline.eventCount() == 0;
    }

    /**
     * Each event's stack, stream and note, by the event's position in {@link #events()} (which is its position
     * in the models too); {@link TraceDetails#NONE} for a run or a plan.
     */
    public TraceDetails details() {
        return details;
    }

    /** Every event of the trace, for saving and export. */
    public List<MemoryEvent> events() {
        return events.get();
    }

    /** A title such as "LeNet-5 · baseline · batch 32 · cpu" (an imported trace has no batch). */
    public String title() {
        if (info == null) {
            return "";
        }
        return info.network() + "  \u00b7  " + info.mode() + (info.batch() > 0 ? "  \u00b7  batch " + info.batch() : "")
                + "  \u00b7  " + info.backend();
    }
}
