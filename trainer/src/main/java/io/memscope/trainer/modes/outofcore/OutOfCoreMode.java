package io.memscope.trainer.modes.outofcore;

import io.memscope.trainer.backend.MetaBackend;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.OutOfDeviceMemoryException;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.BaselineMode;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.InferenceProgram;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.ModeSetting;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.program.Batch;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.StepProgram;
import io.memscope.trainer.program.TensorDecl;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Out-of-core training (Hayakawa and Narihira, arXiv 2010.14109): baseline's schedule, with tensors swapped to
 * host memory and prefetched back so that device memory stays under the budget ({@link SwapScheduler} plans
 * where). Only placement changes, so the weights are baseline's bit for bit. Best fit leaves holes the byte count
 * does not see: a schedule is replayed on the meta backend against the real budget, on the run's allocator, and
 * planned for a few percent less until it fits. On a paged device there are no holes, only page rounding, which
 * the same replay counts.
 */
public final class OutOfCoreMode implements MemoryMode {
    public static final String ID = "out-of-core";
    public static final double DEFAULT_PREFETCH = 1.5;
    /** The link the CPU backend paces copies to, GB/s (10^9 bytes): a PCIe 4.0 x16 link's practical rate. */
    public static final double DEFAULT_LINK_GBPS = 16;
    /** Planning targets tried, as fractions of the budget, against best fit's fragmentation. */
    private static final double[] TARGETS = {1.0, 0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.93, 0.92, 0.91, 0.9, 0.88,
        0.86, 0.84, 0.82, 0.8, 0.75, 0.7};

    private final long budget;
    private final double prefetch;
    private final double linkGbps;

    public OutOfCoreMode() {
        this(0, DEFAULT_PREFETCH, DEFAULT_LINK_GBPS);
    }

    private OutOfCoreMode(long budget, double prefetch, double linkGbps) {
        this.budget = budget;
        this.prefetch = prefetch;
        this.linkGbps = linkGbps;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "swaps tensors to host memory and prefetches them back to stay under the budget";
    }

    @Override
    public List<ModeSetting> settings() {
        return List.of(
                new ModeSetting("prefetch", "Prefetch window", "how far ahead tensors come back, in budgets: the bytes "
                        + "the window's operations use stay under this many budgets", List.of(),
                        String.valueOf(DEFAULT_PREFETCH)),
                new ModeSetting("link", "Link GB/s", "host-device bandwidth the CPU backend paces its copies to "
                        + "(GB/s, 16 = PCIe 4.0 x16)", List.of(), String.valueOf(DEFAULT_LINK_GBPS)));
    }

    @Override
    public MemoryMode configure(Map<String, String> settings) {
        Map<String, String> a = new HashMap<>();
        settings.forEach((k, v) -> a.put(k.replaceFirst("^-+", ""), v));
        if (!a.containsKey("prefetch") && !a.containsKey("link")) {
            return this;
        }
        double p = a.containsKey("prefetch") ? positive(a.get("prefetch"), "--prefetch", "budgets, e.g. 1.5")
                : prefetch;
        double l = a.containsKey("link") ? positive(a.get("link"), "--link", "GB/s, e.g. 16") : linkGbps;
        return new OutOfCoreMode(budget, p, l);
    }

    private static double positive(String value, String flag, String what) {
        double v;
        try {
            v = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(flag + " must be a positive number of " + what + ", got '" + value + "'");
        }
        return v;
    }

    /** The budget this mode plans for; 0 before {@link #fitTo}. */
    public long budget() {
        return budget;
    }

    public double linkBytesPerSecond() {
        return linkGbps * 1e9;
    }

    @Override
    public MemoryMode choosingForBudget() {
        return this;
    }

    /**
     * This mode planned for the budget; throws, naming the smallest budget that works, when even swapping
     * everything it can does not bring the run under it.
     */
    @Override
    public MemoryMode fitTo(Network net, CompileOptions options, long newBudget, Consumer<String> report) {
        OutOfCoreMode fitted = new OutOfCoreMode(newBudget, prefetch, linkGbps);
        if (fitted.fits(net, options)) {
            return fitted;
        }
        long least = fitted.smallestBudget(net, options);
        throw new io.memscope.trainer.modes.BudgetTooSmallException(String.format(java.util.Locale.ROOT, "out-of-core: %s at batch %d needs at "
                        + "least %s of device memory even with everything it can swapped out (what stays between "
                        + "steps and what the largest operation touches at once); the budget is %s: raise --budget "
                        + "to %s or lower --batch", net.name(), options.batch(), Bytes.format(least),
                Bytes.format(newBudget), Bytes.format(least)), least);
    }

