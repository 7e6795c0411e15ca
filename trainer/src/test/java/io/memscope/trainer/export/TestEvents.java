package io.memscope.trainer.export;

import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Event lists for export tests: arbitrary field values, and realistic training-shaped streams. */
final class TestEvents {
    static final String[] AWKWARD_STRINGS = {
        "", "conv1.out", "conv1", "forward", "Ünïcødé → 張量", "quote \" and backslash \\", "tab\tnew\nline\r",
        "control \u0001\u001f", "emoji 🧠💾", "line separator \u2028 paragraph \u2029", "</script>", "'single'",
        "{\"json\":[1,2]}", "x".repeat(300)
    };
    private static final long[] EDGE_LONGS = {0, -1, 1, 255, 256, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40};

    private TestEvents() {}

    /** Events whose every field takes arbitrary values, including extremes and every action. */
    static List<MemoryEvent> arbitrary(Random random, int count) {
        List<MemoryEvent> events = new ArrayList<>(count);
        Action[] actions = Action.values();
        Category[] categories = Category.values();
        long seq = random.nextInt(1000);
        long time = 0;
        for (int i = 0; i < count; i++) {
            seq += random.nextInt(10) == 0 ? anyLong(random) : 1;
            time += random.nextInt(10) == 0 ? anyLong(random) : random.nextInt(5000);
            Action action = i < actions.length ? actions[i] : actions[random.nextInt(actions.length)];
            events.add(new MemoryEvent(seq, time, action, anyLong(random), anyString(random), anyString(random),
                    random.nextInt(5) == 0 ? null : categories[random.nextInt(categories.length)],
                    anyLong(random), anyLong(random),
                    random.nextInt(10) == 0 ? random.nextInt() : random.nextInt(100) - 1,
                    anyString(random),
                    random.nextBoolean() ? -1 : anyLong(random),
                    random.nextBoolean() ? -1 : anyLong(random),
                    random.nextBoolean() ? -1 : anyLong(random)));
        }
        return events;
    }

    /**
     * A stream shaped like training: per step a SEGMENT, forward and backward PHASEs per layer, activations
     * allocated in forward and freed in backward, some swapped or compressed, the odd OOM.
     */
    static List<MemoryEvent> training(Random random, int count, int layers) {
        List<MemoryEvent> events = new ArrayList<>(count);
        long[] time = {0};
        long nextId = 0;
        int step = 0;
        while (events.size() < count) {
            add(events, time, random, Action.SEGMENT, -1, "", "", null, -1, 0, step, "step");
            long[] ids = new long[layers];
            long[] offsets = new long[layers];
            long[] sizes = new long[layers];
            for (int l = 0; l < layers; l++) {
                String layer = "conv" + l;
                add(events, time, random, Action.PHASE, -1, "", layer, null, -1, 0, step, "forward");
                ids[l] = nextId++;
                offsets[l] = 256L * random.nextInt(1 << 20);
                sizes[l] = 256L * (1 + random.nextInt(1 << 16));
                add(events, time, random, Action.ALLOC, ids[l], layer + ".out", layer, Category.ACTIVATION,
                        offsets[l], sizes[l], step, "forward");
                if (l % 5 == 4) {
                    add(events, time, random, Action.SWAP_OUT, ids[l], layer + ".out", layer, Category.ACTIVATION,
                            offsets[l], sizes[l], step, "forward");
                }
                if (l % 7 == 6) {
                    add(events, time, random, Action.COMPRESS, ids[l], layer + ".out", layer, Category.ACTIVATION,
                            offsets[l], sizes[l], step, "forward");
                }
            }
            if (step % 10 == 9) {
                long requested = 256L * (1 << 22);
                events.add(new MemoryEvent(events.size(), time[0] += 10, Action.OOM, -1, "conv0.workspace", "conv0",
                        Category.WORKSPACE, -1, 0, step, "forward", requested, requested / 3, requested / 7));
            }
            for (int l = layers - 1; l >= 0; l--) {
                String layer = "conv" + l;
                add(events, time, random, Action.PHASE, -1, "", layer, null, -1, 0, step, "backward");
                if (l % 5 == 4) {
                    add(events, time, random, Action.SWAP_IN, ids[l], layer + ".out", layer, Category.ACTIVATION,
                            offsets[l], sizes[l], step, "backward");
                }
                if (l % 7 == 6) {
                    add(events, time, random, Action.DECOMPRESS, ids[l], layer + ".out", layer,
                            Category.ACTIVATION, offsets[l], sizes[l], step, "backward");
                }
                if (l % 11 == 10) {
                    add(events, time, random, Action.RECOMPUTE, ids[l], layer + ".out", layer,
                            Category.ACTIVATION, offsets[l], sizes[l], step, "backward");
                }
                add(events, time, random, Action.FREE, ids[l], layer + ".out", layer, Category.ACTIVATION,
                        offsets[l], sizes[l], step, "backward");
            }
            step++;
        }
        return events.subList(0, count);
    }

    private static void add(List<MemoryEvent> events, long[] time, Random random, Action action, long id,
                            String name, String layer, Category category, long offset, long bytes, int step,
                            String phase) {
        time[0] += 50 + random.nextInt(20_000);
        events.add(new MemoryEvent(events.size(), time[0], action, id, name, layer, category, offset, bytes, step,
                phase, -1, -1, -1));
    }

    private static long anyLong(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> EDGE_LONGS[random.nextInt(EDGE_LONGS.length)];
            case 1 -> random.nextLong();
            default -> random.nextInt(1 << 20);
        };
    }

    private static String anyString(Random random) {
        return AWKWARD_STRINGS[random.nextInt(AWKWARD_STRINGS.length)];
    }
}
