package io.memscope.trainer.bench;

import io.memscope.trainer.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a PyTorch memory snapshot of a made-up training run, laid out as {@code torch.cuda.memory._dump_snapshot()}
 * lays out PyTorch 2.6's: segments first, then one device's trace with {@code time_us}, combined C++/Python
 * stacks of shared frame dicts, a fresh frames list per allocation and per free (a free's two entries share
 * one), the frames lists of blocks alive at the end shared with their alloc entries, and every repeated string a
 * memo reference. Used to measure the import on a trace far larger than the real snapshots at hand.
 *
 * <p>The run: parameters and, after the first step, optimizer state; per step a forward pass that keeps one
 * activation per layer (and a workspace it frees at once), a backward pass on autograd's engine thread that
 * frees them in reverse, and an optimizer step with a temporary. Blocks come from a caching allocator that
 * reuses freed blocks of the same size and reserves 20 MiB segments (larger blocks get their own).
 */
public final class SyntheticSnapshot {
    /** What was written, for checking the import. */
    public record Facts(int entries, int allocs, int segments, int frames, int stacks, long bytes) {}

    private static final long BASE = 0x7f3a_0000_0000L;
    private static final long SEGMENT = 20L << 20;
    private static final int LAYERS = 24;
    private static final int PARAMS = 8;

    // actions
    private static final byte ALLOC = 0;
    private static final byte FREE_REQUESTED = 1;
    private static final byte FREE_COMPLETED = 2;
    private static final byte SEGMENT_ALLOC = 3;
    private static final String[] ACTIONS = {"alloc", "free_requested", "free_completed", "segment_alloc"};

    private final List<String[]> frames = new ArrayList<>();
    private final List<int[]> stacks = new ArrayList<>();
    private final SplittableRandom random;
    // the trace as simulated
    private byte[] action = new byte[1 << 16];
    private long[] addr = new long[1 << 16];
    private long[] size = new long[1 << 16];
    private long[] time = new long[1 << 16];
    private int[] stack = new int[1 << 16];
    private int n;
    private long now = 1_770_000_000_000_000L;
    // the allocator
    private final Map<Long, ArrayDeque<Long>> freeBySize = new HashMap<>();
    private final List<long[]> segments = new ArrayList<>();
    private long segmentEnd;
    private long cursor;
    private long next = BASE;
    /** Live blocks: address -> {size, stack, entry of the alloc}. */
    private final Map<Long, long[]> live = new HashMap<>();

    private SyntheticSnapshot(long seed) {
        random = new SplittableRandom(seed);
    }

    /** Writes a snapshot of at least {@code entries} trace entries to {@code file}. */
    public static Facts write(Path file, int entries, long seed) throws IOException {
        SyntheticSnapshot s = new SyntheticSnapshot(seed);
        s.simulate(entries);
        long[] bytes = new long[1];
        int[] allocs = new int[1];
        AtomicFiles.writeStream(file, out -> {
            CountingStream counting = new CountingStream(out);
            s.writePickle(new PickleWriter(counting));
            bytes[0] = counting.count;
        });
        for (int i = 0; i < s.n; i++) {
            allocs[0] += s.action[i] == ALLOC ? 1 : 0;
        }
        return new Facts(s.n, allocs[0], s.segments.size(), s.frames.size(), s.stacks.size(), bytes[0]);
    }

    // ---- the run ----------------------------------------------------------------------------------------

    private final Map<String, Integer> frameIds = new HashMap<>();
    private final Map<String, Integer> stackIds = new HashMap<>();

    /** A frame, once per content, as PyTorch symbolizes each distinct frame once. */
    private int frame(String file, int line, String name) {
        return frameIds.computeIfAbsent(file + '\n' + line + '\n' + name, k -> {
            frames.add(new String[] {file, Integer.toString(line), name});
            return frames.size() - 1;
        });
    }

    /** A stack, once per content. */
    private int stack(int... ids) {
        return stackIds.computeIfAbsent(Arrays.toString(ids), k -> {
            stacks.add(ids);
            return stacks.size() - 1;
        });
    }

