package io.memscope.app;

import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Arena;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.render.TensorLifetime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A made-up trace shaped like LeNet-5 at batch 32 trained out of core, with addresses from real arenas (the
 * device's and the host's own): in forward each layer's output is copied to host memory (its HOST copy
 * {@code <name>@host} allocated when the copy starts) and swapped out once the next layer has read it; in
 * backward it is swapped back in at a new address before its layer's backward and its copy freed. The first
 * output of the last step is freed while swapped out, then its copy.
 */
final class OutOfCoreTrace {
    static final long BUDGET = 4L << 20;
    static final TraceInfo INFO = new TraceInfo("LeNet-5", "out-of-core", "cpu", 32, BUDGET,
            Map.of("note", "synthetic trace for the host lane"));

    private static final String[] LAYERS = {"conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "fc1", "fc2", "fc3"};
    private static final long[] OUT = {602112, 602112, 150528, 204800, 204800, 51200, 15360, 10752, 1280};
    private static final long[] WEIGHTS = {768, 0, 0, 9728, 0, 0, 192000, 40448, 3584};

    private record Block(long id, String name, String layer, Category category, long offset, long bytes) {}

    private final List<MemoryEvent> events = new ArrayList<>();
    private final Arena device = new Arena(BUDGET);
    private final Arena host = new Arena(1L << 40);
    private final Random random = new Random(5);
    private long time;
    private long nextId;
    private int step = -1;
    private String phase = "setup";

    static List<MemoryEvent> events(int steps) {
        OutOfCoreTrace t = new OutOfCoreTrace();
        t.run(steps);
        return t.events;
    }

    private void run(int steps) {
        marker(Action.PHASE, "");
        for (int l = 0; l < LAYERS.length; l++) {
            if (WEIGHTS[l] > 0) {
                alloc(LAYERS[l] + ".weight", LAYERS[l], Category.PARAMETER, WEIGHTS[l]);
                alloc(LAYERS[l] + ".weight.grad", LAYERS[l], Category.GRADIENT, WEIGHTS[l]);
            }
        }
        for (int s = 0; s < steps; s++) {
            step = s;
            phase = "step";
            marker(Action.SEGMENT, "");
            Block input = alloc("input", "data", Category.INPUT, 100352);
            Block[] outs = new Block[LAYERS.length];
            Block[] copies = new Block[LAYERS.length];
            for (int l = 0; l < LAYERS.length; l++) {
                phase("forward", LAYERS[l]);
                outs[l] = alloc(LAYERS[l] + ".out", LAYERS[l], Category.ACTIVATION, OUT[l]);
                if (l > 0 && l < LAYERS.length - 2) {
                    copies[l - 1] = copyToHost(outs[l - 1]);
                    outs[l - 1] = move(Action.SWAP_OUT, outs[l - 1], outs[l - 1].offset);
                    device.free(outs[l - 1].offset);
                }
            }
            free(input);
            Block upstream = null;
            for (int l = LAYERS.length - 1; l >= 0; l--) {
                phase("backward", LAYERS[l]);
                long bytes = outs[l].bytes;
                if (copies[l] != null) {
                    if (s == steps - 1 && l == 0) {
                        move(Action.FREE, outs[l], outs[l].offset);
                        outs[l] = null;
                    } else {
                        outs[l] = move(Action.SWAP_IN, outs[l], device.allocate(bytes));
                    }
                    host.free(copies[l].offset);
                    emit(Action.FREE, copies[l]);
                }
                Block grad = alloc(LAYERS[l] + ".grad_in", LAYERS[l], Category.ACTIVATION_GRAD, bytes);
                free(outs[l]);
                free(upstream);
                upstream = grad;
            }
            free(upstream);
            phase("update", "");
            free(alloc("sgd.tmp", "", Category.TEMPORARY, 192000));
        }
    }

    private Block copyToHost(Block b) {
        long at = host.allocate(b.bytes);
        Block copy = new Block(nextId++, b.name + TensorLifetime.HOST_COPY_SUFFIX, b.layer, Category.HOST, at,
                host.sizeOf(at));
        emit(Action.ALLOC, copy);
        return copy;
    }

    private Block alloc(String name, String layer, Category category, long bytes) {
        long at = device.allocate(bytes);
        if (at < 0) {
            throw new IllegalStateException(name + " does not fit the synthetic trace's arena");
        }
        Block b = new Block(nextId++, name, layer, category, at, device.sizeOf(at));
        emit(Action.ALLOC, b);
        return b;
    }

    private void free(Block b) {
        if (b != null) {
            device.free(b.offset);
            emit(Action.FREE, b);
        }
    }

    /** An event about {@code b} at {@code offset}; returns the block as it now is. */
    private Block move(Action action, Block b, long offset) {
        Block moved = new Block(b.id, b.name, b.layer, b.category, offset, b.bytes);
        emit(action, moved);
        return moved;
    }

    private void phase(String name, String layer) {
        phase = name;
        marker(Action.PHASE, layer);
    }

    private void marker(Action action, String layer) {
        time += 1_000 + random.nextInt(4_000);
        events.add(new MemoryEvent(events.size(), time, action, -1, "", layer, null, -1, 0, step, phase, -1, -1, -1));
    }

    private void emit(Action action, Block b) {
        time += 2_000 + random.nextInt(30_000);
        events.add(new MemoryEvent(events.size(), time, action, b.id, b.name, b.layer, b.category, b.offset, b.bytes,
                step, phase, -1, -1, -1));
    }
}
