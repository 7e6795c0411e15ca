package io.memscope.trainer.pytorch;

import io.memscope.trainer.memory.TraceDetails;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The frames and stacks of a snapshot, each kept once. PyTorch shares frame dicts and frames lists between
 * entries (and writes them once, then refers back through the memo); PyTorch 2.0 writes every frame afresh.
 * Either way a frame is interned by its content (file, line, function) and a stack by its frames, so a
 * snapshot of millions of entries needs as many frames and stacks as it has distinct ones.
 */
final class StackTable {
    /** A stack read already: what its frames list becomes in the memo and in the dict that held it. */
    record StackRef(int id) {}

    /** An empty frames list: no stack. */
    static final StackRef NO_STACK = new StackRef(-1);

    /** A frame read already: what its dict becomes in the memo. */
    record FrameRef(int id) {}

    private final List<TraceDetails.Frame> frames = new ArrayList<>();
    private final Map<TraceDetails.Frame, Integer> frameIds = new HashMap<>();
    private final List<FrameRef> frameRefs = new ArrayList<>();
    private final List<int[]> stacks = new ArrayList<>();
    private final Map<Key, Integer> stackIds = new HashMap<>();
    private final List<StackRef> stackRefs = new ArrayList<>();
    private int[] scratch = new int[64];

    /** Frame indices of a stack, compared by content. */
    private record Key(int[] frames) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(frames, k.frames);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(frames);
        }
    }

    int frameCount() {
        return frames.size();
    }

    int stackCount() {
        return stacks.size();
    }

    TraceDetails.Frame frame(int id) {
        return frames.get(id);
    }

    /** Frame indices of stack {@code id}, innermost first; the caller must not change them. */
    int[] stack(int id) {
        return stacks.get(id);
    }

    /** The frames of stack {@code id}, innermost first; empty for -1. */
    List<TraceDetails.Frame> frames(int id) {
        if (id < 0) {
            return List.of();
        }
        int[] ids = stacks.get(id);
        List<TraceDetails.Frame> out = new ArrayList<>(ids.length);
        for (int f : ids) {
            out.add(frames.get(f));
        }
        return out;
    }

    /**
     * Interns a frames list ({@code [{filename, line, name}, ...]}, innermost first) whose frame dicts may already
     * have become {@link FrameRef}s; each dict read is handed its FrameRef in the memo.
     *
     * @param where names the list in an error, e.g. "a trace entry's frames"
     */
    StackRef intern(PickleReader.PyList list, PickleReader.Memo memo, String where) {
        if (list.isEmpty()) {
            return NO_STACK;
        }
        if (scratch.length < list.size()) {
            scratch = new int[Math.max(list.size(), scratch.length * 2)];
        }
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            if (item instanceof FrameRef r) {
                scratch[i] = r.id();
            } else if (item instanceof PickleReader.PyDict d) {
                FrameRef r = frame(d, where);
                memo.replace(d, r);
                scratch[i] = r.id();
            } else {
                throw new PickleReader.Rejected("frame " + i + " of " + where + " is " + PickleReader.describe(item)
                        + ", not a dict of filename, line and name");
            }
        }
        int[] ids = Arrays.copyOf(scratch, list.size());
        Key key = new Key(ids);
        Integer id = stackIds.get(key);
        if (id == null) {
            id = stacks.size();
            stacks.add(ids);
            stackIds.put(key, id);
            stackRefs.add(new StackRef(id));
        }
        return stackRefs.get(id);
    }

    private FrameRef frame(PickleReader.PyDict d, String where) {
        String filename = text(d.get("filename"));
        String name = text(d.get("name"));
        Object line = d.get("line");
        int lineNo = line instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? (int) (long) l : 0;
        if (line != null && !(line instanceof Long)) {
            throw new PickleReader.Rejected("a frame of " + where + " has a line that is " + PickleReader.describe(line)
                    + ", not an integer");
        }
        TraceDetails.Frame f = new TraceDetails.Frame(filename, lineNo, name);
        Integer id = frameIds.get(f);
        if (id == null) {
            id = frames.size();
            frames.add(f);
            frameIds.put(f, id);
            frameRefs.add(new FrameRef(id));
        }
        return frameRefs.get(id);
    }

    private static String text(Object v) {
        return v instanceof String s ? s : v == null ? "" : String.valueOf(v);
    }
}
