package io.memscope.app.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.app.network.Samples;
import io.memscope.app.task.Errors;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.plan.FitAdvice;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.train.TrainConfig;
import io.memscope.trainer.train.TrainListener;
import io.memscope.trainer.train.Trainer;
import io.memscope.trainer.train.TrainingException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The window words advice as its controls, never as command-line flags. */
class AdviceTextTest {
    private static final Network LENET = Network.load(Samples.network(Samples.DEFAULT_NETWORK));
    private static final Optimizer SGD = Optimizer.of("sgd", 0.01, 0.9, 5e-4);
    private static final long TWO_MIB = 2L << 20;

    @Test
    void aBaselineRunThatDoesNotFitOffersTheBatchTheRowCentricModeAndTheBudget() {
        List<String> phrases = AdviceText.phrases(advice("baseline", 44));
        assertEquals(3, phrases.size(), phrases.toString());
        assertEquals("Batch 22 fits", phrases.get(0));
        assertTrue(phrases.get(1).matches("Row-centric mode, Bands \\d+ fits"), phrases.get(1));
        assertTrue(phrases.get(2).matches("Budget [0-9.]+ MiB fits"), phrases.get(2));
        assertFalse(String.join(" ", phrases).contains("--"), phrases.toString());
    }

    @Test
    void inRowCentricModeTheAdviceIsItsBands() {
        List<String> phrases = AdviceText.phrases(advice("row-centric", 64));
        assertTrue(phrases.stream().anyMatch(p -> p.matches("Bands \\d+(, Backward bands \\d+)? fits")), phrases.toString());
        assertFalse(phrases.stream().anyMatch(p -> p.contains("mode")), phrases.toString());
    }

    @Test
    void aRefusedRunReadsAsFactsThenWhatFits() {
        TrainConfig cfg = new TrainConfig(LENET, "baseline", "builtin", 44, 1, 0, TWO_MIB, 1, SGD, 2, 0);
        TrainingException e = assertThrows(TrainingException.class, () -> new Trainer(cfg).run(TrainListener.NONE));
        String text = Errors.message(e);
        assertTrue(text.startsWith("LeNet-5 at batch 44 in baseline mode does not fit: the run needs "), text);
        assertTrue(text.endsWith(". Batch 22 fits  \u00b7  " + AdviceText.phrases(e.advice()).get(1) + "  \u00b7  "
                + AdviceText.phrases(e.advice()).get(2) + "."), text);
        assertFalse(text.contains("--"), text);
    }

    private static FitAdvice advice(String mode, int batch) {
        CompileOptions options = new CompileOptions(batch, SGD, CpuBackend.workspaceModel(2), 512);
        Planner.Plan plan = Planner.plan(LENET, Modes.get(mode), options, TWO_MIB);
        assertFalse(plan.fits());
        return FitAdvice.of(LENET, Modes.get(mode), options, TWO_MIB, plan);
    }
}
