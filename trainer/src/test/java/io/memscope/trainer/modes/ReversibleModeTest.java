package io.memscope.trainer.modes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ludovic.netlib.blas.BLAS;
import io.memscope.trainer.TestPaths;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.NetworkSpec;
import io.memscope.trainer.net.ReversibleNets;
import io.memscope.trainer.net.layers.Pass;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.Batch;
import io.memscope.trainer.program.Instruction;
import io.memscope.trainer.program.ProgramChecker;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.Reconstruction;
import io.memscope.trainer.program.StepProgram;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reversible mode against baseline on the same networks: the same weights after three steps (within the
 * reconstruction error), less memory, activation memory flat in depth, the inputs really freed and rebuilt,
 * and the reconstruction error measured.
 */
class ReversibleModeTest {
    private static final MemoryMode REVERSIBLE = Modes.get("reversible");
    private static final MemoryMode BASELINE = Modes.get("baseline");

    /** A hybrid: invertible chains cut by layers that are not (max pooling, ReLU, a two-input add). */
    static Network hybrid() {
        return Network.build(NetworkSpec.parse("""
                {"format": "memscope-network", "schema": 1, "name": "hybrid", "input": {"channels": 3, "height": 12, "width": 12},
                 "layers": [
                  {"name": "conv1", "type": "conv2d", "out_channels": 8, "kernel": 3, "padding": 1},
                  {"name": "bn1", "type": "inv_batchnorm2d"},
                  {"name": "act1", "type": "leaky_relu", "negative_slope": 0.1},
                  {"name": "rev1", "type": "coupling"},
                  {"name": "rev2", "type": "coupling", "hidden": 6},
                  {"name": "pool1", "type": "maxpool2d", "kernel": 2},
                  {"name": "rev3", "type": "coupling", "kernel": 1},
                  {"name": "relu", "type": "relu"},
                  {"name": "squeeze", "type": "space_to_depth"},
                  {"name": "rev4", "type": "coupling"},
                  {"name": "skip", "type": "add", "inputs": ["rev4", "squeeze"]},
                  {"name": "bn2", "type": "inv_batchnorm2d"},
                  {"name": "pool", "type": "global_avgpool"},
                  {"name": "flatten", "type": "flatten"},
                  {"name": "fc", "type": "linear", "out_features": 10},
                  {"name": "loss", "type": "softmax_cross_entropy"}]}"""));
    }

    static Stream<Arguments> networks() {
        return Stream.of(
                Arguments.of("revnet38", Network.build(ReversibleNets.revnet(3)), 4),
                Arguments.of("invertible_cifar", Network.build(ReversibleNets.fullyInvertible(4)), 4),
                Arguments.of("hybrid", hybrid(), 6));
    }

    /**
     * Three free-running SGD steps (momentum 0.9, weight decay 5e-4, lr 0.01) from the same seed on the same
     * batches, every block of the reversible run starting as NaN: every parameter, running statistic and
     * momentum within |a − b| ≤ 1e-5 + 1e-4·|b| of baseline's. What differs is only the rebuilt inputs' rounding.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void weightsAfterThreeStepsMatchBaseline(String name, Network net, int batch) {
        StepRuns.Result base = StepRuns.train(net, BASELINE, batch, 3, BLAS.getInstance(), false);
        StepRuns.Result rev = StepRuns.train(net, REVERSIBLE, batch, 3, BLAS.getInstance(), true);
        StringBuilder where = new StringBuilder();
        double worst = StepRuns.worstRatio(rev.params(), base.params(), 1e-5, 1e-4, where);
        System.out.printf("%s: worst |diff| / (1e-5 + 1e-4·|baseline|) after 3 steps = %.4f at %s%n", name, worst, where);
        assertTrue(worst <= 1, name + ": reversible weights differ from baseline's at " + where + " (ratio " + worst + ")");
        for (int s = 0; s < 3; s++) {
            assertEquals(base.losses().get(s), rev.losses().get(s), 1e-4 * Math.abs(base.losses().get(s)),
                    name + " loss of step " + (s + 1));
        }
        assertTrue(rev.plannedPeak() < base.plannedPeak(), name + ": reversible plans " + rev.plannedPeak()
                + " bytes, baseline " + base.plannedPeak());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void theProgramIsSoundAndRebuildsEveryDroppedInputJustBeforeItsLayersBackward(String name, Network net, int batch) {
        StepProgram p = REVERSIBLE.compile(net, StepRuns.options(batch));
        ProgramChecker.verify(p);
        Reversibility rev = Reversibility.of(net);
        List<Instruction> step = p.step();
        List<Instruction.Run> inverses = p.stepInstructions(Instruction.Run.class).stream()
                .filter(r -> r.pass() == Pass.INVERSE).toList();
        List<String> topFirst = new ArrayList<>(rev.invertedLayers());
        java.util.Collections.reverse(topFirst);
        assertEquals(topFirst, inverses.stream().map(Instruction.Run::layer).toList(),
                name + ": one inverse per inverted layer, top first");
        assertTrue(!inverses.isEmpty(), name + " inverts something");
        for (Instruction.Run inv : inverses) {
            String input = inv.inputs().get(0);
            int at = step.indexOf(inv);
            int forward = indexOf(step, r -> r instanceof Instruction.Run f && f.pass() == Pass.FORWARD
                    && f.layer().equals(inv.layer()));
            // forward frees the input right after the layer ran: nothing in between but frees
            int free = step.indexOf(new Instruction.Free(input));
            assertTrue(free > forward && step.subList(forward + 1, free).stream()
                    .allMatch(i -> i instanceof Instruction.Free), name + ": " + input + " is freed right after "
                    + inv.layer() + "'s forward");
            int realloc = step.lastIndexOf(new Instruction.Alloc(input));
            assertTrue(realloc > free && realloc < at, name + ": " + input + " comes back just before the inverse");
            assertEquals(new Instruction.Mark(Action.RECOMPUTE, input), step.get(at + (step.get(at + 1)
                    instanceof Instruction.Free ? 2 : 1)), name + ": the rebuild is marked on the trace");
            int backward = indexOf(step, r -> r instanceof Instruction.Run b && b.pass() == Pass.BACKWARD
                    && b.layer().equals(inv.layer()));
            assertTrue(backward > at, name + ": " + inv.layer() + "'s backward follows its inverse");
        }
    }

    private static int indexOf(List<Instruction> list, java.util.function.Predicate<Instruction> p) {
        for (int i = 0; i < list.size(); i++) {
            if (p.test(list.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Without an invertible layer that pays, reversible is baseline, instruction for instruction. */
    @Test
    void aNetworkWithNothingToInvertGetsBaselinesProgram() {
        for (String sample : List.of("lenet5", "vgg_small", "resnet18_cifar")) {
            Network net = Network.load(TestPaths.sample(sample));
            CompileOptions options = StepRuns.options(8);
            assertEquals(BASELINE.compile(net, options).step(), REVERSIBLE.compile(net, options).step(), sample);
            assertTrue(Reversibility.of(net).invertedLayers().isEmpty(), sample);
        }
    }

