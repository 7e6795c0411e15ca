package io.memscope.trainer.modes.rows;

import io.memscope.trainer.modes.StepRuns;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.modes.BaselineMode;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.NetworkSpec;
import io.memscope.trainer.net.layers.Pass;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.plan.MemoryProfile;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.Instruction;
import io.memscope.trainer.program.ProgramChecker;
import io.memscope.trainer.program.StepProgram;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Row-centric programs without arithmetic: soundness, memory against baseline, the timeline, bad input. */
class RowCentricProgramTest {
    static CompileOptions options(int batch) {
        return new CompileOptions(batch, Optimizer.of("sgd", 0.01, 0.9, 5e-4), CpuBackend.workspaceModel(2));
    }

    static Network sample(String name) {
        return Network.load(TestPaths.sample(name));
    }

    static RowCentricMode mode(Halo halo, RowCentricOptions.Cuts cuts, int fwd, int bwd) {
        return RowCentricMode.with(RowCentricOptions.DEFAULT.withHalo(halo).withCuts(cuts)
                .withBands(Bands.count(fwd), Bands.count(bwd)));
    }

    /** Peak bytes beyond the persistent state (parameters, gradients, optimizer state): activations, inputs, workspaces. */
    static long activationPeak(Network net, MemoryMode mode, int batch) {
        Planner.Plan p = Planner.plan(net, mode, options(batch), 1L << 40);
        return p.peakBytes() - persistent(p.profile());
    }

