package io.memscope.trainer.render;

import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Arena;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds event streams shaped like a CNN training run, allocating through a real {@link Arena} so addresses
 * are what the trainer would record: setup (input, parameters, optimizer state), then per step a forward pass
 * that keeps activations, a backward pass that frees them at their last use, and an update.
 */
final class SyntheticTrace {
    /** A live tensor as the generator tracks it. */
    record Block(long id, String name, String layer, Category category, long offset, long bytes) {}

    final List<MemoryEvent> events = new ArrayList<>();
    final Arena arena;
    /** The host tier's own address space, for {@link #outOfCore} traces. */
    final Arena hostArena = new Arena(1L << 40);
    private boolean hostTier;
    private final Random random;
    private long time;
    private long nextId;
    private int step = -1;
    private String phase = "setup";
    /** When at least 0, that step's forward pass ends with an OOM asking for {@link #oomBytes}. */
    private int oomStep = -1;
    private long oomBytes;

    SyntheticTrace(long budget, long seed) {
        this.arena = new Arena(budget);
        this.random = new Random(seed);
    }

    static TraceInfo info(long budget) {
        return new TraceInfo("SmallVGG", "baseline", "meta (simulated device)", 32, budget, Map.of());
    }

    /**
     * A run of {@code steps} steps over {@code layers} layers. Step 1 swaps the first activation out during
     * forward and back in for backward, and compresses the second; the last step ends with an OOM.
     */
    static SyntheticTrace cnn(int steps, int layers, long budget, long seed) {
        SyntheticTrace t = new SyntheticTrace(budget, seed);
        t.run(steps, layers, true);
        return t;
    }

    /**
     * A run as the out-of-core mode records it: in forward, each activation but the last is copied to host memory
     * (ALLOC of its HOST copy {@code <name>@host}, then SWAP_OUT) once the next layer has read it; in backward it
     * comes back (SWAP_IN at a new address, then FREE of the host copy) before its layer's backward. In the last
     * step the first activation is freed while swapped out, and its host copy after it.
     */
    static SyntheticTrace outOfCore(int steps, int layers, long budget, long seed) {
        SyntheticTrace t = new SyntheticTrace(budget, seed);
        t.hostTier = true;
        t.run(steps, layers, false);
        return t;
    }

    /**
     * A small network in a large budget, like LeNet-5 in 512 MiB: the tensors fit in an arena of {@code used}
     * bytes (pair the events with {@link #info} of the real budget); no swapping, no OOM, no evaluation.
     */
    static SyntheticTrace small(int steps, long used, long seed) {
        return small(steps, used, -1, 0, seed);
    }

    /** As {@link #small(int, long, long)}, with an OOM asking for {@code oomBytes} in step {@code oomStep}. */
    static SyntheticTrace small(int steps, long used, int oomStep, long oomBytes, long seed) {
        SyntheticTrace t = new SyntheticTrace(used, seed);
        t.oomStep = oomStep;
        t.oomBytes = oomBytes;
        t.run(steps, 5, false);
        return t;
    }

