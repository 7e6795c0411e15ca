package io.memscope.trainer.pytorch;

import io.memscope.trainer.pytorch.PickleReader.PyDict;
import io.memscope.trainer.pytorch.PickleReader.PyList;
import io.memscope.trainer.pytorch.PickleReader.PyTuple;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the file {@code torch.cuda.memory._dump_snapshot()} writes (PyTorch 2.0 to 2.11; also gzip-compressed)
 * into a {@link Snapshot}, with {@link PickleReader}, which runs no code from the file.
 *
 * <p>Memory stays bounded by what the snapshot holds once: trace entries go into {@link DeviceTrace} columns
 * as the pickle appends them to their device's list, and are dropped from the memo; each {@code frames} list
 * becomes an interned stack as soon as it is stored in its dict. A snapshot of two million entries is read
 * without two million dicts ever being alive at once.
 */
public final class SnapshotReader implements PickleReader.Hooks {
    private final String source;
    private final StackTable stacks = new StackTable();
    private final Map<PyList, DeviceTrace> traces = new HashMap<>();
    private final Map<Long, Integer> streamIds = new HashMap<>();
    private long[] streams = new long[4];
    private int streamCount;
    private final Map<String, Integer> noteIds = new HashMap<>();
    private final List<String> notes = new ArrayList<>();
    private boolean blockHistory;

    private SnapshotReader(String source) {
        this.source = source;
    }

    /** Reads a snapshot file. */
    public static Snapshot read(Path file) throws IOException {
        return read(file, p -> { });
    }