    static long persistent(MemoryProfile p) {
        return p.atPeak(Category.PARAMETER) + p.atPeak(Category.GRADIENT) + p.atPeak(Category.OPTIMIZER_STATE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lenet5", "vgg_small", "resnet18_cifar", "vgg16"})
    void programsAreSoundForEveryStrategyCutAndBandCount(String name) {
        Network net = sample(name);
        int h = net.input().h();
        for (Halo halo : Halo.values()) {
            for (RowCentricOptions.Cuts cuts : RowCentricOptions.Cuts.values()) {
                for (int[] b : new int[][] {{1, 1}, {2, 2}, {3, 7}, {16, 5}, {h, h}}) {
                    StepProgram p = mode(halo, cuts, b[0], b[1]).compile(net, options(2));
                    assertEquals(List.of(), ProgramChecker.check(p), name + " " + halo + " " + cuts + " " + b[0] + "/" + b[1]);
                }
            }
        }
    }

    @Test
    void peakActivationMemoryIsBelowBaseline() {
        // VGG-16 at 224×224 is planned only: the meta backend runs the same program without arithmetic.
        Network vgg16 = sample("vgg16");
        long base16 = activationPeak(vgg16, new BaselineMode(), 8);
        long rows16 = activationPeak(vgg16, new RowCentricMode(), 8);
        assertTrue(rows16 < base16 / 2, "VGG-16: " + rows16 + " vs baseline " + base16);

        Network small = sample("vgg_small");
        long baseSmall = activationPeak(small, new BaselineMode(), 32);
        for (Halo halo : Halo.values()) {
            long rows = activationPeak(small, mode(halo, RowCentricOptions.Cuts.NONE, 4, 4), 32);
            assertTrue(rows < baseSmall * 7 / 10, "VGG-small " + halo + ": " + rows + " vs baseline " + baseSmall);
        }
    }

    @Test
    void plannedPeakIsTheMeasuredPeak() {
        Network net = sample("vgg_small");
        for (Halo halo : Halo.values()) {
            StepRuns.Result r = StepRuns.train(net, mode(halo, RowCentricOptions.Cuts.DOWNSAMPLING, 3, 5), 2, 1);
            assertEquals(r.plannedPeak(), MemoryProfile.of(r.events()).peakBytes(), halo.label());
        }
    }

    @Test
    void timelineShowsOnePhasePerBandAndFlatMemory() {
        Network net = sample("vgg16");
        int bands = 8;
        Planner.Plan plan = Planner.plan(net, mode(Halo.OVERLAP, RowCentricOptions.Cuts.DOWNSAMPLING, bands, bands),
                options(8), 1L << 40);
        long persistent = persistent(plan.profile());
        Set<String> firstSegment = Set.of("conv1_1", "relu1_1", "conv1_2", "relu1_2", "pool1");
        Map<String, Long> forwardPeaks = new LinkedHashMap<>();
        List<String> backwardBands = new ArrayList<>();
        long resident = 0;
        String phase = "";
        for (MemoryEvent e : plan.events()) {
            resident += e.residentDelta();
            if (e.action() == Action.PHASE) {
                phase = firstSegment.contains(e.layer()) ? e.phase() : "";
                if (phase.startsWith("backward band") && !backwardBands.contains(phase)) {
                    backwardBands.add(phase);
                }
            }
            if (phase.startsWith("forward band")) {
                forwardPeaks.merge(phase, resident - persistent, Math::max);
            }
        }
        List<String> expected = new ArrayList<>();
        for (int k = 1; k <= bands; k++) {
            expected.add("forward band " + k + "/" + bands + " of segment 1");
        }
        assertEquals(expected, List.copyOf(forwardPeaks.keySet()), "one phase per band, in order");
        assertEquals("backward band " + bands + "/" + bands + " of segment 1", backwardBands.get(0),
                "backward starts at the last band");
        assertEquals("backward band 1/" + bands + " of segment 1", backwardBands.get(bands - 1));
        List<Long> interior = List.copyOf(forwardPeaks.values()).subList(1, bands - 1);
        long hi = interior.stream().mapToLong(Long::longValue).max().orElseThrow();
        long lo = interior.stream().mapToLong(Long::longValue).min().orElseThrow();
        assertTrue(hi - lo <= hi / 20, "memory stays flat from band to band: " + forwardPeaks);
        long baseline = activationPeak(net, new BaselineMode(), 8);
        assertTrue(hi < baseline / 4, "a band holds a fraction of what baseline keeps: " + hi + " vs " + baseline);
    }

    @Test
    void programsShowRowCopiesPaddingAndRecomputation() {
        StepProgram p = mode(Halo.TWO_PHASE, RowCentricOptions.Cuts.NONE, 4, 4).compile(sample("lenet5"), options(2));
        String listing = p.listing();
        assertTrue(listing.contains("PHASE forward band 1/4 conv1"), listing);
        assertTrue(listing.contains("FILL_ROWS conv1.in0@f1[0..2) = 0.0"), "conv1's top padding rows");
        assertTrue(listing.contains("COPY_ROWS pool2.out@f4[0..3) -> pool2.out[2..5)"),
                "the last band writes the last of the trunk's output rows");
        assertTrue(listing.contains("conv2.in0@f2"), "a later band reads rows kept from the one before");
        assertTrue(p.step().stream().anyMatch(i -> i instanceof Instruction.Mark m && m.action() == Action.RECOMPUTE));
        assertTrue(p.decl("relu1.out@f1").dims().h() < 28, "band tensors are band-sized");
    }

    @Test
    void modesOffersTheModeWithDefaultOrGivenOptions() {
        MemoryMode m = Modes.get("row-centric");
        RowCentricMode rc = assertInstanceOf(RowCentricMode.class, m);
        assertEquals(RowCentricOptions.DEFAULT, rc.options());
        RowCentricMode configured = assertInstanceOf(RowCentricMode.class,
                Modes.get("row-centric", Map.of("--bands", "8", "halo", "two-phase", "bwd-bands", "rows:4")));
        assertEquals(Halo.TWO_PHASE, configured.options().halo());
        assertEquals(Bands.count(8), configured.options().forward());
        assertEquals(Bands.rows(4), configured.options().backward());
        assertTrue(configured.description().contains("two-phase"));
    }

    @Test
    void parsesOptions() {
        RowCentricOptions o = RowCentricOptions.parse(Map.of("halo", "overlap", "bands", "rows:7", "cuts", "none",
                "layer-bands", "conv3_1=8, conv4_1=4/16", "steps", "10"));
        assertEquals(Halo.OVERLAP, o.halo());
        assertEquals(Bands.rows(7), o.forward());
        assertEquals(Bands.rows(7), o.backward());
        assertEquals(RowCentricOptions.Cuts.NONE, o.cuts());
        assertEquals(new RowCentricOptions.LayerBands(Bands.count(8), Bands.count(8)), o.layers().get("conv3_1"));
        assertEquals(new RowCentricOptions.LayerBands(Bands.count(4), Bands.count(16)), o.layers().get("conv4_1"));
        assertThrows(IllegalArgumentException.class, () -> RowCentricOptions.parse(Map.of("halo", "sideways")));
        assertThrows(IllegalArgumentException.class, () -> RowCentricOptions.parse(Map.of("bands", "0")));
        assertThrows(IllegalArgumentException.class, () -> RowCentricOptions.parse(Map.of("bands", "many")));
        assertThrows(IllegalArgumentException.class, () -> RowCentricOptions.parse(Map.of("layer-bands", "conv1")));
        String m = assertThrows(IllegalArgumentException.class,
                () -> RowCentricOptions.parse(Map.of("--layer-bands", "conv1=4/x"))).getMessage();
        assertEquals("--layer-bands conv1: 'x' is not a band count (e.g. 4) or a band height (e.g. rows:8)", m);
        m = assertThrows(IllegalArgumentException.class, () -> RowCentricOptions.parse(Map.of("cuts", "some")))
                .getMessage();
        assertEquals("cuts: unknown cut policy 'some'; use none or downsampling", m);
    }

    @Test
    void choosesTheCoarsestBandsThatFitABudget() {
        Network net = sample("vgg_small");
        CompileOptions o = options(32);
        long base = Planner.plan(net, new BaselineMode(), o, 1L << 40).peakBytes();
        long budget = base - (base - Planner.plan(net, new RowCentricMode(), o, 1L << 40).peakBytes()) / 2;
        RowCentricMode.Choice c = RowCentricMode.chooseFor(net, o, budget, RowCentricOptions.DEFAULT);
        assertTrue(c.fits(), c.report());
        assertTrue(c.plan().peakBytes() <= budget);
        assertTrue(c.report().contains("chosen:"), c.report());
        RowCentricMode.Choice none = RowCentricMode.chooseFor(net, o, 1 << 20, RowCentricOptions.DEFAULT);
        assertFalse(none.fits());
        assertTrue(none.report().contains("no band count fits"), none.report());
    }

    // ---- bad input: refused at compile time, with the numbers ------------------------------------------

    @Test
    void refusesMoreBandsThanTheMapHasRows() {
        Network lenet = sample("lenet5");
        String m = compileError(lenet, RowCentricOptions.DEFAULT.withBands(29));
        assertTrue(m.contains("29 forward bands") && m.contains("28 rows"), m);
        m = compileError(lenet, RowCentricOptions.DEFAULT.withBands(Bands.count(4), Bands.count(40)));
        assertTrue(m.contains("40 backward bands"), m);
        m = compileError(sample("vgg16"), RowCentricOptions.DEFAULT.withLayer("conv5_1", Bands.count(20), Bands.count(4)));
        assertTrue(m.contains("conv5_1") && m.contains("20 forward bands") && m.contains("14 rows"), m);
    }

    @Test
    void aSegmentOfOneLayerRunsOnWholeMapsWithoutRaisingThePeak() {
        Network net = sample("vgg_small");
        RowCentricMode byDefault = RowCentricMode.with(RowCentricOptions.DEFAULT);
        // naming the layers keeps their bands: what every segment of one layer ran before
        RowCentricMode banded = RowCentricMode.with(RowCentricOptions.DEFAULT.withLayer("conv1_1", Bands.count(4),
                Bands.count(4)).withLayer("conv2_1", Bands.count(4), Bands.count(4)).withLayer("conv3_1",
                Bands.count(4), Bands.count(4)));
        Set<String> alone = Set.of("conv1_1", "conv2_1", "conv3_1");
        StepProgram whole = byDefault.compile(net, options(8));
        StepProgram bands = banded.compile(net, options(8));
        for (Instruction i : whole.step()) {
            if (i instanceof Instruction.Run r && r.layer().equals("conv1_2") && r.pass() == Pass.BACKWARD) {
                assertTrue(r.rowBand(), "a segment of two layers keeps its bands");
            }
            if (i instanceof Instruction.Run r && alone.contains(r.layer())) {
                assertFalse(r.rowBand(), r.layer() + " runs on whole maps");
            }
            if (i instanceof Instruction.CopyRows c) {
                assertFalse(alone.stream().anyMatch(l -> band(c.src(), l) || band(c.dst(), l)),
                        "a layer run whole has no band tensors to copy rows in or out of: " + c);
            }
        }
        assertTrue(bands.step().stream().anyMatch(i -> i instanceof Instruction.Run r && r.layer().equals("conv2_1")
                && r.rowBand()), "a named layer keeps its bands");
        assertEquals(List.of(), ProgramChecker.check(whole));
        for (int batch : new int[] {8, 32}) {
            assertTrue(Planner.plan(net, byDefault, options(batch), 1L << 40).peakBytes()
                    <= Planner.plan(net, banded, options(batch), 1L << 40).peakBytes(), "batch " + batch);
        }
        String layout = byDefault.layout(net);
        assertTrue(layout.contains("whole maps: conv2_1 (conv2d; one layer between whole maps"), layout);
        assertTrue(banded.layout(net).contains("conv2_1..conv2_1 reads pool1 (16 rows)"), banded.layout(net));

        // a layer reading rows recomputed from a batch norm would need that map kept whole: it keeps its bands
        Network bnFed = Network.build(NetworkSpec.parse("""
                {"name": "bn-fed", "input": {"channels": 2, "height": 8, "width": 8},
                 "layers": [{"name": "c1", "type": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1},
                            {"name": "bn", "type": "batchnorm2d"},
                            {"name": "c2", "type": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1},
                            {"name": "r2", "type": "relu"},
                            {"name": "flat", "type": "flatten"}, {"name": "fc", "type": "linear", "out_features": 3},
                            {"name": "loss", "type": "softmax_cross_entropy"}]}"""));
        String fed = byDefault.layout(bnFed);
        assertTrue(fed.contains("whole maps: c1 (conv2d; one layer"), fed);
        assertTrue(fed.contains("segment 1: c2..r2 reads bn (8 rows)"), fed);
        Network bnOnly = Network.build(NetworkSpec.parse("""
                {"name": "bn-only", "input": {"channels": 2, "height": 8, "width": 8},
                 "layers": [{"name": "c1", "type": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1},
                            {"name": "bn", "type": "batchnorm2d"},
                            {"name": "c2", "type": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1},
                            {"name": "bn2", "type": "batchnorm2d"},
                            {"name": "flat", "type": "flatten"}, {"name": "fc", "type": "linear", "out_features": 3},
                            {"name": "loss", "type": "softmax_cross_entropy"}]}"""));
        String only = byDefault.layout(bnOnly);
        assertTrue(only.contains("segment 1: c2..c2 reads bn (8 rows)"), only);
    }

    @Test
    void aForwardRunsOnWholeMapsWhereThatHoldsNoMoreAndTheBackwardKeepsItsBands() {
        Network net = sample("vgg_small");
        RowCentricOptions o = RowCentricOptions.DEFAULT;
        for (int batch : new int[] {2, 8, 32}) {
            StepProgram chosen = RowCentricMode.with(o).compile(net, options(batch));
            StepProgram banded = new RowCentricCompiler(net, options(batch), o, RowCentricCompiler.WholeForward.NEVER)
                    .compile(RowCentricMode.ID);
            assertEquals(List.of(), ProgramChecker.check(chosen));
            assertTrue(Planner.stepPeakBytes(net, chosen, options(batch))
                    <= Planner.stepPeakBytes(net, banded, options(batch)), "batch " + batch);
        }
        StepProgram p = RowCentricMode.with(o).compile(net, options(32));
        String phase = "";
        boolean backwardBands = false;
        for (Instruction i : p.step()) {
            if (i instanceof Instruction.Phase ph) {
                phase = ph.name();
                backwardBands |= phase.startsWith("backward band");
            }
            if (phase.startsWith("forward")) {
                assertFalse(phase.startsWith("forward band"), "every forward of the defaults at batch 32 is whole");
                assertFalse(i instanceof Instruction.CopyRows || i instanceof Instruction.FillRows, i.toString());
                if (i instanceof Instruction.Run r) {
                    assertFalse(r.rowBand(), r.layer());
                    if (r.layer().equals("relu2_1")) {
                        assertEquals(List.of("bn2_1.out"), r.inputs());
                        assertEquals("bn2_1.out", r.output(), "the ReLU overwrites the batch-norm output");
                    }
                }
            }
        }
        assertTrue(backwardBands);
        String layout = RowCentricMode.with(o).layout(net);
        assertTrue(layout.contains("relu1_2..pool1 reads bn1_2 (32 rows); writes pool1; forward 4 bands, backward 4 bands;"
                + " the forward on whole maps instead"), layout);
        assertFalse(RowCentricMode.with(o).layout(sample("lenet5")).contains("whole maps instead"),
                "LeNet-5's segments start with convolutions: their forwards keep their bands");
        // two-phase bands fill keep tensors the backward reads: their forward stays in bands
        StepProgram twoPhase = RowCentricMode.with(o.withHalo(Halo.TWO_PHASE)).compile(net, options(32));
        assertTrue(twoPhase.step().stream().anyMatch(i -> i instanceof Instruction.Phase ph
                && ph.name().startsWith("forward band")));
    }

    /** Whether a tensor is one of a layer's band tensors, e.g. {@code conv2_1.in0@f1}. */
    private static boolean band(String tensor, String layer) {
        return tensor.startsWith(layer + ".") && tensor.contains("@");
    }

    @Test
    void bandsThatWouldCompleteNothingAreLeftOutAndTheLayoutSaysSo() {
        Network lenet = sample("lenet5");
        // a pool1 row needs two conv1 rows, each five input rows: most one-row bands complete nothing
        String layout = RowCentricMode.with(RowCentricOptions.DEFAULT.withBands(28)).layout(lenet);
        assertTrue(layout.contains("reads input (28 rows); writes pool1; forward 13 bands (28 asked), backward 13 "
                + "bands (28 asked)"), layout);
        assertTrue(layout.contains("reads pool1 (14 rows); writes pool2; forward 5 bands (28 asked), backward 5 bands "
                + "(28 asked)"), layout);
        String tall = RowCentricMode.with(RowCentricOptions.DEFAULT.withBands(Bands.rows(64), Bands.rows(64)))
                .layout(lenet);
        assertTrue(tall.contains("writes pool1; forward 1 band, backward 1 band\n"), tall);
        String fine = RowCentricMode.with(RowCentricOptions.DEFAULT.withBands(2)).layout(lenet);
        assertTrue(fine.contains("writes pool1; forward 2 bands, backward 2 bands\n"), fine);
    }

    @Test
    void modesListTheirSettingsAndLayout() {
        assertEquals(RowCentricOptions.KEYS, Modes.get(RowCentricMode.ID).settingKeys());
        assertEquals(List.of(), Modes.get("baseline").settingKeys());
        assertEquals("", Modes.get("baseline").layout(sample("lenet5")));
        assertThrows(IllegalArgumentException.class, () -> Modes.get(RowCentricMode.ID).layout(Network.build(
                NetworkSpec.parse("""
                        {"name": "mlp", "input": {"channels": 1, "height": 8, "width": 8},
                         "layers": [{"name": "flat", "type": "flatten"},
                                    {"name": "loss", "type": "softmax_cross_entropy"}]}"""))));
    }

    @Test
    void refusesANetworkWithoutConvolutionalTrunk() {
        Network mlp = Network.build(NetworkSpec.parse("""
                {"name": "mlp", "input": {"channels": 1, "height": 8, "width": 8},
                 "layers": [{"name": "flat", "type": "flatten"}, {"name": "fc", "type": "linear", "out_features": 4},
                            {"name": "loss", "type": "softmax_cross_entropy"}]}"""));
        String m = compileError(mlp, RowCentricOptions.DEFAULT);
        assertTrue(m.contains("no convolutional trunk") && m.contains("flat"), m);
    }

    @Test
    void refusesALayerItCannotSplitInsideTheTrunk() {
        Network net = Network.build(NetworkSpec.parse("""
                {"name": "squeeze", "input": {"channels": 1, "height": 8, "width": 8},
                 "layers": [{"name": "c1", "type": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1},
                            {"name": "gap", "type": "global_avgpool"},
                            {"name": "c2", "type": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1},
                            {"name": "flat", "type": "flatten"}, {"name": "fc", "type": "linear", "out_features": 2},
                            {"name": "loss", "type": "softmax_cross_entropy"}]}"""));
        String m = compileError(net, RowCentricOptions.DEFAULT);
        assertTrue(m.contains("cannot split layer gap (global_avgpool)") && m.contains("before c2"), m);
    }

    @Test
    void refusesPerLayerBandsWhereTheyCannotApply() {
        Network net = sample("vgg_small");
        assertTrue(compileError(net, RowCentricOptions.DEFAULT.withLayer("nope", Bands.count(2), Bands.count(2)))
                .contains("no layer named 'nope'"));
        assertTrue(compileError(net, RowCentricOptions.DEFAULT.withLayer("fc1", Bands.count(2), Bands.count(2)))
                .contains("fc1 (linear) is not in the convolutional trunk"));
        assertTrue(compileError(net, RowCentricOptions.DEFAULT.withLayer("bn1_1", Bands.count(2), Bands.count(2)))
                .contains("bn1_1 (batchnorm2d) runs on whole maps"));
        // both branches of ResNet's first downsampling block read layer1.2.relu2: cut there, they share a segment
        String m = compileError(sample("resnet18_cifar"), RowCentricOptions.DEFAULT
                .withLayer("layer2.1.conv1", Bands.count(2), Bands.count(2))
                .withLayer("layer2.1.down", Bands.count(4), Bands.count(4)));
        assertTrue(m.contains("layer2.1.conv1") && m.contains("layer2.1.down") && m.contains("same segment"), m);
    }

    /** The message of the error compiling (and so planning) a network throws; nothing has run yet. */
    private static String compileError(Network net, RowCentricOptions o) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RowCentricMode.with(o).compile(net, options(2)));
        assertThrows(IllegalArgumentException.class, () -> Planner.plan(net, RowCentricMode.with(o), options(2), 1L << 30));
        return e.getMessage();
    }
}
