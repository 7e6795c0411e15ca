package io.memscope.trainer.pytorch;

import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * An imported trace's events in columns (about 37 bytes an event), read as a list of {@link MemoryEvent}s made
 * on demand: a two-million-event import holds arrays, not two million records. Sequence numbers are positions;
 * an event never has a layer, a step or a phase. An OOM keeps its requested bytes in the bytes column and the
 * device's free bytes in the offset column. Immutable once built.
 */
final class EventColumns extends AbstractList<MemoryEvent> implements RandomAccess {
    private static final Action[] ACTIONS = Action.values();
    private static final Category[] CATEGORIES = Category.values();

    private long[] time;
    private byte[] action;
    private int[] tensor;
    private byte[] category;
    private long[] offset;
    private long[] bytes;
    private int[] name;
    private final List<String> names;
    private int size;

    EventColumns(int capacity, List<String> names) {
        int cap = Math.max(16, capacity);
        time = new long[cap];
        action = new byte[cap];
        tensor = new int[cap];
        category = new byte[cap];
        offset = new long[cap];
        bytes = new long[cap];
        name = new int[cap];
        this.names = names;
    }

    /** Appends an event; {@code categoryOrNull} null for none. Returns its index. */
    int add(long timeNs, Action a, int tensorId, Category categoryOrNull, long offsetBytes, long sizeBytes,
            int nameIndex) {
        if (size == time.length) {
            int cap = size + (size >> 1) + 16;
            time = Arrays.copyOf(time, cap);
            action = Arrays.copyOf(action, cap);
            tensor = Arrays.copyOf(tensor, cap);
            category = Arrays.copyOf(category, cap);
            offset = Arrays.copyOf(offset, cap);
            bytes = Arrays.copyOf(bytes, cap);
            name = Arrays.copyOf(name, cap);
        }
        time[size] = timeNs;
        action[size] = (byte) a.ordinal();
        tensor[size] = tensorId;
        category[size] = (byte) (categoryOrNull == null ? -1 : categoryOrNull.ordinal());
        offset[size] = offsetBytes;
        bytes[size] = sizeBytes;
        name[size] = nameIndex;
        return size++;
    }

    /** Drops the room left over, once every event is in. */
    void trim() {
        time = Arrays.copyOf(time, size);
        action = Arrays.copyOf(action, size);
        tensor = Arrays.copyOf(tensor, size);
        category = Arrays.copyOf(category, size);
        offset = Arrays.copyOf(offset, size);
        bytes = Arrays.copyOf(bytes, size);
        name = Arrays.copyOf(name, size);
    }

    long timeNs(int i) {
        return time[i];
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public MemoryEvent get(int i) {
        java.util.Objects.checkIndex(i, size);
        Action a = ACTIONS[action[i]];
        Category c = category[i] < 0 ? null : CATEGORIES[category[i]];
        String n = names.get(name[i]);
        if (a == Action.OOM) {
            return new MemoryEvent(i, time[i], a, -1, n, "", c, -1, 0, -1, "", bytes[i], offset[i], -1);
        }
        return new MemoryEvent(i, time[i], a, tensor[i], n, "", c, offset[i], bytes[i], -1, "", -1, -1, -1);
    }
}
