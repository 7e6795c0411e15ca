package io.memscope.trainer.modes.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ludovic.netlib.blas.BLAS;
import io.memscope.trainer.TestPaths;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.modes.StepRuns;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.plan.MemoryProfile;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.Instruction;
import io.memscope.trainer.program.ProgramChecker;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.StepProgram;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Gradient checkpointing: baseline's weights bit for bit, the plan is the measurement, less memory than baseline. */
class CheckpointModeTest {
    private static final MemoryMode MODE = Modes.get(CheckpointMode.ID);
    private static final MemoryMode BASELINE = Modes.get("baseline");

    /**
     * Weights, batch-norm running statistics and optimizer state after 3 SGD steps on the CPU backend (every fresh
     * block poisoned with NaN, so a tensor read after its free or before its recomputation shows) are baseline's
     * bit for bit, with the segments chosen automatically and as many as the network has places; the program
     * checks, recomputes, and its measured peak is the meta backend's planned peak to the byte.
     */
    @ParameterizedTest
    @CsvSource({"lenet5, 8, auto", "lenet5, 8, 3", "vgg_small, 4, auto", "vgg_small, 4, 4", "resnet18_cifar, 4, auto",
        "resnet18_cifar, 4, 2", "revnet38, 2, auto", "invertible_cifar, 4, auto"})
    void weightsAfterThreeStepsAreBaselinesBitForBit(String sample, int batch, String segments) {
        Network net = Network.load(TestPaths.sample(sample));
        CompileOptions o = StepRuns.options(batch);
        MemoryMode mode = MODE.configure(Map.of("segments", segments));
        Run base = run(net, o, BASELINE, 3);
        Run ckpt = run(net, o, mode, 3);
        long recomputed = ckpt.program.step().stream()
                .filter(i -> i instanceof Instruction.Mark m && m.action() == Action.RECOMPUTE).count();
        assertTrue(recomputed > 0, sample + ": the program recomputes");
        assertEquals(base.state.keySet(), ckpt.state.keySet());
        int buffers = 0;
        for (Map.Entry<String, float[]> e : base.state.entrySet()) {
            assertArrayEquals(e.getValue(), ckpt.state.get(e.getKey()), sample + " segments " + segments + ": "
                    + e.getKey());
            if (e.getKey().endsWith(".running_mean") || e.getKey().endsWith(".running_var")) {
                buffers++;
            }
        }
        long planned = Planner.plan(net, mode, o, Planner.UNBOUNDED).peakBytes();
        assertEquals(planned, ckpt.measuredPeak, sample + ": planned against measured peak");
        System.out.printf("%s batch %d, segments %s (%d): identical to baseline (%d tensors, %d batch-norm buffers), "
                + "%d RECOMPUTE marks; peak %d (planned %d), baseline %d%n", sample, batch, segments,
                ((CheckpointMode) mode).segmentsOf(net).count(), base.state.size(), buffers, recomputed,
                ckpt.measuredPeak, planned, base.measuredPeak);
    }

    /**
     * Batch norm's running statistics move once per step, as in baseline: the recomputation normalizes with the
     * saved statistics and leaves them alone (a second training forward would move them twice), and they did
     * move from their initial 0 and 1.
     */
    @Test
    void batchNormRunningStatisticsMoveOncePerStep() {
        Network net = Network.load(TestPaths.sample("vgg_small"));
        CompileOptions o = StepRuns.options(4);
        Run base = run(net, o, BASELINE, 3);
        Run ckpt = run(net, o, MODE, 3);
        StepProgram p = ckpt.program;
        assertTrue(p.step().stream().anyMatch(i -> i instanceof Instruction.Run r && r.layer().startsWith("bn")
                && r.pass() == io.memscope.trainer.net.layers.Pass.FORWARD && r.rowBand()),
                "some batch norm is recomputed, from its saved statistics");
        for (String bn : List.of("bn1_1", "bn2_1", "bn3_2")) {
            for (String buffer : List.of(".running_mean", ".running_var")) {
                float[] b = base.state.get(bn + buffer);
                assertArrayEquals(b, ckpt.state.get(bn + buffer), bn + buffer);
                float init = buffer.endsWith("mean") ? 0f : 1f;
                boolean moved = false;
                for (float v : b) {
                    moved |= v != init;
                }
                assertTrue(moved, bn + buffer + " moved from " + init);
            }
        }
    }