    /**
     * The fully invertible network's training step needs the same activation memory per input pixel at every
     * depth (the peak minus the persistent tensors, over batch·H·W); baseline's grows with every block.
     */
    @Test
    void activationMemoryPerPixelStaysFlatAsDepthGrows() {
        int batch = 16;
        long[] rev = new long[4];
        long[] base = new long[4];
        int[] depths = {1, 2, 4, 8};
        for (int k = 0; k < depths.length; k++) {
            Network net = Network.build(ReversibleNets.fullyInvertible(depths[k]));
            rev[k] = stepBytes(net, REVERSIBLE, batch);
            base[k] = stepBytes(net, BASELINE, batch);
            System.out.printf("fully invertible, %d blocks per stage: %d B/pixel reversible, %d baseline%n", depths[k],
                    rev[k] / (batch * 32 * 32), base[k] / (batch * 32 * 32));
        }
        assertTrue(rev[0] <= rev[1], "one block per stage needs no more than two");
        for (int k = 1; k < depths.length; k++) {
            assertEquals(rev[1], rev[k], "reversible at " + depths[k] + " blocks per stage needs what it needs at 2");
            assertTrue(base[k] > base[k - 1] + (base[k - 1] - base[0]) / 2 && base[k] > base[k - 1],
                    "baseline grows with depth: " + base[k] + " after " + base[k - 1]);
        }
        assertTrue(base[3] > 4 * rev[3], "at 8 blocks per stage baseline needs " + base[3] + ", reversible " + rev[3]);
    }

    /** Training peak minus what persists between steps (parameters, gradients, optimizer state). */
    static long stepBytes(Network net, MemoryMode mode, int batch) {
        Planner.Plan plan = Planner.plan(net, mode, new CompileOptions(batch, Optimizer.of("sgd", 0.01, 0.9, 0),
                CpuBackend.workspaceModel(2)), Planner.UNBOUNDED);
        return plan.profile().trainingPeakBytes() - plan.profile().setupBytes();
    }

