package io.memscope.trainer.pytorch;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One device's trace entries as the snapshot lists them (the allocator's ring buffer, oldest first), in
 * columns: about 40 bytes an entry instead of a dict of boxed values. Entries whose action this version does
 * not know are counted by name and left out.
 */
public final class DeviceTrace {
    /** The actions of PyTorch's trace entries, as {@link #action(int)} codes. */
    public enum Kind {
        ALLOC("alloc"),
        FREE_REQUESTED("free_requested"),
        FREE_COMPLETED("free_completed"),
        SEGMENT_ALLOC("segment_alloc"),
        SEGMENT_FREE("segment_free"),
        SEGMENT_MAP("segment_map"),
        SEGMENT_UNMAP("segment_unmap"),
        SNAPSHOT("snapshot"),
        OOM("oom");

        /** The name PyTorch writes. */
        public final String pytorchName;

        Kind(String pytorchName) {
            this.pytorchName = pytorchName;
        }

        private static final Map<String, Kind> BY_NAME = new java.util.HashMap<>();

        static {
            for (Kind k : values()) {
                BY_NAME.put(k.pytorchName, k);
            }
        }

        static Kind of(String name) {
            return BY_NAME.get(name);
        }
    }

    static final long NO_TIME = Long.MIN_VALUE;
    private static final Kind[] KINDS = Kind.values();

    private byte[] action = new byte[16];
    private long[] addr = new long[16];
    private long[] size = new long[16];
    private int[] stream = new int[16];
    private long[] time = new long[16];
    private int[] stack = new int[16];
    /** PyTorch's device_free of an OOM entry (-1 when absent); allocated at the first OOM. */
    private long[] deviceFree;
    /** Index of the entry's note (compile context, user metadata) in the snapshot's notes; at the first note. */
    private int[] note;
    private int count;
    private int timed;
    private final Map<String, Integer> unknownActions = new LinkedHashMap<>();

    DeviceTrace() {}

    void add(Kind kind, long address, long bytes, int streamIndex, long timeUs, int stackId, long free,
             int noteIndex) {
        if (count == action.length) {
            int cap = count + (count >> 1) + 16;
            action = Arrays.copyOf(action, cap);
            addr = Arrays.copyOf(addr, cap);
            size = Arrays.copyOf(size, cap);
            stream = Arrays.copyOf(stream, cap);
            time = Arrays.copyOf(time, cap);
            stack = Arrays.copyOf(stack, cap);
            if (deviceFree != null) {
                deviceFree = grow(deviceFree, cap, -1);
            }
            if (note != null) {
                note = grow(note, cap);
            }
        }
        action[count] = (byte) kind.ordinal();
        addr[count] = address;
        size[count] = bytes;
        stream[count] = streamIndex;
        time[count] = timeUs;
        stack[count] = stackId;
        if (free >= 0) {
            if (deviceFree == null) {
                deviceFree = grow(new long[0], action.length, -1);
            }
            deviceFree[count] = free;
        }
        if (noteIndex >= 0) {
            if (note == null) {
                note = grow(new int[0], action.length);
            }
            note[count] = noteIndex;
        }
        if (timeUs != NO_TIME) {
            timed++;
        }
        count++;
    }

    void unknown(String actionName) {
        unknownActions.merge(actionName, 1, Integer::sum);
    }

    private static long[] grow(long[] a, int cap, long fill) {
        long[] out = Arrays.copyOf(a, cap);
        Arrays.fill(out, a.length, cap, fill);
        return out;
    }

    private static int[] grow(int[] a, int cap) {
        int[] out = Arrays.copyOf(a, cap);
        Arrays.fill(out, a.length, cap, -1);
        return out;
    }

    /** Entries kept (known actions). */
    public int size() {
        return count;
    }

    public Kind action(int i) {
        return KINDS[action[check(i)]];
    }

    public long addr(int i) {
        return addr[check(i)];
    }

    public long size(int i) {
        return size[check(i)];
    }

    /** Index of the entry's stream in the snapshot's {@link Snapshot#streams()}. */
    public int stream(int i) {
        return stream[check(i)];
    }

    /** The entry's {@code time_us}, or {@link Long#MIN_VALUE} when it has none (PyTorch before 2.2). */
    public long timeUs(int i) {
        return time[check(i)];
    }

    /** Whether every entry has a {@code time_us}. */
    public boolean timed() {
        return count > 0 && timed == count;
    }

    /** The entry's stack in the snapshot's {@link Snapshot#stacks()}, -1 when it has no frames. */
    public int stack(int i) {
        return stack[check(i)];
    }

    /** An OOM entry's {@code device_free}, -1 when absent. */
    public long deviceFree(int i) {
        check(i);
        return deviceFree == null ? -1 : deviceFree[i];
    }

    /** The entry's note in the snapshot's {@link Snapshot#notes()}, -1 when it has none. */
    public int note(int i) {
        check(i);
        return note == null ? -1 : note[i];
    }

    /** Entries left out because this version does not know their action, by action. */
    public Map<String, Integer> unknownActions() {
        return Collections.unmodifiableMap(unknownActions);
    }

    /** How many kept entries have each action, in {@link Kind} order, without the absent ones. */
    public Map<Kind, Integer> counts() {
        int[] n = new int[KINDS.length];
        for (int i = 0; i < count; i++) {
            n[action[i]]++;
        }
        Map<Kind, Integer> out = new LinkedHashMap<>();
        for (Kind k : KINDS) {
            if (n[k.ordinal()] > 0) {
                out.put(k, n[k.ordinal()]);
            }
        }
        return out;
    }

    private int check(int i) {
        return java.util.Objects.checkIndex(i, count);
    }
}