    private void simulate(int target) {
        String torch = "/opt/venv/lib/python3.11/site-packages/torch";
        int unwind = frame("??", 0, "torch::unwind::unwind()");
        int gather = frame("??", 0, "torch::CapturedTraceback::gather(bool, bool, bool)");
        int malloc = frame("CUDACachingAllocator.cpp", 0,
                "c10::cuda::CUDACachingAllocator::Native::DeviceCachingAllocator::malloc(signed char, unsigned long, "
                        + "CUstream_st*)");
        int empty = frame("??", 0, "at::native::empty_cuda(c10::ArrayRef<long>, std::optional<c10::ScalarType>)");
        int eval = frame("/usr/local/src/conda/python-3.11/Python/ceval.c", 5305, "_PyEval_EvalFrameDefault");
        int engine = frame("??", 0, "torch::autograd::Engine::evaluate_function(std::shared_ptr<torch::autograd::"
                + "GraphTask>&, torch::autograd::Node*, torch::autograd::InputBuffer&, std::shared_ptr<torch::"
                + "autograd::ReadyQueue> const&)");
        int thread = frame("??", 0, "torch::autograd::Engine::thread_main(std::shared_ptr<torch::autograd::"
                + "GraphTask> const&)");
        int user = frame("/work/train.py", 88, "<module>");
        int step = frame("/work/train.py", 61, "train_step");
        int call = frame(torch + "/nn/modules/module.py", 1747, "_call_impl");
        int wrapped = frame(torch + "/nn/modules/module.py", 1736, "_wrapped_call_impl");
        int modelForward = frame("/work/model.py", 40, "forward");
        int[] forward = new int[LAYERS];
        int[] backward = new int[LAYERS];
        int[] workspace = new int[LAYERS];
        String[] ops = {"conv2d", "batch_norm", "relu", "max_pool2d", "linear", "dropout"};
        String[] modules = {"conv", "batchnorm", "activation", "pooling", "linear", "dropout"};
        for (int l = 0; l < LAYERS; l++) {
            int op = l % ops.length;
            int fn = frame(torch + "/nn/functional.py", 1400 + 37 * op, ops[op]);
            int mod = frame(torch + "/nn/modules/" + modules[op] + ".py", 100 + l, "forward");
            forward[l] = stack(unwind, gather, malloc, empty, fn, eval, mod, call, wrapped, modelForward, call,
                    wrapped, step, user);
            int grad = frame("??", 0, "torch::autograd::generated::" + Character.toUpperCase(ops[op].charAt(0))
                    + ops[op].substring(1) + "Backward0::apply(std::vector<at::Tensor, std::allocator<at::Tensor> "
                    + ">&&)");
            backward[l] = stack(unwind, gather, malloc, empty, grad, engine, thread);
            workspace[l] = stack(unwind, gather, malloc, frame("??", 0, "at::native::cudnn_convolution_forward"
                    + "(at::Tensor const&, at::Tensor const&)"), fn, eval, mod, call, wrapped, modelForward, call,
                    wrapped, step, user);
        }
        int param = stack(unwind, gather, malloc, empty, frame(torch + "/nn/modules/module.py", 1329, "convert"),
                frame(torch + "/nn/modules/module.py", 928, "_apply"), frame(torch + "/nn/modules/module.py", 1340,
                        "to"), user);
        int adam = frame(torch + "/optim/adam.py", 434, "_single_tensor_adam");
        int adamStep = frame(torch + "/optim/adam.py", 247, "step");
        int optimizer = stack(unwind, gather, malloc, empty, adam, adamStep,
                frame(torch + "/optim/optimizer.py", 487, "wrapper"), step, user);
        int freeForward = stack(unwind, gather, frame("??", 0, "c10::TensorImpl::~TensorImpl()"), eval, step, user);
        int freeBackward = stack(unwind, gather, frame("??", 0, "c10::TensorImpl::~TensorImpl()"), engine, thread);

        long[] params = new long[PARAMS];
        for (int p = 0; p < PARAMS; p++) {
            params[p] = alloc(1L << (18 + p % 5), param);
        }
        long[] act = new long[LAYERS];
        long[] grads = new long[LAYERS + 1];
        boolean first = true;
        while (n < target) {
            for (int l = 0; l < LAYERS && n < target; l++) {
                long ws = alloc(1L << (16 + l % 4), workspace[l]);
                act[l] = alloc(((8L << 20) >> (l % 6)) + 1000L * l, forward[l]);
                free(ws, freeForward);
            }
            grads[LAYERS] = alloc(1 << 12, backward[LAYERS - 1]);
            for (int l = LAYERS - 1; l >= 0 && n < target; l--) {
                grads[l] = alloc(live.get(act[l])[0], backward[l]);
                free(act[l], freeBackward);
                free(grads[l + 1], freeBackward);
            }
            if (first) {
                for (int p = 0; p < PARAMS; p++) {
                    alloc(live.get(params[p])[0], optimizer);
                    alloc(live.get(params[p])[0], optimizer);
                }
                first = false;
            }
            long tmp = alloc(1 << 20, optimizer);
            free(tmp, freeForward);
            if (live.containsKey(grads[0])) {
                free(grads[0], freeBackward);
            }
            // a step cut short by the target leaves its activations alive, as a snapshot taken mid-step would
            if (n >= target) {
                break;
            }
        }
    }

