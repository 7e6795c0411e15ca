package io.memscope.trainer.program;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.backend.Transfers;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.Tensor;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.Node;
import io.memscope.trainer.net.layers.Layer;
import io.memscope.trainer.net.layers.LayerCall;
import io.memscope.trainer.net.layers.ParamDef;
import io.memscope.trainer.net.layers.Pass;
import io.memscope.trainer.optim.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Executes {@link StepProgram}s on a backend: allocates and frees through the backend's {@link DeviceMemory}
 * (so every event is traced), binds tensors to layer calls, runs the optimizer. It holds the persistent tensors
 * between steps.
 */
public final class ProgramRunner {
    private final Network net;
    private final Backend backend;
    private final Optimizer optimizer;
    private final long seed;
    private final Map<String, Tensor> live = new HashMap<>();
    /** Tensors off the device, held by their compressed form, by name. */
    private final Map<String, Tensor> compressedAway = new HashMap<>();
    private final Map<String, ParamDef> paramDefs = new HashMap<>();
    private int trainingSteps;
    private boolean measureReconstruction;
    private final List<Reconstruction> reconstructions = new ArrayList<>();
    private final List<CompressionRecord> compressions = new ArrayList<>();
    /** Out-of-core: tensors being copied to the host (block still held), on the host, and being copied back. */
    private final Map<String, Swap> swappingOut = new HashMap<>();
    private final Map<String, Swap> onHost = new HashMap<>();
    private final Map<String, Swap> swappingIn = new HashMap<>();
    private Transfers transfers;
    private SwapStats.Counter swapCounter = new SwapStats.Counter();
    private SwapStats lastSwaps = SwapStats.NONE;
    private OpProfile profile;

    public ProgramRunner(Network net, Backend backend, Optimizer optimizer, long seed) {
        this.net = net;
        this.backend = backend;
        this.optimizer = optimizer;
        this.seed = seed;
        for (Node node : net.nodes()) {
            for (ParamDef p : node.layer().params()) {
                paramDefs.put(node.name() + "." + p.suffix(), p);
            }
        }
    }

    public Backend backend() {
        return backend;
    }

    public DeviceMemory memory() {
        return backend.memory();
    }

    /**
     * Allocates the persistent tensors and initializes them: parameters from the seed as PyTorch's layers do by
     * default ({@link ParamDef.Init}), gradients and optimizer state to zero (on a backend that computes, not on
     * meta). Runs once, before the first step.
     */
    public void setup(StepProgram program) {
        if (!live.isEmpty()) {
            throw new IllegalStateException("setup already ran");
        }
        memory().phase("setup", "");
        execute(program, program.setup(), -1, null);
        if (!backend.computes()) {
            return; // nothing is stored; drawing VGG-16's 138M initial weights alone would take seconds
        }
        for (Map.Entry<String, Tensor> e : live.entrySet()) {
            Tensor t = e.getValue();
            ParamDef def = paramDefs.get(e.getKey());
            if (t.category() == Category.PARAMETER && def != null) {
                backend.upload(initialValues(e.getKey(), def), 0, t);
            } else {
                backend.fill(t, 0f);
            }
        }
    }

    /** Runs one step (or an inference pass) of the program on a batch. */
    public StepOutcome run(StepProgram program, int step, Batch batch) {
        if (live.isEmpty()) {
            throw new IllegalStateException("run setup first");
        }
        for (TensorDecl d : program.tensors().values()) {
            if (d.persistent() && !live.containsKey(d.name())) {
                throw new IllegalStateException(program.mode() + " program needs " + d.name()
                        + ", which the setup program did not allocate");
            }
        }
        if (program.mode().equals(StepProgram.INFERENCE_MODE)) {
            memory().phase("eval", "");
        } else {
            trainingSteps++;
            memory().beginStep(step);
        }
        return execute(program, program.step(), step, batch);
    }

    /**
     * Whether the next runs measure the reconstruction error of every tensor an inverse rebuilds (reversible
     * mode): forward's values are copied to the host when the program frees them and compared with the rebuilt
     * ones ({@link #reconstructions}). Device memory is untouched; only a backend that computes measures.
     */
    public void measureReconstruction(boolean on) {
        measureReconstruction = on;
    }

    /** What the last run that measured found, in the order the inverses ran (top of the network first). */
    public List<Reconstruction> reconstructions() {
        return List.copyOf(reconstructions);
    }

