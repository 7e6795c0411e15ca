package io.memscope.trainer.plan;

import io.memscope.trainer.backend.MetaBackend;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.DeviceAllocator;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.OutOfDeviceMemoryException;
import io.memscope.trainer.memory.Paging;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.program.Batch;
import io.memscope.trainer.program.ProgramChecker;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.StepProgram;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plans without computing: runs the mode's program for one step on the meta backend, through the same arena
 * and runner a real run uses, then the held-out evaluation the run ends with (when
 * {@link CompileOptions#evalSamples()} asks for one), so the predicted peak is the peak a whole CPU run measures.
 */
public final class Planner {
    /** Capacity of the arena when asking how much a step needs, regardless of the budget. */
    public static final long UNBOUNDED = 1L << 50;

    /**
     * A plan.
     *
     * @param networkName the network planned
     * @param batchSize the batch planned
     * @param program  the compiled training step
     * @param eval     the compiled evaluation program, or null when the run evaluates nothing
     * @param profile  the memory profile of setup, one step and one evaluation batch, without a budget
     * @param budget   the budget it was checked against
     * @param oom      null when the run fits the budget (fragmentation included), else the failed allocation
     * @param oomAllocIndex how many allocations succeeded before the failed one, -1 when the run fits
     * @param events   the planned events (setup, one step, one evaluation batch; unbounded arena)
     * @param paging   the allocator planned on
     * @param atPeak   the unbounded allocator's state at its peak: with paging, the resident pages and the blocks on
     *                 them
     */
    public record Plan(String networkName, int batchSize, StepProgram program, StepProgram eval, MemoryProfile profile,
                       long budget, OutOfDeviceMemoryException oom, long oomAllocIndex, List<MemoryEvent> events,
                       Paging paging, DeviceAllocator.Occupancy atPeak) {
        public boolean fits() {
            return oom == null;
        }

        /** The device memory the run needs at its peak: the blocks' bytes, or with paging the resident pages'. */
        public long peakBytes() {
            return paging.paged() ? atPeak.usedBytes() : profile.peakBytes();
        }

        /**
         * The planned run as a trace to draw: the events of the unbounded simulation, so a run that does not fit
         * shows its memory crossing the budget, with an OOM event where the run against the budget fails — just
         * before the allocation of the same tensor, the same number of allocations in. Sequence numbers are
         * renumbered without gaps.
         */
        public List<MemoryEvent> timeline() {
            List<MemoryEvent> out = new ArrayList<>(events.size() + 1);
            MemoryEvent failed = oom == null ? null : oom.event();
            long allocsBefore = failed == null ? -1 : oomAllocIndex;
            long allocs = 0;
            for (MemoryEvent e : events) {
                if (failed != null && e.action() == Action.ALLOC && allocs++ == allocsBefore) {
                    out.add(renumber(new MemoryEvent(0, e.timeNs(), Action.OOM, -1, failed.tensorName(), failed.layer(),
                            failed.category(), -1, 0, e.step(), e.phase(), failed.requestedBytes(), failed.freeBytes(),
                            failed.largestFreeBytes()), out.size()));
                    failed = null;
                }
                out.add(renumber(e, out.size()));
            }
            return out;
        }

        private static MemoryEvent renumber(MemoryEvent e, long seq) {
            return new MemoryEvent(seq, e.timeNs(), e.action(), e.tensorId(), e.tensorName(), e.layer(), e.category(),
                    e.offset(), e.bytes(), e.step(), e.phase(), e.requestedBytes(), e.freeBytes(), e.largestFreeBytes());
        }

        /** What the planned trace was recorded from: the network, mode and batch, with the budget it was checked against. */
        public TraceInfo info() {
            Map<String, String> extra = new java.util.LinkedHashMap<>();
            extra.put("plan", fits() ? "fits" : "does not fit");
            extra.put(TraceInfo.ARENA, "unbounded");
            if (paging.paged()) {
                extra.put(TraceInfo.PAGE_BYTES, Long.toString(paging.pageBytes()));
            }
            return new TraceInfo(networkName, program.mode(), "meta (planned)", batchSize, budget, extra);
        }
    }

    private Planner() {}

    public static Plan plan(Network net, MemoryMode mode, CompileOptions options, long budget) {
        StepProgram program = mode.compile(net, options);
        ProgramChecker.verify(program);
        StepProgram eval = evaluation(net, mode, options);
        Trace unbounded = trace(net, options, UNBOUNDED, mode.id());
        DeviceMemory memory = simulate(net, program, eval, options, unbounded);
        List<MemoryEvent> events = unbounded.events();
        MemoryProfile profile = MemoryProfile.of(events);
        // Even when the peak is under the budget, a fragmented arena may fail: replay against the real capacity.
        List<MemoryEvent> bounded = new ArrayList<>();
        OutOfDeviceMemoryException oom = firstOom(net, program, eval, options, budget, mode.id(), bounded);
        long allocs = oom == null ? -1 : bounded.stream().filter(e -> e.action() == Action.ALLOC).count();
        return new Plan(net.name(), options.batch(), program, eval, profile, budget, oom, allocs, events,
                options.paging(), memory.arena().occupancyAtPeak());
    }

    /** The peak bytes of setup and one step of {@code program} on the meta backend, without evaluation or a budget. */
    public static long stepPeakBytes(Network net, StepProgram program, CompileOptions options) {
        Trace trace = trace(net, options, UNBOUNDED, program.mode());
        simulate(net, program, null, options, trace);
        return MemoryProfile.of(trace.events()).peakBytes();
    }

    /** The mode's evaluation program at the run's evaluation batch, checked; null when the run evaluates nothing. */
    public static StepProgram evaluation(Network net, MemoryMode mode, CompileOptions options) {
        if (options.evalBatch() == 0) {
            return null;
        }
        StepProgram eval = mode.compileInference(net, options.forEvaluation());
        ProgramChecker.verify(eval);
        return eval;
    }

    /**
     * The largest batch whose step fits the budget, or 0 when not even one sample fits. Doubling then
     * bisection; each probe is one meta run.
     */
    public static int maxBatch(Network net, MemoryMode mode, CompileOptions template, long budget, int limit) {
        if (!fits(net, mode, template, 1, budget)) {
            return 0;
        }
        int lo = 1;
        int hi = 2;
        while (hi <= limit && fits(net, mode, template, hi, budget)) {
            lo = hi;
            hi = Math.min(limit + 1, hi * 2);
            if (lo == limit) {
                return limit;
            }
        }
        while (hi - lo > 1) {
            int mid = lo + (hi - lo) / 2;
            if (fits(net, mode, template, mid, budget)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * The smallest budget, in a size {@link io.memscope.trainer.memory.Bytes#format} shows exactly, that the run
     * fits with fragmentation: from the unbounded peak up, in steps of 2% (the peak itself is often too tight,
     * since best fit leaves holes).
     */
    public static long smallestBudget(Network net, MemoryMode mode, CompileOptions options, long peak) {
        StepProgram program = mode.compile(net, options);
        StepProgram eval = evaluation(net, mode, options);
        long b = Bytes.ceilToShown(peak);
        for (int i = 0; i < 60 && firstOom(net, program, eval, options, b, mode.id()) != null; i++) {
            b = Bytes.ceilToShown(b + Math.max(256, b / 50));
        }
        return b;
    }

    private static boolean fits(Network net, MemoryMode mode, CompileOptions template, int batch, long budget) {
        CompileOptions o = template.withBatch(batch);
        return firstOom(net, mode.compile(net, o), evaluation(net, mode, o), o, budget, mode.id()) == null;
    }

    private static OutOfDeviceMemoryException firstOom(Network net, StepProgram program, StepProgram eval,
                                                       CompileOptions options, long budget, String mode) {
        return firstOom(net, program, eval, options, budget, mode, null);
    }

    /** The failed allocation against the budget, or null; {@code seen}, when given, receives the events until then. */
    private static OutOfDeviceMemoryException firstOom(Network net, StepProgram program, StepProgram eval,
                                                       CompileOptions options, long budget, String mode,
                                                       List<MemoryEvent> seen) {
        Trace trace = trace(net, options, budget, mode);
        try {
            simulate(net, program, eval, options, trace);
            return null;
        } catch (OutOfDeviceMemoryException e) {
            if (seen != null) {
                seen.addAll(trace.events());
            }
            return e;
        }
    }

    private static Trace trace(Network net, CompileOptions options, long capacity, String mode) {
        return new Trace(new TraceInfo(net.name(), mode, "meta", options.batch(), capacity,
                Map.of("optimizer", options.optimizer().describe())), 1 << 18);
    }

    /** Setup, one step and the evaluation on the meta backend, on the options' allocator; the device memory after. */
    private static DeviceMemory simulate(Network net, StepProgram program, StepProgram eval, CompileOptions options,
                                         Trace trace) {
        long capacity = trace.info().budgetBytes();
        DeviceMemory memory = new DeviceMemory(capacity, trace, options.paging());
        MetaBackend meta = new MetaBackend(memory, options.workspace());
        ProgramRunner runner = new ProgramRunner(net, meta, options.optimizer(), 0);
        runner.setup(program);
        int n = options.batch();
        runner.run(program, 0, new Batch(n, new float[0], new float[0]));
        if (eval != null) {
            int e = options.evalBatch();
            runner.run(eval, 1, new Batch(e, new float[0], new float[0]));
        }
        return memory;
    }
}
