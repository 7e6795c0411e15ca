package io.memscope.trainer.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.train.StepResult;
import io.memscope.trainer.train.TrainConfig;
import io.memscope.trainer.train.TrainListener;
import io.memscope.trainer.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * LeNet-5 trained 20 steps on the card and on the CPU from the same seed and data: the loss curves agree step by
 * step within float drift, and the card's trace is the arena's (offsets within the budget, the device named).
 * Skips without a usable CUDA device.
 */
class CudaTrainingGpuTest {
    static final int STEPS = 20;

    @BeforeEach
    void gpu() {
        Gpu.assumeAvailable();
    }

    static TrainConfig config(String device) {
        return new TrainConfig(Network.load(TestPaths.sample("lenet5")), "baseline", "builtin", 64, STEPS, 0, 64L << 20,
                1, Optimizer.of("sgd", 0.01, 0.9, 5e-4), 2, 0, device);
    }

    static List<Double> losses(Trainer trainer, List<String> notes) {
        List<Double> losses = new ArrayList<>();
        trainer.run(new TrainListener() {
            @Override
            public void onStep(StepResult r) {
                losses.add(r.loss());
            }

            @Override
            public void onNote(String text) {
                notes.add(text);
            }
        });
        return losses;
    }

    @Test
    void lenet5LossCurvesAgree() {
        List<String> notes = new ArrayList<>();
        List<Double> cpu = losses(new Trainer(config("cpu")), notes);
        Trainer gpuTrainer = new Trainer(config("cuda:0"));
        List<Double> gpu = losses(gpuTrainer, notes);
        assertEquals(STEPS, gpu.size());
        double worst = 0;
        int worstAt = 0;
        for (int i = 0; i < STEPS; i++) {
            double ratio = Math.abs(gpu.get(i) - cpu.get(i)) / (1e-3 + 1e-3 * Math.abs(cpu.get(i)));
            if (ratio > worst) {
                worst = ratio;
                worstAt = i;
            }
        }
        String line = String.format(Locale.ROOT, "LeNet-5, %d steps: largest |gpu - cpu| / (1e-3 + 1e-3*|cpu|) = %.3f at "
                + "step %d (cpu %.6f, gpu %.6f)%ncpu %s%ngpu %s%nnotes %s", STEPS, worst, worstAt + 1, cpu.get(worstAt),
                gpu.get(worstAt), cpu, gpu, notes);
        System.out.println(line);
        if (worst > 1) {
            fail(line);
        }
        List<MemoryEvent> events = gpuTrainer.trace().events();
        long budget = gpuTrainer.trace().info().budgetBytes();
        assertTrue(events.stream().filter(e -> e.action() == Action.ALLOC).allMatch(e -> e.offset() + e.bytes() <= budget),
                "every block inside the arena");
        assertTrue(gpuTrainer.trace().info().extra().containsKey("outside-arena"), gpuTrainer.trace().info().toString());
    }
}