    /** The dropout before the last layer is run again in backward, writing its mask again, and the weights still agree. */
    @Test
    void dropoutIsRecomputedWithTheSameMask() {
        Network net = Network.load(TestPaths.sample("vgg_small"));
        StepProgram p = MODE.compile(net, StepRuns.options(4));
        assertTrue(p.step().contains(new Instruction.Mark(Action.RECOMPUTE, "drop1.mask")), p.listing());
        assertTrue(p.step().contains(new Instruction.Phase("recompute segment 5/6", "drop1")), p.listing());
    }

    /**
     * Less memory than baseline on the small VGG, VGG-16, ResNet-18 and the reversible samples at these batches.
     * LeNet-5's peak is in the backward of its first layers, which hold the largest maps: there the first segment,
     * recomputed, holds what baseline still holds, so the peak is baseline's. With one segment, baseline's peak
     * exactly. Each program checks.
     */
    @ParameterizedTest
    @CsvSource({"vgg_small, 32, true", "resnet18_cifar, 32, true", "revnet38, 16, true", "invertible_cifar, 32, true",
        "lenet5, 64, false", "vgg16, 8, true"})
    void peakIsBelowBaselines(String sample, int batch, boolean lower) {
        Network net = Network.load(TestPaths.sample(sample));
        CompileOptions o = StepRuns.options(batch);
        long base = Planner.plan(net, BASELINE, o, Planner.UNBOUNDED).peakBytes();
        Planner.Plan plan = Planner.plan(net, MODE, o, Planner.UNBOUNDED);
        ProgramChecker.verify(plan.program());
        String numbers = String.format("%s batch %d: baseline peak %,d bytes, checkpoint peak %,d bytes (%.0f%%), "
                + "%d segments", sample, batch, base, plan.peakBytes(), 100.0 * plan.peakBytes() / base,
                ((CheckpointMode) MODE).segmentsOf(net).count());
        System.out.println(numbers);
        assertTrue(lower ? plan.peakBytes() < base : plan.peakBytes() == base, numbers);
        long one = Planner.plan(net, MODE.configure(Map.of("segments", "1")), o, Planner.UNBOUNDED).peakBytes();
        assertEquals(base, one, sample + ": one segment is baseline");
    }

    /**
     * ResNet-18 is cut only between residual blocks (after a block's add, or the ReLU after it), where the skip
     * tensor does not cross, and in the stem and the head.
     */
    @Test
    void resnetIsCutBetweenBlocks() {
        Network net = Network.load(TestPaths.sample("resnet18_cifar"));
        Segments s = Segments.of(net, Segments.AUTO);
        List<String> places = s.places().stream().map(j -> net.node(j).name()).toList();
        for (String p : places) {
            assertTrue(Set.of("conv1", "bn1", "relu1", "pool", "fc").contains(p) || p.endsWith(".add")
                    || p.endsWith(".relu2"), p + " is inside a block: " + places);
        }
        assertEquals(21, places.size(), "the stem's 3 layers, 8 blocks' add and relu, the head's 2: " + places);
        int n = places.size();
        int every = (int) Math.ceil(Math.sqrt(n));
        assertEquals(n / every + 1, s.count(), places + " every " + every);
        assertEquals(places.get(every - 1), net.node(s.cuts().get(0)).name());
        String layout = MODE.layout(net);
        assertTrue(layout.startsWith("checkpoint: " + s.count() + " segments, cut at " + s.cuts().size() + " of the " + n
                + " places where one tensor crosses"), layout);
    }