    /** Each rebuilt input is measured against forward's: one measurement per inverse, in order, all close. */
    @Test
    void theReconstructionErrorOfEveryRebuiltInputIsMeasured() {
        Network net = Network.build(ReversibleNets.fullyInvertible(4));
        int batch = 4;
        CompileOptions options = StepRuns.options(batch);
        StepProgram program = REVERSIBLE.compile(net, options);
        long budget = 256L << 20;
        try (CpuBackend cpu = new CpuBackend(new DeviceMemory(budget,
                new Trace(new TraceInfo(net.name(), "reversible", "cpu", batch, budget, null), 1 << 16)), 2)) {
            ProgramRunner runner = new ProgramRunner(net, cpu, options.optimizer(), 3);
            runner.setup(program);
            Random r = new Random(1);
            float[] images = new float[batch * 3 * 32 * 32];
            for (int i = 0; i < images.length; i++) {
                images[i] = (float) r.nextGaussian();
            }
            Batch b = new Batch(batch, images, new float[] {1, 2, 3, 4});
            runner.run(program, 0, b);
            assertTrue(runner.reconstructions().isEmpty(), "nothing is measured unless asked");
            runner.measureReconstruction(true);
            runner.run(program, 1, b);
            List<Reconstruction> rs = runner.reconstructions();
            List<String> expected = new ArrayList<>(Reversibility.of(net).invertedLayers());
            java.util.Collections.reverse(expected);
            assertEquals(expected, rs.stream().map(Reconstruction::layer).toList());
            for (int i = 0; i < rs.size(); i++) {
                Reconstruction x = rs.get(i);
                assertEquals(i + 1, x.depth());
                assertEquals(1, x.step());
                assertTrue(x.snrDb() > 60, x.tensor() + " rebuilt at " + x.snrText());
                System.out.printf("%s by %s: %s, max error %.2e%n", x.tensor(), x.layer(), x.snrText(), x.maxError());
            }
            // the space-to-depth at the bottom of a stage is a permutation: its rebuild adds no error, so its
            // input is exactly as noisy as what it was rebuilt from
            assertTrue(rs.stream().anyMatch(x -> x.layer().endsWith("squeeze")));
        }
    }

    @Test
    void theLayoutSaysWhichLayersAreRebuiltAndWhyTheOthersAreNot() {
        String layout = REVERSIBLE.layout(hybrid());
        assertTrue(layout.startsWith("hybrid, reversible: "), layout);
        assertTrue(layout.matches("(?s).*rev1 +coupling +rebuilt.*"), layout);
        assertTrue(layout.matches("(?s).*conv1 +conv2d +kept: conv2d is not invertible.*"), layout);
        assertTrue(layout.matches("(?s).*relu +relu +kept: relu is not invertible.*leaky_relu is.*"), layout);
        assertTrue(layout.matches("(?s).*squeeze +space_to_depth +rebuilt.*"), layout); // relu's backward reads it
        assertTrue(layout.matches("(?s).*rev4 +coupling +kept: its input squeeze is also read by skip.*"), layout);
        Map<String, Boolean> inverted = new java.util.HashMap<>();
        Reversibility.of(hybrid()).entries().forEach(e -> inverted.put(e.layer(), e.inverted()));
        assertEquals(Map.of("conv1", false, "bn1", true, "act1", true, "rev1", true, "rev2", true, "pool1", false,
                "rev3", true, "relu", false, "squeeze", true, "rev4", false), filter(inverted, "conv1", "bn1", "act1",
                "rev1", "rev2", "pool1", "rev3", "relu", "squeeze", "rev4"));
    }

    private static Map<String, Boolean> filter(Map<String, Boolean> m, String... keys) {
        Map<String, Boolean> out = new java.util.HashMap<>();
        for (String k : keys) {
            out.put(k, m.get(k));
        }
        return out;
    }

    /** A RevNet that does not fit in baseline is told that reversible mode fits, with the peak it would need. */
    @Test
    void adviceForABaselineRunThatDoesNotFitOffersReversibleMode() {
        Network net = Network.build(ReversibleNets.revnet(3));
        CompileOptions options = new CompileOptions(128, Optimizer.of("sgd", 0.01, 0.9, 0), CpuBackend.workspaceModel(2));
        long budget = 160L << 20;
        Planner.Plan plan = Planner.plan(net, BASELINE, options, budget);
        assertTrue(!plan.fits());
        io.memscope.trainer.plan.FitAdvice advice = io.memscope.trainer.plan.FitAdvice.of(net, BASELINE, options, budget, plan);
        assertTrue(advice.suggestions().stream().anyMatch(s -> s instanceof io.memscope.trainer.plan.FitAdvice.Mode m
                && m.mode().equals("reversible") && m.peakBytes() <= budget), advice.suggestions().toString());
    }

    /** The MNIST network rebuilds every layer between the first space-to-depth (which reads the data) and the classifier. */
    @Test
    void theMnistNetworkRebuildsEverythingBetweenTheDataAndTheClassifier() {
        Network net = Network.build(ReversibleNets.mnist());
        assertEquals(List.of("stage1.rev1", "stage1.rev2", "stage2.squeeze", "stage2.rev1", "stage2.rev2", "bn"),
                Reversibility.of(net).invertedLayers());
        long rev = stepBytes(net, REVERSIBLE, 16);
        long base = stepBytes(net, BASELINE, 16);
        System.out.printf("MNIST network, batch 16: %d bytes reversible, %d baseline%n", rev, base);
        assertTrue(rev < base, "reversible plans " + rev + " bytes, baseline " + base);
    }

    @Test
    void theBundledSamplesAreTheBuildersNetworks() {
        assertEquals(NetworkSpec.parse(ReversibleNets.revnet(3).toJson()).toJson(),
                NetworkSpec.load(TestPaths.sample("revnet38")).toJson());
        assertEquals(NetworkSpec.parse(ReversibleNets.fullyInvertible(4).toJson()).toJson(),
                NetworkSpec.load(TestPaths.sample("invertible_cifar")).toJson());
    }
}