    void run(int steps, int layers, boolean extras) {
        // Sized so the busiest moment of a step fills about 70% of the arena.
        long unit = Math.max(Arena.ALIGNMENT, (long) (arena.capacity() / (0.4 * layers * layers + 2 * layers + 3)));
        phase("setup", "");
        Block input = alloc("input", "data", Category.INPUT, unit);
        Block[] params = new Block[layers];
        Block[] optimizer = new Block[layers];
        Block[] grads = new Block[layers];
        for (int l = 0; l < layers; l++) {
            params[l] = alloc("conv" + l + ".weight", "conv" + l, Category.PARAMETER, unit / 4 + unit / 16 * l);
        }
        for (int l = 0; l < layers; l++) {
            optimizer[l] = alloc("conv" + l + ".momentum", "conv" + l, Category.OPTIMIZER_STATE, params[l].bytes);
        }
        for (int s = 0; s < steps; s++) {
            segment(s);
            Block[] acts = new Block[layers];
            Block[] copies = new Block[layers];
            for (int l = 0; l < layers; l++) {
                phase("forward", "conv" + l);
                long size = unit * (layers - l) / 2 + Arena.ALIGNMENT;
                acts[l] = alloc("conv" + l + ".out", "conv" + l, Category.ACTIVATION, size);
                Block ws = alloc("conv" + l + ".workspace", "conv" + l, Category.WORKSPACE, unit / 2);
                free(ws);
                if (hostTier && l > 0) {
                    copies[l - 1] = copyToHost(acts[l - 1]);
                    acts[l - 1] = swapOut(acts[l - 1]);
                }
                if (extras && s == 1 && l == 1) {
                    acts[0] = swapOut(acts[0]);
                }
            }
            if (s == oomStep) {
                oom("fc.out", "fc", Category.ACTIVATION, oomBytes);
            }
            Block compressed = null;
            if (extras && s == 1 && layers > 2) {
                compressed = alloc("conv1.out.sz", "conv1", Category.COMPRESSED, acts[1].bytes / 4);
                acts[1] = mark(Action.COMPRESS, acts[1], acts[1].offset);
                arena.free(acts[1].offset);
            }
            Block upstream = null;
            for (int l = layers - 1; l >= 0; l--) {
                phase("backward", "conv" + l);
                if (extras && s == 1 && l == 1 && compressed != null) {
                    long at = arena.allocate(acts[1].bytes);
                    acts[1] = mark(Action.DECOMPRESS, acts[1], at);
                    free(compressed);
                }
                if (extras && s == 1 && l == 0) {
                    acts[0] = swapIn(acts[0]);
                }
                long actBytes = acts[l].bytes;
                if (copies[l] != null) {
                    if (s == steps - 1 && l == 0) {
                        mark(Action.FREE, acts[l], acts[l].offset);
                        acts[l] = null;
                    } else {
                        acts[l] = swapIn(acts[l]);
                    }
                    freeHost(copies[l]);
                }
                Block grad = alloc("conv" + l + ".grad_in", "conv" + l, Category.ACTIVATION_GRAD, actBytes);
                if (grads[l] == null) {
                    grads[l] = alloc("conv" + l + ".weight.grad", "conv" + l, Category.GRADIENT, params[l].bytes);
                }
                free(acts[l]);
                if (upstream != null) {
                    free(upstream);
                }
                upstream = grad;
            }
            free(upstream);
            phase("update", "");
            Block tmp = alloc("sgd.tmp", "", Category.TEMPORARY, unit);
            free(tmp);
            if (extras && s == steps - 1) {
                oom("conv0.out", "conv0", Category.ACTIVATION, arena.capacity());
            }
        }
        if (extras) {
            phase("eval", "");
            Block e = alloc("eval.out", "conv0", Category.ACTIVATION, unit * 2);
            free(e);
        }
        free(input);
    }

    void segment(int newStep) {
        step = newStep;
        phase = "step";
        emit(Action.SEGMENT, -1, "", "", null, -1, 0, -1, -1, -1);
    }

    void phase(String name, String layer) {
        phase = name;
        emit(Action.PHASE, -1, "", layer, null, -1, 0, -1, -1, -1);
    }

    Block alloc(String name, String layer, Category category, long bytes) {
        long offset = arena.allocate(bytes);
        if (offset < 0) {
            oom(name, layer, category, bytes);
            return null;
        }
        Block b = new Block(nextId++, name, layer, category, offset, arena.sizeOf(offset));
        emit(Action.ALLOC, b.id, name, layer, category, offset, b.bytes, -1, -1, -1);
        return b;
    }

    void free(Block b) {
        if (b == null) {
            return;
        }
        arena.free(b.offset);
        emit(Action.FREE, b.id, b.name, b.layer, b.category, b.offset, b.bytes, -1, -1, -1);
    }

    Block swapOut(Block b) {
        arena.free(b.offset);
        return mark(Action.SWAP_OUT, b, b.offset);
    }

    /** The start of a swap-out: the host copy's block, in the host's address space. */
    Block copyToHost(Block b) {
        long at = hostArena.allocate(b.bytes);
        Block copy = new Block(nextId++, b.name + TensorLifetime.HOST_COPY_SUFFIX, b.layer, Category.HOST, at,
                hostArena.sizeOf(at));
        emit(Action.ALLOC, copy.id, copy.name, copy.layer, Category.HOST, at, copy.bytes, -1, -1, -1);
        return copy;
    }

    void freeHost(Block copy) {
        hostArena.free(copy.offset);
        emit(Action.FREE, copy.id, copy.name, copy.layer, Category.HOST, copy.offset, copy.bytes, -1, -1, -1);
    }

    Block swapIn(Block b) {
        return mark(Action.SWAP_IN, b, arena.allocate(b.bytes));
    }

    /** Emits an event for {@code b} at {@code offset}; returns the block as it now is. */
    Block mark(Action action, Block b, long offset) {
        Block moved = new Block(b.id, b.name, b.layer, b.category, offset, b.bytes);
        emit(action, b.id, b.name, b.layer, b.category, offset, b.bytes, -1, -1, -1);
        return moved;
    }

    void oom(String name, String layer, Category category, long bytes) {
        emit(Action.OOM, -1, name, layer, category, -1, 0, Arena.align(bytes), arena.freeBytes(),
                arena.largestFreeBlock());
    }

    private void emit(Action action, long id, String name, String layer, Category category, long offset, long bytes,
                      long requested, long free, long largest) {
        time += 2_000 + random.nextInt(40_000);
        events.add(new MemoryEvent(events.size(), time, action, id, name, layer, category, offset, bytes, step, phase,
                requested, free, largest));
    }
}
