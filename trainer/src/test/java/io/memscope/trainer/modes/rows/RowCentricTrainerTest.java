package io.memscope.trainer.modes.rows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.train.StepResult;
import io.memscope.trainer.train.TrainConfig;
import io.memscope.trainer.train.TrainListener;
import io.memscope.trainer.train.TrainSummary;
import io.memscope.trainer.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trainer runs the mode by its id, as the command line does: planning, training, held-out evaluation. */
class RowCentricTrainerTest {
    /** LeNet-5 starts at ln 10 and stays near it for some tens of steps, so the run is long enough to leave it. */
    @Test
    void trainsLenetByModeId() {
        TrainConfig cfg = new TrainConfig(Network.load(TestPaths.sample("lenet5")), RowCentricMode.ID, "builtin", 16, 120,
                0, 64L << 20, 1, Optimizer.of("sgd", 0.05, 0.9, 5e-4), 2, 64);
        List<StepResult> steps = new ArrayList<>();
        TrainSummary s = new Trainer(cfg).run(new TrainListener() {
            @Override
            public void onStep(StepResult r) {
                steps.add(r);
            }
        });
        assertEquals(120, s.steps());
        assertTrue(s.finalLoss() < steps.get(0).loss(), "the loss falls: " + steps.get(0).loss() + " -> " + s.finalLoss());
        assertEquals(s.plannedPeakBytes(), steps.get(steps.size() - 1).peakBytes(), "planned peak = measured step peak");
    }

    @Test
    void aConfiguredModeMustBeTheOneTheConfigNames() {
        TrainConfig cfg = new TrainConfig(Network.load(TestPaths.sample("lenet5")), "baseline", "builtin", 4, 1, 0,
                64L << 20, 1, Optimizer.of("sgd", 0.05, 0.9, 5e-4), 2, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(cfg, Modes.get(RowCentricMode.ID, Map.of("bands", "2"))));
        assertEquals("the run is configured for mode baseline, but was given the row-centric mode", e.getMessage());
    }
}