    private long alloc(long bytes, int stackId) {
        long rounded = (bytes + 511) / 512 * 512;
        ArrayDeque<Long> free = freeBySize.get(rounded);
        long a;
        if (free != null && !free.isEmpty()) {
            a = free.pop();
        } else {
            if (cursor + rounded > segmentEnd) {
                long segmentSize = Math.max(SEGMENT, (rounded + (2 << 20) - 1) / (2 << 20) * (2 << 20));
                cursor = next;
                segmentEnd = next + segmentSize;
                next = segmentEnd + (2 << 20);
                segments.add(new long[] {cursor, segmentSize});
                entry(SEGMENT_ALLOC, cursor, segmentSize, stackId);
            }
            a = cursor;
            cursor += rounded;
        }
        live.put(a, new long[] {bytes, stackId, n, rounded});
        entry(ALLOC, a, bytes, stackId);
        return a;
    }

    private void free(long a, int stackId) {
        long[] block = live.remove(a);
        entry(FREE_REQUESTED, a, block[0], stackId);
        entry(FREE_COMPLETED, a, block[0], stackId);
        freeBySize.computeIfAbsent(block[3], k -> new ArrayDeque<>()).push(a);
    }

    private void entry(byte kind, long address, long bytes, int stackId) {
        if (n == action.length) {
            int cap = n * 2;
            action = Arrays.copyOf(action, cap);
            addr = Arrays.copyOf(addr, cap);
            size = Arrays.copyOf(size, cap);
            time = Arrays.copyOf(time, cap);
            stack = Arrays.copyOf(stack, cap);
        }
        now += random.nextInt(3, 60);
        action[n] = kind;
        addr[n] = address;
        size[n] = bytes;
        time[n] = now;
        stack[n] = stackId;
        n++;
    }

    // ---- the pickle -------------------------------------------------------------------------------------

    private int[] frameSlot;

