package io.memscope.trainer.modes.compressed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ludovic.netlib.blas.BLAS;
import io.memscope.trainer.TestPaths;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.modes.StepRuns;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.program.Instruction;
import io.memscope.trainer.program.ProgramChecker;
import io.memscope.trainer.program.StepProgram;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The compressed mode's program and its plumbing, through an exact codec (so any difference is a bug). */
class CompressedModeTest {
    static MemoryMode lossless() {
        return new CompressedMode(ErrorBound.parse("1e-3", 50), Map.of(), new LosslessCodec());
    }

    @ParameterizedTest
    @ValueSource(strings = {"vgg_small", "resnet18_cifar"})
    void theProgramIsSoundAndHoldsEveryKeptLayerOutputCompressedBetweenForwardAndBackward(String sample) {
        Network net = Network.load(TestPaths.sample(sample));
        CompileOptions options = StepRuns.options(8);
        StepProgram p = lossless().compile(net, options);
        ProgramChecker.verify(p);
        List<String> compressed = CompressionPass.candidates(new io.memscope.trainer.modes.BaselineMode()
                .compile(net, options), net);
        assertFalse(compressed.isEmpty(), sample);
        List<Instruction> step = p.step();
        int backward = -1;
        for (int k = 0; k < step.size(); k++) {
            if (step.get(k) instanceof Instruction.Phase ph && ph.name().equals("backward")) {
                backward = k;
                break;
            }
        }
        for (String t : compressed) {
            int c = step.indexOf(new Instruction.Compress(t, t + ".z"));
            int d = step.indexOf(new Instruction.Decompress(t + ".z", t));
            assertTrue(c >= 0 && c < backward && d > backward, sample + ": " + t + " compressed in forward, back in backward");
            assertEquals(new Instruction.Free(t + ".z"), step.get(d + 1), "its stream goes once decompressed");
            assertEquals(Category.COMPRESSED, p.decl(t + ".z").category());
        }
        // max pooling finds its maxima in its input and output: they stay exact
        for (Instruction i : step) {
            if (i instanceof Instruction.Run r && r.pass() == io.memscope.trainer.net.layers.Pass.BACKWARD
                    && net.node(r.node()).layer().type().equals("maxpool2d")) {
                r.tensors().forEach(t -> assertFalse(compressed.contains(t), t + " is read by " + r.layer()));
            }
        }
    }

    /**
     * LeNet-5 keeps for backward only what its max poolings read (they find their maxima by comparing input and
     * output) and its small classifier inputs: nothing to compress, so its program is baseline's.
     */
    @Test
    void lenetHasNothingToCompress() {
        Network net = Network.load(TestPaths.sample("lenet5"));
        CompileOptions options = StepRuns.options(8);
        assertEquals(Modes.get("baseline").compile(net, options).step(), lossless().compile(net, options).step());
    }

    /** An exact codec changes nothing but where the bytes live: every weight equals baseline's, bit for bit. */
    @ParameterizedTest
    @ValueSource(strings = {"vgg_small"})
    void throughAnExactCodecTheWeightsAfterThreeStepsAreBaselines(String sample) {
        Network net = Network.load(TestPaths.sample(sample));
        StepRuns.Result base = StepRuns.train(net, Modes.get("baseline"), 8, 3, BLAS.getInstance(), false);
        StepRuns.Result comp = StepRuns.train(net, lossless(), 8, 3, BLAS.getInstance(), true);
        StringBuilder where = new StringBuilder();
        assertEquals(0.0, StepRuns.worstRatio(comp.params(), base.params(), 0, 1e-30, where), where.toString());
        assertEquals(base.losses(), comp.losses());
        // the trace shows each kept output shrinking after forward and coming back before backward
        long compresses = comp.events().stream().filter(e -> e.action() == Action.COMPRESS).count();
        long decompresses = comp.events().stream().filter(e -> e.action() == Action.DECOMPRESS).count();
        assertTrue(compresses > 0 && compresses == decompresses, compresses + " compressions, " + decompresses + " back");
        assertTrue(comp.events().stream().anyMatch(e -> e.action() == Action.ALLOC && e.category() == Category.COMPRESSED));
        // a compressed tensor is one tensor that leaves and comes back: its id is freed once, at its last use
        for (MemoryEvent c : comp.events()) {
            if (c.action() == Action.COMPRESS) {
                assertEquals(1, comp.events().stream().filter(e -> e.tensorId() == c.tensorId()
                        && e.action() == Action.DECOMPRESS && e.step() == c.step()).count(), c.toString());
            }
        }
    }

