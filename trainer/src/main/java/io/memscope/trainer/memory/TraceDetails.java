package io.memscope.trainer.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What a trace knows about where its events came from, beside the events: the stack of frames that made each
 * one, the stream it ran on, and a note (PyTorch's compile context or user metadata). A table of frames, a
 * table of stacks (frame indices, innermost first) and a table of streams are shared by all events; each event
 * names its stack, stream and note by index, -1 when it has none. Traces recorded by MemScope's own runs have
 * none ({@link #NONE}); a trace imported from a PyTorch snapshot has them for every event.
 *
 * <p>The per-event indices are three {@code int} arrays aligned with the trace's event list (event {@code i} of
 * the list), so details for millions of events cost 12 bytes each. Immutable.
 */
public final class TraceDetails {
    /** One frame of a stack: a source file, a line in it (0 when unknown) and the function. */
    public record Frame(String filename, int line, String name) {
        public Frame {
            filename = filename == null ? "" : filename;
            name = name == null ? "" : name;
        }
    }

    public static final TraceDetails NONE = new Builder().build();

    private final List<Frame> frames;
    private final int[][] stacks;
    private final long[] streams;
    private final List<String> notes;
    private final int[] eventStack;
    private final int[] eventStream;
    private final int[] eventNote;
    private final int events;

    private TraceDetails(Builder b) {
        this.frames = Collections.unmodifiableList(new ArrayList<>(b.frames));
        this.stacks = b.stacks.toArray(new int[0][]);
        this.streams = Arrays.copyOf(b.streams, b.streamCount);
        this.notes = Collections.unmodifiableList(new ArrayList<>(b.notes));
        this.events = b.events;
        this.eventStack = b.eventStack.length == b.events ? b.eventStack : Arrays.copyOf(b.eventStack, b.events);
        this.eventStream = b.eventStream.length == b.events ? b.eventStream : Arrays.copyOf(b.eventStream, b.events);
        this.eventNote = b.eventNote == null ? null
                : b.eventNote.length == b.events ? b.eventNote : Arrays.copyOf(b.eventNote, b.events);
    }

    /** Whether there is anything here: an event with a stack, stream or note. */
    public boolean isEmpty() {
        return events == 0;
    }

    /** Events the indices cover (the first ones of the trace); later events have no details. */
    public int eventCount() {
        return events;
    }

    public List<Frame> frames() {
        return frames;
    }

    public int stackCount() {
        return stacks.length;
    }

    /** The frame indices of stack {@code id}, innermost first (a copy). */
    public int[] stackFrames(int id) {
        return stacks[id].clone();
    }

    /** The frames of stack {@code id}, innermost first; empty for -1. */
    public List<Frame> stack(int id) {
        if (id < 0) {
            return List.of();
        }
        int[] ids = stacks[id];
        List<Frame> out = new ArrayList<>(ids.length);
        for (int f : ids) {
            out.add(frames.get(f));
        }
        return out;
    }

    public int streamCount() {
        return streams.length;
    }

    /** The stream value with index {@code index} (PyTorch: the CUDA stream's handle, 0 for the default stream). */
    public long stream(int index) {
        return streams[index];
    }

    public List<String> notes() {
        return notes;
    }

    /** The stack index of event {@code event}, -1 when it has none. */
    public int stackOf(int event) {
        return event >= 0 && event < events ? eventStack[event] : -1;
    }

    /** The stream index of event {@code event}, -1 when it has none. */
    public int streamOf(int event) {
        return event >= 0 && event < events ? eventStream[event] : -1;
    }

    /** The note index of event {@code event}, -1 when it has none. */
    public int noteIndexOf(int event) {
        return eventNote != null && event >= 0 && event < events ? eventNote[event] : -1;
    }

    /** The note of event {@code event}, empty when it has none. */
    public String noteOf(int event) {
        int n = noteIndexOf(event);
        return n < 0 ? "" : notes.get(n);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TraceDetails d) || events != d.events) {
            return false;
        }
        for (int i = 0; i < events; i++) {
            if (eventStack[i] != d.eventStack[i] || eventStream[i] != d.eventStream[i]
                    || !noteOf(i).equals(d.noteOf(i))) {
                return false;
            }
        }
        return frames.equals(d.frames) && Arrays.deepEquals(stacks, d.stacks) && Arrays.equals(streams, d.streams);
    }

    @Override
    public int hashCode() {
        return Objects.hash(events, frames, Arrays.deepHashCode(stacks), Arrays.hashCode(streams));
    }

    @Override
    public String toString() {
        return "TraceDetails[" + events + " events, " + frames.size() + " frames, " + stacks.length + " stacks, "
                + streams.length + " streams, " + notes.size() + " notes]";
    }

    /**
     * Builds details table by table and event by event. Events must be given in order from 0; an event never
     * given has no details.
     */
    public static final class Builder {
        private final List<Frame> frames = new ArrayList<>();
        private final List<int[]> stacks = new ArrayList<>();
        private long[] streams = new long[4];
        private int streamCount;
        private final List<String> notes = new ArrayList<>();
        private int[] eventStack = new int[0];
        private int[] eventStream = new int[0];
        private int[] eventNote;
        private int events;

        /** Room for {@code n} events without growing. */
        public Builder expectEvents(int n) {
            if (n > eventStack.length) {
                eventStack = Arrays.copyOf(eventStack, n);
                eventStream = Arrays.copyOf(eventStream, n);
                if (eventNote != null) {
                    eventNote = Arrays.copyOf(eventNote, n);
                }
            }
            return this;
        }

        /** Adds a frame; returns its index. */
        public int frame(Frame f) {
            frames.add(Objects.requireNonNull(f));
            return frames.size() - 1;
        }

        /** Adds a stack of frame indices, innermost first; returns its index. */
        public int stack(int[] frameIds) {
            for (int f : frameIds) {
                if (f < 0 || f >= frames.size()) {
                    throw new IllegalArgumentException("stack " + stacks.size() + " names frame " + f + ", but there are "
                            + frames.size() + " frames");
                }
            }
            stacks.add(frameIds.clone());
            return stacks.size() - 1;
        }

        /** Adds a stream value; returns its index. */
        public int stream(long value) {
            if (streamCount == streams.length) {
                streams = Arrays.copyOf(streams, streamCount * 2);
            }
            streams[streamCount] = value;
            return streamCount++;
        }

        /** Adds a note; returns its index. */
        public int note(String text) {
            notes.add(Objects.requireNonNull(text));
            return notes.size() - 1;
        }

        public int frameCount() {
            return frames.size();
        }

        public int stackCount() {
            return stacks.size();
        }

        public int streamCount() {
            return streamCount;
        }

        public int noteCount() {
            return notes.size();
        }

        /** The details of the next event: indices into the tables, -1 for none. */
        public Builder event(int stack, int stream, int note) {
            if (stack < -1 || stack >= stacks.size()) {
                throw new IllegalArgumentException("event " + events + " names stack " + stack + ", but there are "
                        + stacks.size() + " stacks");
            }
            if (stream < -1 || stream >= streamCount) {
                throw new IllegalArgumentException("event " + events + " names stream " + stream + ", but there are "
                        + streamCount + " streams");
            }
            if (note < -1 || note >= notes.size()) {
                throw new IllegalArgumentException("event " + events + " names note " + note + ", but there are "
                        + notes.size() + " notes");
            }
            if (events == eventStack.length) {
                expectEvents(Math.max(16, events + (events >> 1)));
            }
            eventStack[events] = stack;
            eventStream[events] = stream;
            if (note >= 0 && eventNote == null) {
                eventNote = new int[eventStack.length];
                Arrays.fill(eventNote, 0, events, -1);
            }
            if (eventNote != null) {
                eventNote[events] = note;
            }
            events++;
            return this;
        }

        public TraceDetails build() {
            return new TraceDetails(this);
        }
    }
}