    private void writePickle(PickleWriter w) throws IOException {
        frameSlot = new int[frames.size()];
        Arrays.fill(frameSlot, -1);
        // the frames list each alloc entry of a block alive at the end shares with that block
        Map<Integer, Integer> sharedList = new HashMap<>();
        w.proto(4).emptyDict().memoize();
        w.mark();
        w.string("segments").emptyList().memoize();
        w.mark();
        List<long[]> blocks = new ArrayList<>(live.entrySet().stream()
                .map(e -> new long[] {e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2], e.getValue()[3]})
                .toList());
        blocks.sort((x, y) -> Long.compare(x[0], y[0]));
        for (long[] seg : segments) {
            long lo = seg[0];
            long hi = seg[0] + seg[1];
            w.emptyDict().memoize();
            w.mark();
            w.string("device").integer(0);
            w.string("address").integer(lo);
            w.string("total_size").integer(seg[1]);
            long allocated = 0;
            long requested = 0;
            for (long[] b : blocks) {
                if (b[0] >= lo && b[0] < hi) {
                    allocated += b[4];
                    requested += b[1];
                }
            }
            w.string("allocated_size").integer(allocated);
            w.string("active_size").integer(allocated);
            w.string("requested_size").integer(requested);
            w.string("stream").integer(0);
            w.string("segment_type").string("large");
            w.string("segment_pool_id").integer(0).integer(0).tuple2().memoize();
            w.string("is_expandable").bool(false);
            w.string("frames").emptyList().memoize();
            w.string("blocks").emptyList().memoize();
            w.mark();
            long at = lo;
            for (long[] b : blocks) {
                if (b[0] < lo || b[0] >= hi) {
                    continue;
                }
                if (b[0] > at) {
                    block(w, at, b[0] - at, 0, "inactive", -1);
                }
                int slot = block(w, b[0], b[4], b[1], "active_allocated", (int) b[2]);
                sharedList.put((int) b[3], slot);
                at = b[0] + b[4];
            }
            if (at < hi) {
                block(w, at, hi - at, 0, "inactive", -1);
            }
            w.appends();
            w.setItems();
        }
        w.appends();
        w.string("device_traces").emptyList().memoize();
        w.emptyList().memoize();
        int batch = 0;
        int sharedSlot = -1;
        for (int i = 0; i < n; i++) {
            if (batch == 0) {
                w.mark();
            }
            w.emptyDict().memoize();
            w.mark();
            w.string("action").string(ACTIONS[action[i]]);
            w.string("addr").integer(addr[i]);
            w.string("size").integer(size[i]);
            w.string("stream").integer(0);
            w.string("time_us").integer(time[i]);
            w.string("frames");
            Integer shared = sharedList.get(i);
            if (shared != null) {
                w.get(shared);
            } else if (action[i] == FREE_COMPLETED && sharedSlot >= 0) {
                w.get(sharedSlot); // free_completed shares the frames of its free_requested
            } else {
                int slot = framesList(w, stack[i]);
                if (action[i] == FREE_REQUESTED) {
                    sharedSlot = slot;
                }
            }
            w.setItems();
            if (++batch == 1000) {
                w.appends();
                batch = 0;
            }
        }
        if (batch > 0) {
            w.appends();
        }
        w.append();
        w.setItems();
        w.stop();
    }

    private int block(PickleWriter w, long address, long bytes, long requested, String state, int stackId)
            throws IOException {
        w.emptyDict().memoize();
        w.mark();
        w.string("address").integer(address);
        w.string("size").integer(bytes);
        w.string("requested_size").integer(requested);
        w.string("state").string(state);
        w.string("frames");
        int slot = stackId < 0 ? emptyFrames(w) : framesList(w, stackId);
        w.setItems();
        return slot;
    }

    private static int emptyFrames(PickleWriter w) throws IOException {
        w.emptyList();
        return w.memoize();
    }

    /** A fresh frames list of the stack's frame dicts, each dict written the first time and referred to after. */
    private int framesList(PickleWriter w, int stackId) throws IOException {
        w.emptyList();
        int slot = w.memoize();
        w.mark();
        for (int f : stacks.get(stackId)) {
            if (frameSlot[f] >= 0) {
                w.get(frameSlot[f]);
            } else {
                String[] fr = frames.get(f);
                w.emptyDict();
                frameSlot[f] = w.memoize();
                w.mark();
                w.string("name").string(fr[2]);
                w.string("filename").string(fr[0]);
                w.string("line").integer(Integer.parseInt(fr[1]));
                w.setItems();
            }
        }
        w.appends();
        return slot;
    }

    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;

        CountingStream(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
