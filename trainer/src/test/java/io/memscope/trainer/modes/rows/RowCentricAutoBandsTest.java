package io.memscope.trainer.modes.rows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.train.TrainConfig;
import io.memscope.trainer.train.TrainListener;
import io.memscope.trainer.train.Trainer;
import io.memscope.trainer.train.TrainingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code bands auto}: the coarsest bands that fit the budget, chosen when planning or training starts. */
class RowCentricAutoBandsTest {
    static final Network NET = Network.load(TestPaths.sample("vgg_small"));
    static final CompileOptions OPTIONS = new CompileOptions(8, Optimizer.of("sgd", 0.01, 0.9, 5e-4),
            CpuBackend.workspaceModel(2));

    static long peak(MemoryMode mode) {
        return Planner.plan(NET, mode, OPTIONS, 1L << 40).peakBytes();
    }

    @Test
    void choosesTheCoarsestBandsThatFitAndSaysWhatItTried() {
        MemoryMode auto = Modes.get(RowCentricMode.ID, Map.of("bands", "auto", "halo", "two-phase"));
        assertTrue(((RowCentricMode) auto).choosesBands());
        long one = peak(RowCentricMode.with(RowCentricOptions.DEFAULT.withBands(1)));
        long four = peak(RowCentricMode.with(RowCentricOptions.DEFAULT.withBands(4)));
        assertTrue(four < one, "more bands, less memory: " + four + " vs " + one);
        long budget = (one + four) / 2;
        List<String> notes = new ArrayList<>();
        RowCentricMode fitted = (RowCentricMode) auto.fitTo(NET, OPTIONS, budget, notes::add);
        assertFalse(fitted.choosesBands());
        assertEquals(Halo.TWO_PHASE, fitted.options().halo(), "the other settings stay as given");
        assertTrue(Planner.plan(NET, fitted, OPTIONS, budget).fits());
        assertFalse(fitted.options().describe().startsWith("two-phase, 1 band,"),
                "one band does not fit, so it took more: " + fitted.options().describe());
        assertEquals(1, notes.size());
        assertTrue(notes.get(0).contains("1 band: peak") && notes.get(0).contains("chosen: "), notes.get(0));
    }

    @Test
    void aBudgetNothingFitsIsRefusedWithTheNumbers() {
        MemoryMode auto = Modes.get(RowCentricMode.ID, Map.of("bands", "auto"));
        long finest = peak(RowCentricMode.with(RowCentricOptions.DEFAULT.withBands(32)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> auto.fitTo(NET, OPTIONS, finest / 2, s -> { }));
        assertTrue(e.getMessage().startsWith("row-centric: no band count fits"), e.getMessage());
        assertTrue(e.getMessage().contains("the finest needs"), e.getMessage());
        assertFalse(e.getMessage().contains("--"), "advice is worded by the interface, not here: " + e.getMessage());
    }

    @Test
    void withoutAutoTheModeIsItsOwnFit() {
        MemoryMode eight = Modes.get(RowCentricMode.ID, Map.of("bands", "8"));
        assertSame(eight, eight.fitTo(NET, OPTIONS, 1L << 20, s -> { throw new AssertionError(s); }));
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> Modes.get(RowCentricMode.ID, Map.of("bands", "auto", "bwd-bands", "4")));
        assertTrue(both.getMessage().contains("leave bwd-bands out"), both.getMessage());
    }

    @Test
    void theTrainerChoosesBeforeItPlansAndTellsItsListener() {
        MemoryMode auto = Modes.get(RowCentricMode.ID, Map.of("bands", "auto"));
        long four = peak(RowCentricMode.with(RowCentricOptions.DEFAULT.withBands(4)));
        TrainConfig cfg = new TrainConfig(NET, RowCentricMode.ID, "builtin", 8, 2, 0, four + (1 << 20), 1,
                OPTIONS.optimizer(), 2, 0);
        List<String> notes = new ArrayList<>();
        var summary = new Trainer(cfg, auto).run(new TrainListener() {
            @Override
            public void onNote(String text) {
                notes.add(text);
            }
        });
        assertEquals(2, summary.steps());
        assertTrue(summary.peakBytes() <= cfg.budgetBytes());
        assertEquals(1, notes.size(), "the choice is reported once, before the steps");

        TrainConfig tight = new TrainConfig(NET, RowCentricMode.ID, "builtin", 8, 2, 0, 4L << 20, 1,
                OPTIONS.optimizer(), 2, 0);
        TrainingException e = assertThrows(TrainingException.class, () -> new Trainer(tight, auto).run(TrainListener.NONE));
        assertTrue(e.getMessage().startsWith("row-centric: no band count fits 4.0 MiB"), e.getMessage());
    }
}
