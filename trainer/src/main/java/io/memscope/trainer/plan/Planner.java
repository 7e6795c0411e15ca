package io.memscope.trainer.plan;

import io.memscope.trainer.backend.MetaBackend;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.OutOfDeviceMemoryException;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.program.Batch;
import io.memscope.trainer.program.ProgramChecker;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.StepProgram;
import java.util.List;
import java.util.Map;

/**
 * Plans without computing: runs the mode's program for one step on the meta backend, through the same arena
 * and runner a real run uses, so the predicted peak is the peak a CPU run measures.
 */
public final class Planner {
    /** Capacity of the arena when asking how much a step needs, regardless of the budget. */
    static final long UNBOUNDED = 1L << 50;

    /**
     * A plan.
     *
     * @param program  the compiled program
     * @param profile  the memory profile of setup plus one step, without a budget
     * @param budget   the budget it was checked against
     * @param oom      null when the step fits the budget (fragmentation included), else the failed allocation
     * @param events   the planned events (setup and one step, unbounded arena)
     */
    public record Plan(StepProgram program, MemoryProfile profile, long budget, OutOfDeviceMemoryException oom,
                       List<MemoryEvent> events) {
        public boolean fits() {
            return oom == null;
        }

        public long peakBytes() {
            return profile.peakBytes();
        }
    }

    private Planner() {}

    public static Plan plan(Network net, MemoryMode mode, CompileOptions options, long budget) {
        StepProgram program = mode.compile(net, options);
        ProgramChecker.verify(program);
        List<MemoryEvent> events = simulate(net, program, options, UNBOUNDED, mode.id());
        MemoryProfile profile = MemoryProfile.of(events);
        // Even when the peak is under the budget, a fragmented arena may fail: replay against the real capacity.
        OutOfDeviceMemoryException oom = firstOom(net, program, options, budget, mode.id());
        return new Plan(program, profile, budget, oom, events);
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

    private static boolean fits(Network net, MemoryMode mode, CompileOptions template, int batch, long budget) {
        CompileOptions o = new CompileOptions(batch, template.optimizer(), template.workspace());
        StepProgram program = mode.compile(net, o);
        return firstOom(net, program, o, budget, mode.id()) == null;
    }

    private static OutOfDeviceMemoryException firstOom(Network net, StepProgram program, CompileOptions options,
                                                       long budget, String mode) {
        try {
            simulate(net, program, options, budget, mode);
            return null;
        } catch (OutOfDeviceMemoryException e) {
            return e;
        }
    }

    private static List<MemoryEvent> simulate(Network net, StepProgram program, CompileOptions options, long capacity,
                                              String mode) {
        Trace trace = new Trace(new TraceInfo(net.name(), mode, "meta", options.batch(), capacity,
                Map.of("optimizer", options.optimizer().describe())), 1 << 18);
        DeviceMemory memory = new DeviceMemory(capacity, trace);
        MetaBackend meta = new MetaBackend(memory, options.workspace());
        ProgramRunner runner = new ProgramRunner(net, meta, options.optimizer(), 0);
        runner.setup(program);
        int n = options.batch();
        runner.run(program, 0, new Batch(n, new float[0], new float[0]));
        return trace.events();
    }
}
