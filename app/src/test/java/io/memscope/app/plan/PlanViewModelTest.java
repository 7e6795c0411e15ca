package io.memscope.app.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.app.network.Samples;
import io.memscope.app.run.RunViewModel;
import io.memscope.app.run.TrainingDriver;
import io.memscope.app.task.Background;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.compressed.CompressedMode;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.train.TrainConfig;
import org.junit.jupiter.api.Test;

/** Planning compressed mode: calibrated on the data first, cached, and the saving against baseline said. */
class PlanViewModelTest {
    private static final TrainingDriver NO_RUNS = new TrainingDriver() {
        @Override
        public void start(TrainConfig config, MemoryMode mode) { }

        @Override
        public void pause() { }

        @Override
        public void resume() { }

        @Override
        public void stepOnce() { }

        @Override
        public void stop() { }
    };

    @Test
    void aCompressedPlanIsCalibratedOnceAndHoldsLessThanBaseline() {
        RunViewModel run = new RunViewModel(NO_RUNS);
        PlanViewModel vm = new PlanViewModel(run, Background.direct());
        run.networkProperty().set(Network.load(Samples.network("vgg_small.json")));
        run.batchProperty().set(32);
        run.budgetTextProperty().set("1 GiB");
        run.modeProperty().set(run.modes().stream().filter(m -> m.id().equals("baseline")).findFirst().orElseThrow());
        vm.plan();
        PlanResult baseline = vm.resultProperty().get();
        assertNotNull(baseline, vm.errorProperty().get());
        assertEquals(0, vm.calibrations().calibrated(), "baseline plans without a calibration step");

        run.modeProperty().set(run.modes().stream().filter(m -> m.id().equals(CompressedMode.ID)).findFirst()
                .orElseThrow());
        vm.plan();
        PlanResult compressed = vm.resultProperty().get();
        assertNotNull(compressed, vm.errorProperty().get());
        assertEquals(CompressedMode.ID, compressed.plan().program().mode());
        assertEquals(1, vm.calibrations().calibrated());
        assertTrue(compressed.plan().peakBytes() < baseline.plan().peakBytes(),
                compressed.plan().peakBytes() + " vs baseline's " + baseline.plan().peakBytes());
        assertTrue(compressed.maxBatch() > baseline.maxBatch(), compressed.maxBatch() + " vs " + baseline.maxBatch());
        assertTrue(compressed.note().matches("(?s)Compressed streams planned from a calibration step on 16 samples of "
                + "Built-in shapes: each tensor's measured ratio \\(\\d+ tensors, \\d+\\.\\dx to \\d+\\.\\dx smaller\\) "
                + "with a 25% margin\\.\\nBaseline's peak at batch 32: .+; compressed saves .+ \\(\\d+%\\)\\."),
                compressed.note());
        assertTrue(compressed.layout().contains("planned from a calibration step"), compressed.layout());

        // another batch or budget plans again from the same calibration
        run.batchProperty().set(48);
        run.budgetTextProperty().set("512 MiB");
        vm.plan();
        assertEquals(48, vm.resultProperty().get().batch());
        assertEquals(1, vm.calibrations().calibrated(), "the calibration is kept");
        // another bound is another calibration
        run.modeSettings().put("eb", "1e-3");
        vm.plan();
        assertEquals(2, vm.calibrations().calibrated());
    }

    @Test
    void theNotesReadRight() {
        assertEquals("Baseline's peak at batch 32: 30.0 MiB; compressed saves 18.0 MiB (60%).",
                PlanViewModel.savingNote(12L << 20, 30L << 20, 32));
    }
}
