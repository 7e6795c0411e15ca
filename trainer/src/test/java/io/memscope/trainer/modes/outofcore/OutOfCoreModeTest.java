package io.memscope.trainer.modes.outofcore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ludovic.netlib.blas.BLAS;
import io.memscope.trainer.TestPaths;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.modes.StepRuns;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.Instruction;
import io.memscope.trainer.program.ProgramChecker;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.StepProgram;
import io.memscope.trainer.program.SwapStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Out-of-core: the swap plan as data, budgets kept, weights baseline's bit for bit, a clear minimum. */
class OutOfCoreModeTest {
    private static final OutOfCoreMode MODE = (OutOfCoreMode) Modes.get(OutOfCoreMode.ID);

    private static long baselinePeak(Network net, CompileOptions o) {
        return Planner.plan(net, Modes.get("baseline"), o, Planner.UNBOUNDED).peakBytes();
    }

    /**
     * For every sample, from baseline's peak down to the smallest budget that works: the planned program passes
     * the checker (no use of a tensor that is swapped out or on its way), replays on the meta backend inside the
     * budget, and swaps more as the budget shrinks; the smallest budget is 10% or more below baseline's smallest
     * where activations dominate, and never above it (LeNet-5's peak is one layer's backward, VGG-16's its
     * classifier's weights, which stay on the device).
     */
    @ParameterizedTest
    @CsvSource({"lenet5, 64, false", "vgg_small, 32, true", "resnet18_cifar, 32, true", "revnet38, 16, true",
        "invertible_cifar, 32, true", "vgg16, 8, false"})
    void everyBudgetDownToTheMinimumIsKeptByAPlanThatChecks(String sample, int batch, boolean saves) {
        Network net = Network.load(TestPaths.sample(sample));
        CompileOptions o = StepRuns.options(batch);
        long peak = baselinePeak(net, o);
        long min = MODE.minimumBudget(net, o);
        System.out.printf("%s batch %d: baseline peak %d, out-of-core minimum %d (%.0f%%)%n", sample, batch, peak, min,
                100.0 * min / peak);
        long baselineLeast = Planner.smallestBudget(net, Modes.get("baseline"), o, peak);
        assertTrue(saves ? min < baselineLeast * 0.9 : min <= baselineLeast, sample + ": minimum " + min
                + " against baseline's " + baselineLeast);
        long lastMoved = -1;
        for (double f : new double[] {1.25, 0.8, 0.6}) {
            long budget = Math.max(min, (long) (peak * f));
            lastMoved = checkPlan(net, o, budget, lastMoved);
        }
        checkPlan(net, o, min, -1);
        assertThrows(IllegalArgumentException.class, () -> MODE.fitTo(net, o, min * 8 / 10, s -> { }));
    }

    private static long checkPlan(Network net, CompileOptions o, long budget, long movedBefore) {
        MemoryMode fitted = MODE.fitTo(net, o, budget, s -> { });
        StepProgram p = fitted.compile(net, o);
        ProgramChecker.verify(p);
        assertTrue(OutOfCoreMode.replayFits(net, p, o, budget, false), net.name() + " at " + budget);
        Planner.Plan plan = Planner.plan(net, fitted, o, budget);
        assertTrue(plan.fits(), net.name() + " at " + budget + ": " + plan.oom());
        long moved = p.step().stream().filter(i -> i instanceof Instruction.SwapOut)
                .mapToLong(i -> p.decl(((Instruction.SwapOut) i).tensor()).dims().bytes()).sum();
        if (movedBefore >= 0) {
            assertTrue(moved >= movedBefore, "a smaller budget swaps no less: " + moved + " < " + movedBefore);
        }
        return moved;
    }