    /**
     * Reads a snapshot file, telling {@code progress} the share of the file read so far (0 to 1) now and then,
     * from the reading thread.
     *
     * @throws SnapshotFormatException when the file is not a snapshot this version reads, or is damaged or hostile
     */
    public static Snapshot read(Path file, DoubleConsumer progress) throws IOException {
        String source = file.toString();
        long size = Files.size(file);
        if (size == 0) {
            throw new SnapshotFormatException(source + ": the file is empty; a PyTorch memory snapshot is a pickle "
                    + "of a dict");
        }
        try (InputStream raw = Files.newInputStream(file)) {
            InputStream in = new BufferedInputStream(new Progress(raw, size, progress), 1 << 16);
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                in = new GZIPInputStream(in, 1 << 16);
            }
            Snapshot s = read(in, source);
            progress.accept(1.0);
            return s;
        } catch (ZipException | EOFException e) {
            throw new SnapshotFormatException(source + ": damaged or truncated gzip data: " + e.getMessage(), e);
        }
    }

    /** Reads a snapshot from a stream; {@code source} names it in errors. */
    public static Snapshot read(InputStream in, String source) throws IOException {
        SnapshotReader r = new SnapshotReader(source);
        Object top = PickleReader.read(in, source, r);
        return r.snapshot(top);
    }

    // ---- while the pickle is read ----------------------------------------------------------------------

    @Override
    public Object onSetItem(PyDict dict, Object key, Object value, PickleReader.Memo memo) {
        if ("frames".equals(key) && value instanceof PyList list) {
            return stacks.intern(list, memo, "frames");
        }
        return value;
    }

    @Override
    public boolean onAppend(PyList list, Object item, PickleReader.Memo memo) {
        if (!(item instanceof PyDict entry) || !(entry.get("action") instanceof String action)) {
            return false;
        }
        DeviceTrace trace = traces.computeIfAbsent(list, l -> new DeviceTrace());
        DeviceTrace.Kind kind = DeviceTrace.Kind.of(action);
        if (kind == null) {
            trace.unknown(action);
            return true;
        }
        String what = "a trace entry (" + action + ")";
        long addr = number(entry.get("addr"), "addr", what, 0);
        long size = number(entry.get("size"), "size", what, 0);
        int stream = stream(number(entry.get("stream"), "stream", what, 0));
        long time = entry.containsKey("time_us") ? number(entry.get("time_us"), "time_us", what, 0)
                : DeviceTrace.NO_TIME;
        long free = kind == DeviceTrace.Kind.OOM ? number(entry.get("device_free"), "device_free", what, -1) : -1;
        trace.add(kind, addr, size, stream, time, stack(entry.get("frames"), what), free, note(entry));
        return true;
    }

    private int stream(long value) {
        Integer id = streamIds.get(value);
        if (id == null) {
            if (streamCount == streams.length) {
                streams = java.util.Arrays.copyOf(streams, streamCount * 2);
            }
            id = streamCount;
            streams[streamCount++] = value;
            streamIds.put(value, id);
        }
        return id;
    }

    /** An entry's compile context and user metadata (PyTorch 2.6+), as one note; -1 when it has neither. */
    private int note(PyDict entry) {
        String compile = text(entry.get("compile_context"));
        String user = text(entry.get("user_metadata"));
        if (compile.isEmpty() && user.isEmpty()) {
            return -1;
        }
        String note = compile.isEmpty() ? "user metadata: " + user
                : user.isEmpty() ? "compile context: " + compile
                : "compile context: " + compile + "; user metadata: " + user;
        return noteIds.computeIfAbsent(note, n -> {
            notes.add(n);
            return notes.size() - 1;
        });
    }

    private static String text(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof String s) {
            return s.strip();
        }
        if (v instanceof PyDict d) {
            return d.size() == 0 ? "" : d.toString();
        }
        return String.valueOf(v);
    }

    private static int stack(Object frames, String what) {
        if (frames == null) {
            return -1;
        }
        if (frames instanceof StackTable.StackRef r) {
            return r.id();
        }
        throw new PickleReader.Rejected("the frames of " + what + " are " + PickleReader.describe(frames)
                + ", not a list of frames");
    }

    private static long number(Object v, String key, String what, long fallback) {
        if (v == null) {
            return fallback;
        }
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof BigInteger) {
            throw new PickleReader.Rejected("'" + key + "' of " + what + " is " + v + ", beyond 64 bits");
        }
        throw new PickleReader.Rejected("'" + key + "' of " + what + " is " + PickleReader.describe(v)
                + ", not an integer");
    }

    // ---- once it is read -------------------------------------------------------------------------------

    private Snapshot snapshot(Object top) {
        if (top instanceof PyList) {
            throw fail("the pickle holds a list, not a dict. torch.cuda.memory._dump_snapshot() writes a dict with "
                    + "'segments' and 'device_traces' (a list of segments is what torch.cuda.memory_snapshot() "
                    + "returns; save that with _dump_snapshot instead)");
        }
        if (!(top instanceof PyDict dict)) {
            throw fail("the pickle holds " + PickleReader.describe(top) + ", not the dict of a PyTorch memory snapshot");
        }
        if (!dict.containsKey("segments") && !dict.containsKey("device_traces")) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < Math.min(dict.size(), 8); i++) {
                keys.add(String.valueOf(dict.key(i)));
            }
            throw fail("not a PyTorch memory snapshot: its dict has no 'segments' and no 'device_traces' (it has "
                    + (keys.isEmpty() ? "no keys" : String.join(", ", keys)) + ")");
        }
        List<Snapshot.Segment> segments = segments(dict.get("segments"));
        List<DeviceTrace> deviceTraces = deviceTraces(dict.get("device_traces"));
        Map<String, String> settings = settings(dict.get("allocator_settings"));
        int annotations = dict.get("external_annotations") instanceof PyList l ? l.size() : 0;
        List<String> other = new ArrayList<>();
        for (int i = 0; i < dict.size(); i++) {
            String key = String.valueOf(dict.key(i));
            if (!List.of("segments", "device_traces", "allocator_settings", "external_annotations").contains(key)) {
                other.add(key);
            }
        }
        return new Snapshot(source, segments, deviceTraces, stacks, java.util.Arrays.copyOf(streams, streamCount),
                notes, settings, blockHistory, annotations, other);
    }

    private List<Snapshot.Segment> segments(Object value) {
        List<Snapshot.Segment> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        PyList list = list(value, "'segments'");
        for (int i = 0; i < list.size(); i++) {
            String what = "segments[" + i + "]";
            PyDict seg = dict(list.get(i), what);
            long address = required(seg, "address", what);
            long total = required(seg, "total_size", what);
            int device = (int) number(seg, "device", what, 0);
            int stream = stream(number(seg, "stream", what, 0));
            String type = seg.get("segment_type") instanceof String t ? t : "";
            boolean expandable = Boolean.TRUE.equals(seg.get("is_expandable"));
            int stack = stackOf(seg.get("frames"), what);
            List<Snapshot.Block> blocks = new ArrayList<>();
            long at = address;
            Object blockList = seg.get("blocks");
            PyList bl = blockList == null ? new PyList() : list(blockList, what + "['blocks']");
            for (int k = 0; k < bl.size(); k++) {
                String bwhat = what + "['blocks'][" + k + "]";
                PyDict b = dict(bl.get(k), bwhat);
                long size = required(b, "size", bwhat);
                long addr = b.containsKey("address") ? number(b, "address", bwhat, at) : at;
                String state = b.get("state") instanceof String s ? s : "";
                long requested = number(b, "requested_size", bwhat, size);
                int bstack = stackOf(b.get("frames"), bwhat);
                if (b.get("history") instanceof PyList history) {
                    blockHistory = true;
                    if (!history.isEmpty()) {
                        PyDict last = dict(history.get(history.size() - 1), bwhat + "['history']");
                        addr = number(last, "addr", bwhat + "['history']", addr);
                        requested = number(last, "real_size", bwhat + "['history']", requested);
                        bstack = stackOf(last.get("frames"), bwhat + "['history']");
                    }
                }
                blocks.add(new Snapshot.Block(addr, size, requested, state, bstack));
                at = addr + size;
            }
            out.add(new Snapshot.Segment(device, address, total, stream, type, expandable, stack, blocks));
        }
        return out;
    }

    private List<DeviceTrace> deviceTraces(Object value) {
        List<DeviceTrace> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        PyList list = list(value, "'device_traces'");
        for (int d = 0; d < list.size(); d++) {
            PyList entries = list(list.get(d), "device_traces[" + d + "]");
            if (!entries.isEmpty()) {
                throw fail("device_traces[" + d + "][0] is " + PickleReader.describe(entries.get(0))
                        + ", not a trace entry (a dict with an 'action')");
            }
            DeviceTrace t = traces.get(entries);
            out.add(t == null ? new DeviceTrace() : t);
        }
        return out;
    }

    /** {@code allocator_settings}, one level deep, each value as text. */
    private static Map<String, String> settings(Object value) {
        Map<String, String> out = new LinkedHashMap<>();
        if (value instanceof PyDict d) {
            for (int i = 0; i < d.size(); i++) {
                out.put(String.valueOf(d.key(i)), describeValue(d.value(i)));
            }
        }
        return out;
    }

    private static String describeValue(Object v) {
        if (v instanceof PyDict d) {
            StringBuilder sb = new StringBuilder("{");
            for (int i = 0; i < d.size() && i < 16; i++) {
                sb.append(i == 0 ? "" : ", ").append(d.key(i)).append(": ").append(scalar(d.value(i)));
            }
            return sb.append(d.size() > 16 ? ", ...}" : "}").toString();
        }
        return scalar(v);
    }

    private static String scalar(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof String || v instanceof Number) {
            return String.valueOf(v);
        }
        if (v instanceof PyTuple t) {
            return "(" + t.size() + " values)";
        }
        return PickleReader.describe(v);
    }

    private int stackOf(Object frames, String what) {
        if (frames == null) {
            return -1;
        }
        if (frames instanceof StackTable.StackRef r) {
            return r.id();
        }
        throw fail("the frames of " + what + " are " + PickleReader.describe(frames) + ", not a list of frames");
    }

    private long required(PyDict d, String key, String what) {
        if (!d.containsKey(key)) {
            throw fail(what + " has no '" + key + "'");
        }
        return number(d, key, what, 0);
    }

    private long number(PyDict d, String key, String what, long fallback) {
        try {
            return number(d.get(key), key, what, fallback);
        } catch (PickleReader.Rejected e) {
            throw fail(e.getMessage());
        }
    }

    private PyList list(Object v, String what) {
        if (v instanceof PyList l) {
            return l;
        }
        throw fail(what + " is " + PickleReader.describe(v) + ", not a list");
    }

    private PyDict dict(Object v, String what) {
        if (v instanceof PyDict d) {
            return d;
        }
        throw fail(what + " is " + PickleReader.describe(v) + ", not a dict");
    }

    private SnapshotFormatException fail(String what) {
        return new SnapshotFormatException(source + ": " + what);
    }

    /** Counts the bytes read from the file and tells the listener every megabyte. */
    private static final class Progress extends FilterInputStream {
        private final long total;
        private final DoubleConsumer listener;
        private long read;
        private long told;

        Progress(InputStream in, long total, DoubleConsumer listener) {
            super(in);
            this.total = Math.max(1, total);
            this.listener = listener;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read - told >= 1 << 20) {
                told = read;
                listener.accept(Math.min(1.0, (double) read / total));
            }
        }
    }
}