    /**
     * {@code segments K} cuts into K segments, spread over the places; more than the places allow is refused with
     * the most there can be, and a value that is no count is refused.
     */
    @Test
    void segmentCountsAreHonouredOrRefused() {
        Network net = Network.load(TestPaths.sample("lenet5"));
        int places = Segments.of(net, 1).places().size();
        assertEquals(11, places, "every layer but the view and the loss: " + Segments.of(net, 1).places());
        for (int k = 1; k <= places + 1; k++) {
            Segments s = Segments.of(net, k);
            assertEquals(k, s.count());
            ProgramChecker.verify(((CheckpointMode) MODE.configure(Map.of("segments", String.valueOf(k))))
                    .compile(net, StepRuns.options(4)));
        }
        assertEquals(List.of(3, 8), Segments.of(net, 3).cuts(), "places 4 and 8 of 11 (conv2, relu3)");
        // a chain cut at every place keeps every output: nothing to recompute, baseline's peak
        CompileOptions o = StepRuns.options(64);
        MemoryMode every = MODE.configure(Map.of("segments", String.valueOf(places + 1)));
        assertTrue(every.compile(net, o).step().stream().noneMatch(i -> i instanceof Instruction.Mark));
        assertEquals(Planner.plan(net, BASELINE, o, Planner.UNBOUNDED).peakBytes(),
                Planner.plan(net, every, o, Planner.UNBOUNDED).peakBytes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MODE.configure(Map.of("segments", "13")).compile(net, StepRuns.options(4)));
        assertTrue(e.getMessage().contains("13 segments asked for") && e.getMessage().contains("at most 12"),
                e.getMessage());
        for (String bad : List.of("0", "-2", "many", "2.5")) {
            IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
                    () -> MODE.configure(Map.of("--segments", bad)));
            assertTrue(b.getMessage().contains("--segments must be auto or a whole number"), b.getMessage());
        }
    }

    /**
     * The planner's largest-batch search works for the mode: under a budget, the batch it finds fits and the next
     * does not, and it is larger than baseline's.
     */
    @Test
    void largestBatchUnderABudgetIsLargerThanBaselines() {
        Network net = Network.load(TestPaths.sample("resnet18_cifar"));
        CompileOptions o = StepRuns.options(1);
        long budget = 256L << 20;
        int base = Planner.maxBatch(net, BASELINE, o, budget, 4096);
        int ckpt = Planner.maxBatch(net, MODE, o, budget, 4096);
        System.out.printf("resnet18_cifar in 256 MiB: largest batch %d baseline, %d checkpoint%n", base, ckpt);
        assertTrue(ckpt > base, ckpt + " against baseline's " + base);
        assertTrue(Planner.plan(net, MODE, o.withBatch(ckpt), budget).fits());
        assertTrue(!Planner.plan(net, MODE, o.withBatch(ckpt + 1), budget).fits());
    }

    record Run(StepProgram program, Map<String, float[]> state, long measuredPeak) {}

    /** {@code steps} steps on a CPU device with room to spare, every fresh block poisoned with NaN. */
    static Run run(Network net, CompileOptions o, MemoryMode mode, int steps) {
        StepProgram p = mode.compile(net, o);
        ProgramChecker.verify(p);
        long budget = Planner.plan(net, mode, o, Planner.UNBOUNDED).peakBytes() * 5 / 4 + (1L << 20);
        Trace trace = new Trace(new TraceInfo(net.name(), mode.id(), "cpu", o.batch(), budget, null), 1 << 20);
        try (CpuBackend cpu = new CpuBackend(new DeviceMemory(budget, trace), StepRuns.THREADS, BLAS.getInstance())) {
            cpu.poisonAllocations(Float.NaN);
            ProgramRunner runner = new ProgramRunner(net, cpu, o.optimizer(), 11);
            runner.setup(p);
            for (int s = 0; s < steps; s++) {
                runner.run(p, s, StepRuns.gaussian(net, o.batch(), 100 + s));
            }
            Map<String, float[]> state = new LinkedHashMap<>();
            p.tensors().values().stream().filter(d -> d.persistent()).forEach(d -> state.put(d.name(),
                    runner.read(d.name())));
            List<MemoryEvent> events = trace.events();
            return new Run(p, state, MemoryProfile.of(events).peakBytes());
        }
    }
}
