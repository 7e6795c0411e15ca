package io.memscope.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.plan.FitAdvice;
import io.memscope.trainer.plan.Planner;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The plan covers the whole run, held-out evaluation included: for every sample and mode, the peak a whole
 * {@code train} run measures is the peak its plan predicts, to the byte, and a run at the plan's largest batch
 * trains and evaluates.
 */
class WholeRunPlanTest {
    private static final Optimizer SGD = Optimizer.of("sgd", 0.01, 0.9, 5e-4);

    @ParameterizedTest(name = "{0} {1} batch {2}")
    @CsvSource({
            "lenet5, baseline, 8", "lenet5, row-centric, 8",
            "vgg_small, baseline, 4", "vgg_small, row-centric, 4",
            "resnet18_cifar, baseline, 2", "resnet18_cifar, row-centric, 2",
            "vgg16, baseline, 1", "vgg16, row-centric, 1"})
    void plannedPeakIsTheMeasuredPeakOfAWholeRun(String sample, String mode, int batch) {
        Network net = Network.load(TestPaths.sample(sample));
        int eval = 2 * batch + 1; // two evaluation batches; the odd sample left over is not run
        CompileOptions options = new CompileOptions(batch, SGD, CpuBackend.workspaceModel(2), eval);
        Planner.Plan plan = Planner.plan(net, Modes.get(mode), options, Planner.UNBOUNDED);
        assertTrue(plan.profile().evalPeakBytes() > 0, "the plan includes the evaluation");
        // the smallest budget the plan says fits, fragmentation included: tight, so a missed allocation would show
        long budget = Planner.smallestBudget(net, Modes.get(mode), options, plan.peakBytes());

        TrainSummary s = new Trainer(config(net, mode, batch, budget, eval, 1)).run(TrainListener.NONE);

        assertEquals(eval / options.evalBatch() * options.evalBatch(), s.testSamples(), "evaluated samples");
        assertEquals(s.plannedPeakBytes(), s.peakBytes(), sample + " " + mode + ": planned vs measured peak");
        assertEquals(plan.peakBytes(), s.peakBytes());
    }

    @Test
    void evaluationRunsInRowBandsSoTheLargestBatchTheCommandLineFoundTrainsAndEvaluates() {
        // The user's case: row-centric LeNet-5 in 2 MiB. Evaluating layer by layer needed relu1.out whole.
        Network net = Network.load(TestPaths.sample("lenet5"));
        long budget = 2L << 20;
        MemoryMode rows = Modes.get("row-centric");
        CompileOptions options = new CompileOptions(1, SGD, CpuBackend.workspaceModel(2), 1000);
        int max = Planner.maxBatch(net, rows, options, budget, 1 << 12);
        assertTrue(max >= 40, "largest batch " + max);

        TrainSummary s = new Trainer(config(net, "row-centric", max, budget, 1000, 2)).run(TrainListener.NONE);
        assertTrue(s.testSamples() >= max, "evaluated " + s.testSamples());
        assertEquals(s.plannedPeakBytes(), s.peakBytes());
        assertTrue(s.peakBytes() <= budget);

        TrainingException refused = assertThrows(TrainingException.class,
                () -> new Trainer(config(net, "row-centric", max + 1, budget, 1000, 2)).run(TrainListener.NONE));
        FitAdvice advice = refused.advice();
        assertNotNull(advice, refused.getMessage());
        assertTrue(advice.suggestions().contains(new FitAdvice.Batch(max)), advice.toString());
    }

    @Test
    void rowCentricEvaluationNeedsLessThanLayerByLayerEvaluation() {
        Network net = Network.load(TestPaths.sample("vgg_small"));
        CompileOptions options = new CompileOptions(16, SGD, CpuBackend.workspaceModel(2), 16);
        MemoryMode rows = Modes.get("row-centric", Map.of("bands", "8"));
        long banded = Planner.plan(net, rows, options, Planner.UNBOUNDED).profile().evalPeakBytes();
        long whole = Planner.plan(net, Modes.get("baseline"), options, Planner.UNBOUNDED).profile()
                .evalPeakBytes();
        assertTrue(banded < whole, "row-centric evaluation " + banded + " vs layer by layer " + whole);
    }

    static TrainConfig config(Network net, String mode, int batch, long budget, int eval, int steps) {
        return new TrainConfig(net, mode, "builtin", batch, steps, 0, budget, 1, SGD, 2, eval);
    }
}
