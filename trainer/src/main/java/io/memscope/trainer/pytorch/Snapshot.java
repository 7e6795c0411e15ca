package io.memscope.trainer.pytorch;

import io.memscope.trainer.memory.TraceDetails;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A PyTorch memory snapshot as read from {@code torch.cuda.memory._dump_snapshot()}'s file: the allocator's state
 * when it was taken ({@link #segments()}, each with its blocks) and each device's trace ({@link #trace(int)}),
 * with the frames and stacks, streams and notes they name kept once each. Built by {@link SnapshotReader}.
 */
public final class Snapshot {
    /**
     * A block of a segment at the snapshot.
     *
     * @param address       its address (PyTorch 2.0 does not write one: the segment's address plus the blocks
     *                      before it)
     * @param size          its size, rounded as the allocator hands out
     * @param requestedSize what was asked for (2.0: the last {@code history} entry's {@code real_size})
     * @param state         {@code active_allocated}, {@code active_pending_free} or {@code inactive}
     * @param stack         the stack that allocated it, -1 when unknown
     */
    public record Block(long address, long size, long requestedSize, String state, int stack) {
        /** Allocated at the snapshot: in use, or freed but pending on a stream. */
        public boolean inUse() {
            return "active_allocated".equals(state) || "active_pending_free".equals(state);
        }

        public boolean pendingFree() {
            return "active_pending_free".equals(state);
        }
    }

    /** A segment of reserved memory at the snapshot: a range the allocator holds and carves blocks from. */
    public record Segment(int device, long address, long totalSize, int stream, String segmentType,
                          boolean expandable, int stack, List<Block> blocks) {
        public Segment {
            blocks = List.copyOf(blocks);
        }
    }

    private final String source;
    private final List<Segment> segments;
    private final List<DeviceTrace> traces;
    private final StackTable stacks;
    private final long[] streams;
    private final List<String> notes;
    private final Map<String, String> allocatorSettings;
    private final boolean blockHistory;
    private final int externalAnnotations;
    private final List<String> otherKeys;

    Snapshot(String source, List<Segment> segments, List<DeviceTrace> traces, StackTable stacks, long[] streams,
             List<String> notes, Map<String, String> allocatorSettings, boolean blockHistory,
             int externalAnnotations, List<String> otherKeys) {
        this.source = source;
        this.segments = List.copyOf(segments);
        this.traces = List.copyOf(traces);
        this.stacks = stacks;
        this.streams = streams.clone();
        this.notes = List.copyOf(notes);
        this.allocatorSettings = Collections.unmodifiableMap(new java.util.LinkedHashMap<>(allocatorSettings));
        this.blockHistory = blockHistory;
        this.externalAnnotations = externalAnnotations;
        this.otherKeys = List.copyOf(otherKeys);
    }

    /** The file it was read from, as given. */
    public String source() {
        return source;
    }

    public List<Segment> segments() {
        return segments;
    }

    /** The segments of one device. */
    public List<Segment> segments(int device) {
        List<Segment> out = new ArrayList<>();
        for (Segment s : segments) {
            if (s.device() == device) {
                out.add(s);
            }
        }
        return out;
    }

    /** Devices with a trace list (index into {@code device_traces}), with or without entries. */
    public int traceCount() {
        return traces.size();
    }

    /** The trace of one device; empty when the snapshot has none for it. */
    public DeviceTrace trace(int device) {
        return device >= 0 && device < traces.size() ? traces.get(device) : new DeviceTrace();
    }

    /** Devices the snapshot says anything about: a trace with entries or a segment. */
    public SortedSet<Integer> devices() {
        SortedSet<Integer> out = new TreeSet<>();
        for (int d = 0; d < traces.size(); d++) {
            if (traces.get(d).size() > 0) {
                out.add(d);
            }
        }
        for (Segment s : segments) {
            out.add(s.device());
        }
        return out;
    }

    /** The frames of a stack, innermost first; empty for -1. */
    public List<TraceDetails.Frame> frames(int stack) {
        return stacks.frames(stack);
    }

    StackTable stacks() {
        return stacks;
    }

    /** The stream values the entries and segments name by index (CUDA stream handles; 0 is the default stream). */
    public long[] streams() {
        return streams.clone();
    }

    long stream(int index) {
        return streams[index];
    }

    int streamCount() {
        return streams.length;
    }

    /** The notes entries carry: {@code compile context: ...}, {@code user metadata: ...}. */
    public List<String> notes() {
        return notes;
    }

    /** {@code allocator_settings} (PyTorch 2.4 and later), each value as text; empty when absent. */
    public Map<String, String> allocatorSettings() {
        return allocatorSettings;
    }

    /** Whether blocks carry a {@code history} (PyTorch 2.0's layout) rather than their own address and frames. */
    public boolean blockHistory() {
        return blockHistory;
    }

    /** Entries of {@code external_annotations} (2.6 and later), which the import does not show. */
    public int externalAnnotations() {
        return externalAnnotations;
    }

    /** Top-level keys the import does not read. */
    public List<String> otherKeys() {
        return otherKeys;
    }
}