    /**
     * The weight-gradient error against baseline: none through an exact codec (adaptive bounds, so the step that
     * measures the gradients runs first, from the given weights, which are put back), some through the lossy one.
     */
    @Test
    void gradientErrorIsNoneThroughAnExactCodecAndSmallThroughTheLossyOne() {
        Network net = Network.load(TestPaths.sample("vgg_small"));
        CompileOptions options = StepRuns.options(4);
        io.memscope.trainer.program.Batch batch = StepRuns.batch(net, 4);
        Map<String, float[]> weights = StepRuns.train(net, Modes.get("baseline"), 4, 2).params();
        MemoryMode exact = new CompressedMode(ErrorBound.parse("adaptive:0.01", 50), Map.of(), new LosslessCodec());
        List<GradientError.Layer> none = GradientError.of(net, exact, options, batch, 1, StepRuns.THREADS, weights);
        assertEquals(14, none.size(), "6 convolutions, 6 batch norms, 2 linear layers: " + none);
        none.forEach(l -> assertEquals(0.0, l.relativeError(), l.layer()));
        List<GradientError.Layer> lossy = GradientError.of(net, Modes.get("compressed", Map.of("eb", "rel:1e-2")),
                options, batch, 1, StepRuns.THREADS, weights);
        assertTrue(lossy.stream().anyMatch(l -> l.relativeError() > 0), lossy.toString());
        assertTrue(lossy.stream().allMatch(l -> l.relativeError() < 0.5), lossy.toString());
    }

    /**
     * eb = √3 · R · ‖dW‖ / (g · ‖dY‖), g the reader's gain (√fanIn for a convolution): the least any reader asks
     * for in one measurement, until the next measurement replaces it (up as well as down); R / 10 of the range
     * before the first.
     */
    @Test
    void anAdaptiveBoundIsTheLeastOfItsReadersAndTheNextMeasurementReplacesIt() {
        ActivationCompressor c = new ActivationCompressor(new LosslessCodec(), ErrorBound.parse("adaptive:0.01", 50),
                Map.of());
        float[] values = {0f, 2f};
        double g = Math.sqrt(3);
        assertEquals(0.002, c.errorBound("x", values), 1e-12, "R / 10 of the range until measured");
        c.gradients("x", "conv_a", 1.0, 1.0, g, 0);
        c.gradients("x", "conv_b", 2.0, 1.0, g, 0);
        assertEquals(0.005, c.errorBound("x", values), 1e-12, "the smaller of the two readers' bounds");
        c.gradients("x", "conv_a", 1.0, 4.0, g, 50);
        c.gradients("x", "conv_b", 1.0, 3.0, g, 50);
        assertEquals(0.03, c.errorBound("x", values), 1e-12, "re-estimated: the new least, larger than before");
        assertEquals(0.03, c.adaptiveBounds().get("x"), 1e-12);
    }

    @Test
    void errorBoundsAreReadAsAbsoluteRelativeOrAdaptiveAndAnythingElseIsRefused() {
        assertEquals(new ErrorBound.Absolute(1e-3), ErrorBound.parse("1e-3", 50));
        assertEquals(new ErrorBound.Relative(0.01), ErrorBound.parse("rel:0.01", 50));
        assertEquals(new ErrorBound.Adaptive(0.005, 50), ErrorBound.parse("adaptive", 50));
        assertEquals(new ErrorBound.Adaptive(0.05, 10), ErrorBound.parse("adaptive:0.05", 10));
        for (String bad : List.of("0", "-1", "abc", "rel:2", "rel:0", "adaptive:x", "NaN", "1e999")) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> ErrorBound.parse(bad, 50), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("rel:1e-3"), e.getMessage());
        }
    }

    static long count(List<MemoryEvent> events, Action a) {
        return events.stream().filter(e -> e.action() == a).count();
    }
}
