package io.memscope.trainer;

import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The events the out-of-core mode records around swaps, for tests of what reads them. conv1.out (id 7) is
 * copied to the host (its copy conv1.out@host, id 20, at host address 0), swapped out, swapped back in at a new
 * address and its copy freed; conv2.out (id 8) is swapped out (copy id 21 at host address {@link #B}) and freed
 * while out, then its copy. Event i happens at 10·i ns.
 */
public final class HostTierEvents {
    /** The size of conv1.out; conv2.out is twice that. */
    public static final long B = 4096;

    private HostTierEvents() {}

    public static List<MemoryEvent> pattern() {
        List<MemoryEvent> out = new ArrayList<>();
        add(out, Action.ALLOC, 0, "conv1.weight", Category.PARAMETER, 0, B);
        add(out, Action.ALLOC, 7, "conv1.out", Category.ACTIVATION, B, B);
        add(out, Action.ALLOC, 20, "conv1.out@host", Category.HOST, 0, B);
        add(out, Action.SWAP_OUT, 7, "conv1.out", Category.ACTIVATION, B, B);
        add(out, Action.ALLOC, 8, "conv2.out", Category.ACTIVATION, 3 * B, 2 * B);
        add(out, Action.ALLOC, 21, "conv2.out@host", Category.HOST, B, 2 * B);
        add(out, Action.SWAP_OUT, 8, "conv2.out", Category.ACTIVATION, 3 * B, 2 * B);
        add(out, Action.SWAP_IN, 7, "conv1.out", Category.ACTIVATION, 2 * B, B);
        add(out, Action.FREE, 20, "conv1.out@host", Category.HOST, 0, B);
        add(out, Action.FREE, 7, "conv1.out", Category.ACTIVATION, 2 * B, B);
        add(out, Action.FREE, 8, "conv2.out", Category.ACTIVATION, 3 * B, 2 * B);
        add(out, Action.FREE, 21, "conv2.out@host", Category.HOST, B, 2 * B);
        add(out, Action.FREE, 0, "conv1.weight", Category.PARAMETER, 0, B);
        return out;
    }

    /** Device bytes after each event of {@link #pattern()}: host copies never count. */
    public static long[] deviceBytes() {
        return new long[] {B, 2 * B, 2 * B, B, 3 * B, 3 * B, B, 2 * B, 2 * B, B, B, B, 0};
    }

    /** Host bytes after each event of {@link #pattern()}. */
    public static long[] hostBytes() {
        return new long[] {0, 0, B, B, B, 3 * B, 3 * B, 3 * B, 2 * B, 2 * B, 2 * B, 0, 0};
    }

    private static void add(List<MemoryEvent> out, Action action, long id, String name, Category category,
                            long offset, long bytes) {
        int i = out.size();
        out.add(new MemoryEvent(i, 10L * i, action, id, name, name.replaceAll("\\..*", ""), category, offset, bytes,
                0, i < 7 ? "forward" : "backward", -1, -1, -1));
    }
}
