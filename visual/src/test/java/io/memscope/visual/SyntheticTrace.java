package io.memscope.visual;

import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import java.util.ArrayList;
import java.util.List;

/** Traces made up for the visual tests: a few steps of a small layered network, or millions of events. */
public final class SyntheticTrace {
    private SyntheticTrace() {}

    /**
     * {@code steps} training steps of a {@code layers}-layer net: parameters allocated once, then per step a
     * forward that allocates one activation per layer and a backward that frees them in reverse. Time advances
     * 1 µs per event.
     */
    public static List<MemoryEvent> steps(int steps, int layers, long activationBytes) {
        List<MemoryEvent> out = new ArrayList<>();
        long[] seq = {0};
        long id = 0;
        for (int l = 0; l < layers; l++) {
            out.add(alloc(seq, id++, "layer" + l + ".weight", "layer" + l, Category.PARAMETER, l * 4096L, 4096, -1, "setup"));
        }
        long base = layers * 4096L;
        for (int s = 0; s < steps; s++) {
            out.add(marker(seq, Action.SEGMENT, "", s, "step"));
            long first = id;
            for (int l = 0; l < layers; l++) {
                out.add(marker(seq, Action.PHASE, "layer" + l, s, "forward"));
                out.add(alloc(seq, id++, "layer" + l + ".out", "layer" + l, Category.ACTIVATION,
                        base + l * activationBytes, activationBytes, s, "forward"));
            }
            for (int l = layers - 1; l >= 0; l--) {
                out.add(marker(seq, Action.PHASE, "layer" + l, s, "backward"));
                long t = first + l;
                out.add(new MemoryEvent(seq[0], seq[0] * 1000, Action.FREE, t, "layer" + l + ".out", "layer" + l,
                        Category.ACTIVATION, base + l * activationBytes, activationBytes, s, "backward", -1, -1, -1));
                seq[0]++;
            }
        }
        return out;
    }

    /**
     * {@link #steps} as the out-of-core mode records it: in forward each activation but the last is copied to
     * host memory (ALLOC of its copy {@code <name>@host} at a host address, then SWAP_OUT) once the next layer
     * has read it; in backward it comes back (SWAP_IN, then FREE of the copy). In the last step the first
     * activation is freed while swapped out, then its copy.
     */
    public static List<MemoryEvent> outOfCore(int steps, int layers, long activationBytes) {
        List<MemoryEvent> out = new ArrayList<>();
        long[] seq = {0};
        long id = 0;
        for (int l = 0; l < layers; l++) {
            out.add(alloc(seq, id++, "layer" + l + ".weight", "layer" + l, Category.PARAMETER, l * 4096L, 4096, -1, "setup"));
        }
        long base = layers * 4096L;
        for (int s = 0; s < steps; s++) {
            out.add(marker(seq, Action.SEGMENT, "", s, "step"));
            long first = id;
            id += 2L * layers;
            for (int l = 0; l < layers; l++) {
                out.add(marker(seq, Action.PHASE, "layer" + l, s, "forward"));
                out.add(alloc(seq, first + l, "layer" + l + ".out", "layer" + l, Category.ACTIVATION,
                        base + l * activationBytes, activationBytes, s, "forward"));
                if (l > 0) {
                    int k = l - 1;
                    out.add(alloc(seq, first + layers + k, "layer" + k + ".out@host", "layer" + k, Category.HOST,
                            k * activationBytes, activationBytes, s, "forward"));
                    out.add(event(seq, Action.SWAP_OUT, first + k, "layer" + k + ".out", "layer" + k,
                            Category.ACTIVATION, base + k * activationBytes, activationBytes, s, "forward"));
                }
            }
            for (int l = layers - 1; l >= 0; l--) {
                out.add(marker(seq, Action.PHASE, "layer" + l, s, "backward"));
                String name = "layer" + l + ".out";
                long offset = base + l * activationBytes;
                if (l < layers - 1 && !(s == steps - 1 && l == 0)) {
                    out.add(event(seq, Action.SWAP_IN, first + l, name, "layer" + l, Category.ACTIVATION, offset,
                            activationBytes, s, "backward"));
                }
                out.add(event(seq, Action.FREE, first + l, name, "layer" + l, Category.ACTIVATION, offset,
                        activationBytes, s, "backward"));
                if (l < layers - 1) {
                    out.add(event(seq, Action.FREE, first + layers + l, name + "@host", "layer" + l, Category.HOST,
                            l * activationBytes, activationBytes, s, "backward"));
                }
            }
        }
        return out;
    }

    private static MemoryEvent event(long[] seq, Action a, long id, String name, String layer, Category c, long offset,
                                     long bytes, int step, String phase) {
        MemoryEvent e = new MemoryEvent(seq[0], seq[0] * 1000, a, id, name, layer, c, offset, bytes, step, phase,
                -1, -1, -1);
        seq[0]++;
        return e;
    }

    private static MemoryEvent alloc(long[] seq, long id, String name, String layer, Category c, long offset, long bytes,
                                     int step, String phase) {
        MemoryEvent e = new MemoryEvent(seq[0], seq[0] * 1000, Action.ALLOC, id, name, layer, c, offset, bytes, step, phase,
                -1, -1, -1);
        seq[0]++;
        return e;
    }

    private static MemoryEvent marker(long[] seq, Action a, String layer, int step, String phase) {
        MemoryEvent e = new MemoryEvent(seq[0], seq[0] * 1000, a, -1, "", layer, null, -1, 0, step, phase, -1, -1, -1);
        seq[0]++;
        return e;
    }

    public static MemoryEvent oom(long seq, long timeNs, String tensor, long requested, long free, long largest) {
        return new MemoryEvent(seq, timeNs, Action.OOM, -1, tensor, "layer", Category.ACTIVATION, -1, 0, 0, "forward",
                requested, free, largest);
    }
}