    @Override
    public StepProgram compile(Network net, CompileOptions options) {
        return swapped(net, renamed(new BaselineMode().compile(net, options)), options, false);
    }

    @Override
    public StepProgram compileInference(Network net, CompileOptions options) {
        return swapped(net, InferenceProgram.compile(net, options), options, true);
    }

    private StepProgram renamed(StepProgram p) {
        return new StepProgram(p.network(), ID, p.batch(), p.tensors(), p.setup(), p.step(), p.codec());
    }

    /** The program with swaps under the budget: the first planning target whose replay fits, else the last. */
    private StepProgram swapped(Network net, StepProgram base, CompileOptions options, boolean inference) {
        if (budget <= 0) {
            return base;
        }
        StepProgram last = null;
        for (double f : TARGETS) {
            StepProgram p = SwapScheduler.schedule(base, (long) (budget * f), prefetch);
            if (p == null) {
                continue;
            }
            last = p.withLink(linkBytesPerSecond());
            if (replayFits(net, last, options, budget, inference)) {
                return last;
            }
        }
        return last != null ? last : base.withLink(linkBytesPerSecond());
    }

    private boolean fits(Network net, CompileOptions options) {
        if (!replayFits(net, compile(net, options), options, budget, false)) {
            return false;
        }
        return options.evalBatch() == 0
                || replayFits(net, compileInference(net, options.forEvaluation()), options.forEvaluation(), budget, true);
    }

    /** The smallest budget (to about 1%, in a size {@link Bytes#format} shows exactly) this mode fits the run in. */
    public long minimumBudget(Network net, CompileOptions options) {
        return smallestBudget(net, options);
    }

    /** Binary search for the smallest budget (to 1%) the mode fits, between what stays and baseline's peak. */
    private long smallestBudget(Network net, CompileOptions options) {
        StepProgram base = new BaselineMode().compile(net, options);
        long lo = 0;
        for (TensorDecl d : base.tensors().values()) {
            if (d.persistent()) {
                lo += d.dims().bytes();
            }
        }
        long hi = Math.max(lo * 2, 1 << 20);
        while (!new OutOfCoreMode(hi, prefetch, linkGbps).fits(net, options)) {
            lo = hi;
            hi *= 2;
            if (hi > 1L << 46) {
                return hi;
            }
        }
        while (hi - lo > Math.max(4096, hi / 100)) {
            long mid = lo + (hi - lo) / 2;
            if (new OutOfCoreMode(mid, prefetch, linkGbps).fits(net, options)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        long b = Bytes.ceilToShown(hi);
        for (int i = 0; i < 40 && !new OutOfCoreMode(b, prefetch, linkGbps).fits(net, options); i++) {
            b = Bytes.ceilToShown(b + Math.max(4096, b / 100)); // fragmentation makes fitting not quite monotonic
        }
        return b;
    }

    /**
     * Whether the program's setup and its steps (or one evaluation) run on the meta backend within the budget, on
     * the allocator {@code options} name.
     * Tensors that swap come back at new addresses, so one step's layout is not the next one's: training steps are
     * replayed until the layout at a step's end repeats the one before (every later step is then the same), at
     * most {@link #REPLAY_STEPS}; a layout that keeps drifting counts as not fitting.
     */
    static boolean replayFits(Network net, StepProgram p, CompileOptions options, long capacity, boolean inference) {
        Trace trace = new Trace(new TraceInfo(net.name(), ID, "meta", options.batch(), capacity, Map.of()), 1 << 10);
        DeviceMemory memory = new DeviceMemory(capacity, trace, options.paging());
        try {
            MetaBackend meta = new MetaBackend(memory, options.workspace());
            ProgramRunner runner = new ProgramRunner(net, meta, options.optimizer(), 0);
            runner.setup(p);
            Batch batch = new Batch(p.batch(), new float[0], new float[0]);
            if (inference) {
                runner.run(p, -1, batch);
                return true;
            }
            Map<String, Long> before = runner.layout();
            for (int s = 0; s < REPLAY_STEPS; s++) {
                runner.run(p, s, batch);
                Map<String, Long> after = runner.layout();
                if (after.equals(before)) {
                    return true;
                }
                before = after;
            }
            return false;
        } catch (OutOfDeviceMemoryException e) {
            return false;
        }
    }

    private static final int REPLAY_STEPS = 6;
}