    /**
     * Weights and buffers after 3 SGD steps on the CPU backend, with real copies on the copy thread into a device
     * memory of exactly the budget (every fresh block poisoned with NaN, so a missing copy back shows), equal
     * baseline's bit for bit, at a budget with room and at the smallest.
     */
    @ParameterizedTest
    @CsvSource({"lenet5, 8", "vgg_small, 4", "resnet18_cifar, 8", "revnet38, 2", "invertible_cifar, 8"})
    void weightsAfterThreeStepsAreBaselinesBitForBit(String sample, int batch) {
        Network net = Network.load(TestPaths.sample(sample));
        CompileOptions o = StepRuns.options(batch);
        long peak = baselinePeak(net, o);
        Run base = run(net, o, Modes.get("baseline"), peak * 2, 3);
        long min = MODE.minimumBudget(net, o);
        for (long budget : new long[] {Math.max(min, peak * 7 / 10), min}) {
            Run r = run(net, o, MODE.fitTo(net, o, budget, s -> { }), budget, 3);
            assertTrue(r.swaps.swapOuts() > 0, sample + " at " + budget + " swaps");
            assertTrue(r.peak <= budget);
            for (Map.Entry<String, float[]> e : base.params.entrySet()) {
                assertArrayEquals(e.getValue(), r.params.get(e.getKey()), sample + " at budget " + budget + ": "
                        + e.getKey());
            }
            System.out.printf("%s batch %d at %d bytes (baseline peak %d): identical; last step moved %d bytes "
                    + "(%d out, %d in, %d cancelled), host peak %d%n", sample, batch, budget, peak,
                    r.swaps.bytesMoved(), r.swaps.swapOuts(), r.swaps.swapIns(), r.swaps.cancels(), r.hostPeak);
        }
    }

    record Run(Map<String, float[]> params, SwapStats swaps, long peak, long hostPeak, List<MemoryEvent> events) {}

    /** {@code steps} CPU steps in a device memory of the budget, on the allocator {@code o} names. */
    static Run run(Network net, CompileOptions o, MemoryMode mode, long budget, int steps) {
        StepProgram p = mode.compile(net, o);
        Trace trace = new Trace(new TraceInfo(net.name(), OutOfCoreMode.ID, "cpu", o.batch(), budget, null), 1 << 20);
        DeviceMemory memory = new DeviceMemory(budget, trace, o.paging());
        try (CpuBackend cpu = new CpuBackend(memory, StepRuns.THREADS, BLAS.getInstance())) {
            cpu.poisonAllocations(Float.NaN);
            ProgramRunner runner = new ProgramRunner(net, cpu, o.optimizer(), 11);
            runner.setup(p);
            for (int s = 0; s < steps; s++) {
                runner.run(p, s, StepRuns.gaussian(net, o.batch(), 100 + s)); // a different batch each step
            }
            Map<String, float[]> params = new LinkedHashMap<>(runner.parameters());
            SwapStats swaps = runner.swaps();
            runner.release();
            return new Run(params, swaps, memory.arena().peakBytes(), memory.hostPeakBytes(), trace.events());
        }
    }

    /** The trace shows the host tier: host copies as HOST blocks, SWAP_OUT and SWAP_IN on the device tensors. */
    @Test
    void theTraceRecordsHostCopiesAndSwaps() {
        Network net = Network.load(TestPaths.sample("vgg_small"));
        CompileOptions o = StepRuns.options(4);
        long budget = Math.max(MODE.minimumBudget(net, o), baselinePeak(net, o) * 7 / 10);
        Run r = run(net, o, MODE.fitTo(net, o, budget, s -> { }), budget, 1);
        long hostAllocs = r.events.stream().filter(e -> e.category() == Category.HOST && e.action() == Action.ALLOC)
                .count();
        long hostFrees = r.events.stream().filter(e -> e.category() == Category.HOST && e.action() == Action.FREE)
                .count();
        long outs = r.events.stream().filter(e -> e.action() == Action.SWAP_OUT).count();
        long ins = r.events.stream().filter(e -> e.action() == Action.SWAP_IN).count();
        assertTrue(outs > 0 && ins == outs, outs + " swap-outs, " + ins + " swap-ins");
        assertEquals(hostAllocs, hostFrees, "every host copy is freed by the step's end");
        assertTrue(r.hostPeak > 0);
        long device = 0;
        long worst = 0;
        for (MemoryEvent e : r.events) {
            device += e.residentDelta();
            worst = Math.max(worst, device);
        }
        assertTrue(worst <= budget, "resident " + worst + " within " + budget);
    }

    /** A budget below the minimum says so, naming the minimum. */
    @Test
    void aBudgetBelowTheMinimumNamesIt() {
        Network net = Network.load(TestPaths.sample("lenet5"));
        CompileOptions o = StepRuns.options(16);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MODE.fitTo(net, o, 64 << 10, s -> { }));
        String min = io.memscope.trainer.memory.Bytes.format(MODE.minimumBudget(net, o));
        assertTrue(e.getMessage().contains("needs at least " + min) && e.getMessage().contains("--budget"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Modes.get(OutOfCoreMode.ID, Map.of("link", "fast")));
    }
}
