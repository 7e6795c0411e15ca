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
 * once. {@link #pump(long)} runs once per frame and hands the views the events whose time has come, in batches
 * of at most {@link #MAX_PER_FRAME}.
 */
public final class ReplayController {
    public static final int MAX_PER_FRAME = 250_000;

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
        recording.begin(trace.info(), () -> all);
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
        recording.begin(recording.info(), () -> all);
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

    /** Advances the replay to the frame at {@code nowNanos}; returns the number of events handed over. */
    public int pump(long nowNanos) {
        long dt = lastFrameNanos < 0 ? 0 : nowNanos - lastFrameNanos;
        lastFrameNanos = nowNanos;
        if (!active.get() || next >= events.size()) {
            if (playing.get() && next >= events.size()) {
                playing.set(false);
            }
            return 0;
        }
        int end;
        if (showAll) {
            end = Math.min(events.size(), next + MAX_PER_FRAME);
        } else if (playing.get()) {
            playheadNs += dt * speed.get();
            end = next;
            while (end < events.size() && end - next < MAX_PER_FRAME && events.get(end).timeNs() <= playheadNs) {
                end++;
            }
        } else {
            return 0;
        }
        int n = end - next;
        if (n > 0) {
            recording.append(events.subList(next, end));
            next = end;
            position.set((double) next / events.size());
        }
        if (next >= events.size()) {
            showAll = false;
            playing.set(false);
        }
        return n;
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
