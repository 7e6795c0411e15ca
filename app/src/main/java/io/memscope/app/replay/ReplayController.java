package io.memscope.app.replay;

import io.memscope.app.Recording;
import io.memscope.trainer.export.TraceFile;
import io.memscope.trainer.memory.MemoryEvent;
import java.util.List;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;

/**
 * Replays a saved trace into the views without training: at the recorded pace times a speed factor, or all at
 * once. {@link #pump(long, long)} runs once per frame and hands the views the events whose time has come, for
 * as long as the frame's time allows.
 */
public final class ReplayController {
    /** Events handed to the views at a time; a frame hands over chunks until its time is up. */
    public static final int CHUNK = 8192;

    private final Recording recording;
    private List<MemoryEvent> events = List.of();
    private final ReadOnlyBooleanWrapper active = new ReadOnlyBooleanWrapper(this, "active", false);
    private final BooleanProperty playing = new SimpleBooleanProperty(this, "playing", false);
    private final DoubleProperty speed = new SimpleDoubleProperty(this, "speed", 1.0);
    private final ReadOnlyDoubleWrapper position = new ReadOnlyDoubleWrapper(this, "position", 0);
    private boolean showAll;
    private int next;
    private double playheadNs;
    private long lastFrameNanos = -1;

    public ReplayController(Recording recording) {
        this.recording = recording;
    }

    /** Puts a loaded trace on screen, empty, ready to play. */
    public void load(TraceFile.LoadedTrace trace) {
        events = trace.events();
        List<MemoryEvent> all = events;
        recording.begin(trace.info(), () -> all, trace.details());
        next = 0;
        playheadNs = events.isEmpty() ? 0 : events.get(0).timeNs();
        lastFrameNanos = -1;
        showAll = false;
        active.set(true);
        position.set(0);
        playing.set(false);
    }

    /** Shows the whole trace at once. */
    public void showAll() {
        showAll = true;
        playing.set(false);
    }

    /** Starts over from the beginning. */
    public void rewind() {
        if (!active.get()) {
            return;
        }
        List<MemoryEvent> all = events;
        recording.begin(recording.info(), () -> all, recording.details());
        next = 0;
        showAll = false;
        playheadNs = events.isEmpty() ? 0 : events.get(0).timeNs();
        position.set(0);
    }

    /** Leaves replay (a live run takes the views over). */
    public void close() {
        active.set(false);
        playing.set(false);
        events = List.of();
    }

    /**
     * Advances the replay to the frame at {@code nowNanos}, handing the views the events whose time has come in
     * chunks of {@link #CHUNK} until {@code deadlineNanos} ({@link System#nanoTime()}) passes, so a frame stays short
     * however many events are due; the rest follow in the next frames. Returns the number of events handed over.
     */
    public int pump(long nowNanos, long deadlineNanos) {
        long dt = lastFrameNanos < 0 ? 0 : nowNanos - lastFrameNanos;
        lastFrameNanos = nowNanos;
        if (!active.get() || next >= events.size()) {
            if (playing.get() && next >= events.size()) {
                playing.set(false);
            }
            return 0;
        }
        if (!showAll && !playing.get()) {
            return 0;
        }
        if (!showAll) {
            playheadNs += dt * speed.get();
        }
        int start = next;
        do {
            int end = next;
            int limit = Math.min(events.size(), next + CHUNK);
            if (showAll) {
                end = limit;
            } else {
                while (end < limit && events.get(end).timeNs() <= playheadNs) {
                    end++;
                }
            }
            if (end == next) {
                break;
            }
            recording.append(events.subList(next, end));
            next = end;
        } while (next < events.size() && System.nanoTime() < deadlineNanos);
        position.set((double) next / events.size());
        if (next >= events.size()) {
            showAll = false;
            playing.set(false);
        }
        return next - start;
    }

    public ReadOnlyBooleanProperty activeProperty() {
        return active.getReadOnlyProperty();
    }

    public BooleanProperty playingProperty() {
        return playing;
    }

    /** Replay speed relative to the recorded pace. */
    public DoubleProperty speedProperty() {
        return speed;
    }

    /** Fraction of the events shown. */
    public ReadOnlyDoubleProperty positionProperty() {
        return position.getReadOnlyProperty();
    }

    public boolean isComplete() {
        return next >= events.size();
    }
}
