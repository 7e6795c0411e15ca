package io.memscope.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary's step time is what the per-step lines show: the median of the steps after the first. */
class StepTimesTest {
    @Test
    void theMedianLeavesOutTheWarmUpStepAndIgnoresOneSlowStep() {
        StepTimes t = new StepTimes();
        for (long ms : new long[] {900, 30, 31, 29, 400, 32}) {
            t.add(ms);
        }
        assertEquals(31, t.median()); // 29 30 31 32 400: the middle one; the 900 ms first step is left out

        StepTimes even = new StepTimes();
        for (long ms : new long[] {500, 10, 20, 30, 40}) {
            even.add(ms);
        }
        assertEquals(25, even.median());

        StepTimes one = new StepTimes();
        one.add(7);
        assertEquals(7, one.median(), "a single step is its own time");
        assertEquals(0, new StepTimes().median());
    }

    @Test
    void theSummaryAgreesWithTheStepsReported() {
        List<Long> reported = new ArrayList<>();
        TrainConfig cfg = new TrainConfig(Network.load(TestPaths.sample("lenet5")), "baseline", "builtin", 16, 8, 0,
                64L << 20, 1, Optimizer.of("sgd", 0.01, 0.9, 0), 2, 0);
        TrainSummary s = new Trainer(cfg).run(new TrainListener() {
            @Override
            public void onStep(StepResult r) {
                reported.add(r.stepNanos());
            }
        });
        List<Long> steady = new ArrayList<>(reported.subList(1, reported.size()));
        steady.sort(null);
        assertEquals(7, steady.size());
        assertEquals(steady.get(3), s.stepNanos());
    }
}
