package io.memscope.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.train.TrainConfig;
import io.memscope.trainer.train.TrainDefaults;
import org.junit.jupiter.api.Test;

/** {@code train} takes {@link TrainDefaults} for what it is not told, and its help says what they are. */
class CliDefaultsTest {
    @Test
    void trainWithoutOptionsRunsTheDefaults() {
        TrainConfig cfg = MemScopeCli.configFor(TestPaths.sample("lenet5").toString());
        assertEquals("LeNet-5", cfg.network().name());
        assertEquals(TrainDefaults.MODE, cfg.mode());
        assertEquals(TrainDefaults.DATA, cfg.data());
        assertEquals(TrainDefaults.BATCH, cfg.batch());
        assertEquals(TrainDefaults.STEPS, cfg.steps());
        assertEquals(0, cfg.epochs());
        assertEquals(TrainDefaults.budgetBytes(), cfg.budgetBytes());
        assertEquals(TrainDefaults.SEED, cfg.seed());
        assertEquals(Optimizer.of("sgd", TrainDefaults.SGD_LR, TrainDefaults.MOMENTUM, TrainDefaults.WEIGHT_DECAY),
                cfg.optimizer());
        assertEquals(TrainDefaults.threads(), cfg.threads());
        assertEquals(TrainDefaults.EVAL_SAMPLES, cfg.evalSamples());
    }

    @Test
    void adamTakesItsOwnLearningRateWhateverTheCase() {
        TrainConfig cfg = MemScopeCli.configFor(TestPaths.sample("lenet5").toString(), "--optimizer", "Adam");
        assertEquals(TrainDefaults.optimizer("adam", TrainDefaults.ADAM_LR), cfg.optimizer());
    }

    @Test
    void theHelpStatesTheDefaults() {
        String help = MemScopeCli.HELP;
        for (String said : new String[] {
            "--mode " + TrainDefaults.MODE + " ",
            "--data " + TrainDefaults.DATA + " ",
            "--batch " + TrainDefaults.BATCH + " ",
            "--steps " + TrainDefaults.STEPS + " ",
            "--budget " + TrainDefaults.BUDGET + " ",
            "--optimizer " + TrainDefaults.OPTIMIZER + "|",
            "--lr " + number(TrainDefaults.SGD_LR) + " (adam: " + number(TrainDefaults.ADAM_LR) + ")",
            "--momentum " + number(TrainDefaults.MOMENTUM) + " ",
            "--weight-decay " + number(TrainDefaults.WEIGHT_DECAY) + "\n",
            "--seed " + TrainDefaults.SEED + " ",
            "--eval " + TrainDefaults.EVAL_SAMPLES + " ",
        }) {
            assertTrue(help.contains(said), "the help says '" + said.strip() + "'");
        }
    }

    /** A number as the help writes it: 0.01, 0.9; below 0.001 as 5e-4. */
    private static String number(double v) {
        if (v > 0 && v < 1e-3) {
            int exponent = (int) Math.floor(Math.log10(v));
            return Optimizer.number((float) (v / Math.pow(10, exponent))) + "e" + exponent;
        }
        return Optimizer.number((float) v);
    }
}