    /** The tensors the last training step compressed, in order, with their sizes and bounds. */
    public List<CompressionRecord> compressions() {
        return List.copyOf(compressions);
    }

    /** What the last training step moved between device and host, and how long it waited for copies. */
    public SwapStats swaps() {
        return lastSwaps;
    }

    /** Where each tensor on the device is, name → address: equal layouts at two step boundaries repeat. */
    public Map<String, Long> layout() {
        Map<String, Long> out = new java.util.TreeMap<>();
        live.forEach((name, t) -> out.put(name, t.offset()));
        return out;
    }

    /** The live tensor of that name (parameters, for tests and checkpoints). */
    public Tensor tensor(String name) {
        Tensor t = live.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no live tensor named " + name);
        }
        return t;
    }

    /** Downloads a live tensor's values. */
    public float[] read(String name) {
        Tensor t = tensor(name);
        float[] out = new float[t.size()];
        backend.download(t, out, 0);
        return out;
    }

    /** Every parameter and buffer (batch-norm running statistics), downloaded, by name in network order. */
    public Map<String, float[]> parameters() {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        for (String name : parameterNames()) {
            out.put(name, read(name));
        }
        return out;
    }

    /** Uploads values into the live tensors of those names: parameters, buffers, optimizer state. */
    public void write(Map<String, float[]> values) {
        values.forEach((name, v) -> backend.upload(v, 0, tensor(name)));
    }

    /** Names of the trainable parameters, in network order. */
    public List<String> parameterNames() {
        List<String> names = new ArrayList<>();
        for (Node node : net.nodes()) {
            for (ParamDef p : node.layer().params()) {
                names.add(node.name() + "." + p.suffix());
            }
        }
        return names;
    }

    /**
     * Times every instruction of the next runs into {@code profile} (null: stop). Costs two clock reads per
     * instruction; the benchmarks use it to say where a step's time goes.
     */
    public void profile(OpProfile profile) {
        this.profile = profile;
    }

    /** Frees every tensor still held (end of a run), and stops the copy thread. */
    public void release() {
        for (Tensor t : live.values()) {
            memory().free(t);
        }
        live.clear();
        if (transfers != null) {
            transfers.close();
            transfers = null;
        }
    }

    private StepOutcome execute(StepProgram program, List<Instruction> list, int step, Batch batch) {
        Outcome outcome = new Outcome();
        Set<String> rebuilt = measureReconstruction && backend.computes() ? rebuiltTensors(list) : Set.of();
        Map<String, float[]> truth = new HashMap<>();
        Set<String> captured = new HashSet<>();
        Map<String, Integer> chain = new HashMap<>();
        if (!rebuilt.isEmpty()) {
            reconstructions.clear();
        }
        boolean training = step >= 0 && !program.mode().equals(StepProgram.INFERENCE_MODE);
        if (training) {
            compressions.clear();
            swapCounter = new SwapStats.Counter();
        }
        OpProfile clock = profile;
        for (Instruction i : list) {
            long t0 = clock == null ? 0 : System.nanoTime();
            perform(program, i, step, batch, rebuilt, truth, captured, chain, outcome);
            if (clock != null) {
                clock.add(i instanceof Instruction.Run r ? net.node(r.node()).layer().type() + " " + r.pass().label()
                        + (clock.perLayer() ? " " + r.layer() : "") : OpProfile.kind(i), System.nanoTime() - t0);
            }
        }
        if (training) {
            lastSwaps = swapCounter.done();
        }
        return new StepOutcome(outcome.loss, outcome.correct, outcome.samples);
    }

    /** The loss and accuracy of a run, set by the loss layer's forward. */
    private static final class Outcome {
        double loss = Double.NaN;
        int correct;
        int samples;
    }

    private void perform(StepProgram program, Instruction i, int step, Batch batch, Set<String> rebuilt,
                         Map<String, float[]> truth, Set<String> captured, Map<String, Integer> chain,
                         Outcome outcome) {
        {
            if (i instanceof Instruction.Alloc a) {
                TensorDecl d = program.decl(a.tensor());
                if (live.containsKey(d.name())) {
                    throw new IllegalStateException(d.name() + " allocated twice");
                }
                live.put(d.name(), memory().allocate(d.name(), d.layer(), d.category(), d.dims()));
            } else if (i instanceof Instruction.Free f) {
                Tensor t = live.remove(f.tensor());
                if (t == null) {
                    throw new IllegalStateException(f.tensor() + " freed while not allocated");
                }
                if (rebuilt.contains(t.name()) && captured.add(t.name())) { // forward's free, not backward's
                    float[] v = new float[t.size()];
                    backend.download(t, v, 0);
                    truth.put(t.name(), v);
                }
                memory().free(t);
            } else if (i instanceof Instruction.Phase p) {
                memory().phase(p.name(), p.layer());
            } else if (i instanceof Instruction.Load l) {
                load(l, batch, program.batch());
            } else if (i instanceof Instruction.Mark m) {
                memory().mark(m.action(), tensor(m.tensor()));
            } else if (i instanceof Instruction.Compress c) {
                compress(program, c, step);
            } else if (i instanceof Instruction.Decompress d) {
                decompress(program, d);
            } else if (i instanceof Instruction.SwapOut o) {
                swapOut(program, o.tensor());
            } else if (i instanceof Instruction.Release r) {
                Swap sw = take(swappingOut, r.tensor(), "released");
                waitFor(sw);
                memory().leave(sw.device, Action.SWAP_OUT);
                onHost.put(r.tensor(), sw);
            } else if (i instanceof Instruction.Cancel c) {
                Swap sw = take(swappingOut, c.tensor(), "kept (cancelled)");
                waitFor(sw);
                memory().hostFree(sw.host);
                live.put(c.tensor(), sw.device);
                swapCounter.cancels++;
            } else if (i instanceof Instruction.SwapIn in) {
                swapIn(program, in.tensor());
            } else if (i instanceof Instruction.Await w) {
                Swap sw = take(swappingIn, w.tensor(), "awaited");
                waitFor(sw);
                memory().hostFree(sw.host);
                live.put(w.tensor(), sw.device);
            } else if (i instanceof Instruction.CopyRows c) {
                backend.copyRows(tensor(c.src()), c.srcRow(), tensor(c.dst()), c.dstRow(), c.rows(), c.accumulate());
            } else if (i instanceof Instruction.FillRows f) {
                backend.fillRows(tensor(f.tensor()), f.row(), f.rows(), f.value());
            } else if (i instanceof Instruction.Update u) {
                optimizer.apply(backend, tensor(u.param()), tensor(u.grad()),
                        u.state().stream().map(this::tensor).toList(), trainingSteps);
            } else if (i instanceof Instruction.Run r) {
                Layer layer = net.node(r.node()).layer();
                LayerCall call = bind(r, program.batch(), step);
                if (r.pass() == Pass.FORWARD) {
                    layer.forward(backend, call);
                    if (layer.isLoss() && backend.computes()) {
                        float[] l = new float[1];
                        backend.download(call.output(), l, 0);
                        outcome.loss = l[0];
                        outcome.samples = program.batch();
                        outcome.correct = countCorrect(call.saved(0), batch, program.batch());
                    }
                } else if (r.pass() == Pass.INVERSE) {
                    layer.inverse(backend, call);
                    float[] before = truth.remove(call.in(0).name());
                    if (before != null) {
                        float[] after = new float[call.in(0).size()];
                        backend.download(call.in(0), after, 0);
                        int depth = chain.getOrDefault(r.output(), 0) + 1;
                        chain.put(r.inputs().get(0), depth);
                        reconstructions.add(Reconstruction.measure(call.in(0).name(), r.layer(), depth, before, after,
                                step));
                    }
                } else {
                    layer.backward(backend, call);
                    if (program.codec() != null && backend.computes() && program.codec().observesGradients(step)) {
                        reportGradients(program.codec(), r, call, step);
                    }
                }
            }
        }
    }

    // ---- out-of-core ------------------------------------------------------------------------------------

    /** A tensor on its way to or from the host, or there: its device tensor, host block, values and copy. */
    private static final class Swap {
        final Tensor device;
        final Tensor host;
        final float[] values;
        final java.util.concurrent.Future<?> copy;

        Swap(Tensor device, Tensor host, float[] values, java.util.concurrent.Future<?> copy) {
            this.device = device;
            this.host = host;
            this.values = values;
            this.copy = copy;
        }
    }

    private Transfers transfers(StepProgram program) {
        if (transfers == null || transfers.bytesPerSecond() != program.linkBytesPerSecond()) {
            if (transfers != null) {
                transfers.close();
            }
            transfers = backend.computes() && program.linkBytesPerSecond() > 0
                    ? backend.transfers(program.linkBytesPerSecond()) : Transfers.none();
        }
        return transfers;
    }

    private void swapOut(StepProgram program, String name) {
        Tensor t = live.remove(name);
        if (t == null) {
            throw new IllegalStateException(name + " swapped out while not on the device");
        }
        Tensor host = memory().hostAllocate(t);
        float[] values = backend.computes() ? new float[t.size()] : null;
        java.util.concurrent.Future<?> copy = values == null
                ? java.util.concurrent.CompletableFuture.completedFuture(null) : transfers(program).toHost(t, values);
        swappingOut.put(name, new Swap(t, host, values, copy));
        swapCounter.toHost += t.elements() * Float.BYTES;
        swapCounter.swapOuts++;
    }

    private void swapIn(StepProgram program, String name) {
        Swap away = take(onHost, name, "swapped in");
        Tensor back = memory().comeBack(away.device, Action.SWAP_IN);
        java.util.concurrent.Future<?> copy = away.values == null
                ? java.util.concurrent.CompletableFuture.completedFuture(null)
                : transfers(program).toDevice(away.values, back);
        swappingIn.put(name, new Swap(back, away.host, away.values, copy));
        swapCounter.toDevice += back.elements() * Float.BYTES;
        swapCounter.swapIns++;
    }

    private static Swap take(Map<String, Swap> from, String name, String verb) {
        Swap s = from.remove(name);
        if (s == null) {
            throw new IllegalStateException(name + " " + verb + " in the wrong state");
        }
        return s;
    }

    /** Waits for a swap's copy; the time spent waiting is what the copies did not hide behind compute. */
    private void waitFor(Swap s) {
        if (s.copy.isDone()) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            s.copy.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the copy of " + s.device.name(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the copy of " + s.device.name() + " failed: " + e.getCause(), e);
        }
        swapCounter.waitNanos += System.nanoTime() - t0;
    }

    /**
     * Compresses a tensor into a COMPRESSED block of the stream's size: the stream's bytes are packed four to a
     * float (raw bits, which copies keep exactly) into device memory. On the meta backend the codec's planned
     * size is allocated instead.
     */
    private void compress(StepProgram program, Instruction.Compress c, int step) {
        ActivationCodec codec = program.codec();
        if (codec == null) {
            throw new IllegalStateException(program.mode() + " program compresses " + c.tensor() + " but the runner has "
                    + "no codec");
        }
        Tensor t = tensor(c.tensor());
        if (live.containsKey(c.into())) {
            throw new IllegalStateException(c.into() + " allocated twice");
        }
        TensorDecl d = program.decl(c.into());
        if (!backend.computes()) {
            long planned = codec.plannedBytes(c.tensor(), t.dims());
            live.put(c.into(), memory().allocate(c.into(), d.layer(), d.category(),
                    Dims.vector(Packing.floats(planned))));
            leave(t);
            return;
        }
        float[] values = new float[t.size()];
        backend.download(t, values, 0);
        ActivationCodec.Encoded encoded = codec.encode(c.tensor(), t.dims(), values, step);
        float[] packed = Packing.pack(encoded.stream());
        Tensor z = memory().allocate(c.into(), d.layer(), d.category(), Dims.vector(packed.length));
        live.put(c.into(), z);
        backend.upload(packed, 0, z);
        leave(t);
        compressions.add(new CompressionRecord(c.tensor(), t.elements() * Float.BYTES, packed.length * 4L,
                encoded.errorBound(), step));
    }

    /** The compressed tensor's block goes back to the arena; its stream holds it until DECOMPRESS. */
    private void leave(Tensor t) {
        live.remove(t.name());
        compressedAway.put(t.name(), t);
        memory().leave(t, Action.COMPRESS);
    }

    private void decompress(StepProgram program, Instruction.Decompress d) {
        Tensor z = tensor(d.from());
        Tensor away = compressedAway.remove(d.tensor());
        if (away == null) {
            throw new IllegalStateException(d.tensor() + " decompressed while not compressed");
        }
        Tensor t = memory().comeBack(away, Action.DECOMPRESS);
        live.put(t.name(), t);
        if (backend.computes()) {
            float[] packed = new float[z.size()];
            backend.download(z, packed, 0);
            float[] values = new float[t.size()];
            program.codec().decode(d.tensor(), Packing.unpack(packed), values);
            backend.upload(values, 0, t);
        }
    }

    /**
     * Tells the codec the norms of a backward pass's output gradient and first weight gradient for each input it
     * read (adaptive error bounds); layers without a trained weight tell nothing.
     */
    private void reportGradients(ActivationCodec codec, Instruction.Run r, LayerCall call, int step) {
        if (call.gradOut() == null || call.paramGrads().isEmpty() || call.paramGrad(0) == null) {
            return;
        }
        Tensor dw = call.paramGrad(0);
        String type = net.node(r.node()).layer().type();
        double gain;
        if (type.endsWith("batchnorm2d")) {
            // dgamma = Σ dy · (x − mean) · invStd: an error in x reaches it scaled by the channel's invStd
            float[] inv = new float[call.saved(1).size()];
            backend.download(call.saved(1), inv, 0);
            double s = 0;
            for (float v : inv) {
                s += (double) v * v;
            }
            gain = Math.sqrt(s / Math.max(1, inv.length));
        } else {
            gain = Math.sqrt((double) dw.elements() / Math.max(1, dw.dims().n()));
        }
        double dy = norm(call.gradOut());
        double dwNorm = norm(dw);
        for (String in : r.inputs()) {
            if (in != null) {
                codec.gradients(in, r.layer(), dy, dwNorm, gain, step);
            }
        }
    }

    private double norm(Tensor t) {
        float[] v = new float[t.size()];
        backend.download(t, v, 0);
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    /** The tensors the INVERSE runs of a program rebuild. */
    private static Set<String> rebuiltTensors(List<Instruction> list) {
        Set<String> out = new HashSet<>();
        for (Instruction i : list) {
            if (i instanceof Instruction.Run r && r.pass() == Pass.INVERSE) {
                out.add(r.inputs().get(0));
            }
        }
        return out;
    }

    private void load(Instruction.Load l, Batch batch, int n) {
        if (batch == null || batch.n() != n) {
            throw new IllegalArgumentException("program expects a batch of " + n + " samples, got "
                    + (batch == null ? "none" : batch.n()));
        }
        backend.upload(batch.images(), 0, tensor(l.input()));
        backend.upload(batch.labels(), 0, tensor(l.labels()));
    }

    private LayerCall bind(Instruction.Run r, int n, int step) {
        List<Tensor> gradIns = new ArrayList<>();
        for (String g : r.gradIns()) {
            gradIns.add(g == null ? null : tensor(g));
        }
        List<Tensor> paramGrads = new ArrayList<>();
        for (String g : r.paramGrads()) {
            paramGrads.add(g == null ? null : tensor(g));
        }
        long callSeed = mix(seed, step, r.node());
        List<Tensor> inputs = new ArrayList<>();
        for (String in : r.inputs()) {
            inputs.add(opt(in));
        }
        return new LayerCall(n, r.training(), callSeed, inputs, opt(r.output()), r.params().stream().map(this::tensor).toList(), paramGrads,
                r.saved().stream().map(this::tensor).toList(), opt(r.workspace()), opt(r.gradOut()), gradIns,
                r.accumulateIns(), r.accumulateParams(), opt(r.labels()), r.rowBand());
    }

    private Tensor opt(String name) {
        return name == null ? null : tensor(name);
    }

    private int countCorrect(Tensor probs, Batch batch, int n) {
        float[] p = new float[probs.size()];
        backend.download(probs, p, 0);
        int classes = p.length / n;
        int correct = 0;
        for (int s = 0; s < n; s++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (p[s * classes + c] > p[s * classes + best]) {
                    best = c;
                }
            }
            if (best == (int) batch.labels()[s]) {
                correct++;
            }
        }
        return correct;
    }

    private float[] initialValues(String name, ParamDef def) {
        float[] v = new float[Math.toIntExact(def.dims().elements())];
        switch (def.init()) {
            case ZEROS -> { }
            case ONES -> Arrays.fill(v, 1f);
            case UNIFORM_FAN_IN -> {
                Random r = new Random(mix(seed, name.hashCode(), 0x5eed));
                double bound = ParamDef.Init.uniformBound(def.fanIn());
                for (int k = 0; k < v.length; k++) {
                    v[k] = (float) ((2 * r.nextDouble() - 1) * bound);
                }
            }
        }
        return v;
    }

    /** Mixes the run's seed with a step and a node into an independent seed (SplitMix64 finalizer). */
    static long mix(long seed, long a, long b) {
        long z = seed ^ (a * 0x9E3779B97F4A7C15L) ^ (b * 0xC2B2AE3D27D4EB4FL);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
