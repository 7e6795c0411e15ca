package io.memscope.trainer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.modes.BaselineMode;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.plan.Planner;
import org.junit.jupiter.api.Test;

/** The planner agrees with a count done by hand of what VGG-16 keeps for backward. */
class Vgg16HandCountTest {
    @Test
    void plannedActivationsMatchTheHandCount() {
        Network net = Network.load(TestPaths.sample("vgg16"));
        int batch = 32;
        Planner.Plan plan = Planner.plan(net, new BaselineMode(),
                new CompileOptions(batch, Optimizer.of("sgd", 0.01, 0.9, 0), CpuBackend.workspaceModel(2)), 1L << 40);
        long hand = EngineBenchmark.vgg16KeptFloatsPerSample() * 4 * batch;
        long planned = EngineBenchmark.keptAtEndOfForward(plan.events());
        double ratio = (double) planned / hand;
        System.out.printf("VGG-16 b32: hand %d, planned %d, ratio %.6f%n", hand, planned, ratio);
        assertTrue(ratio >= 1.0 && ratio < 1.001, "ratio " + ratio);
        // parameters, gradients and momentum: three copies of 138,357,544 floats
        long params = plan.profile().atPeak(Category.PARAMETER);
        assertEquals(138_357_544L * 4, params, 256L * 64);
    }
}
