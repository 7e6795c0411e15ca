package io.memscope.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.app.network.Samples;
import io.memscope.trainer.cli.MemScopeCli;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.train.StepResult;
import io.memscope.trainer.train.TrainConfig;
import io.memscope.trainer.train.TrainDefaults;
import io.memscope.trainer.train.TrainListener;
import io.memscope.trainer.train.TrainSummary;
import io.memscope.trainer.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The window and the command line run the same training for the same settings: the window's settings start at
 * the command line's defaults, the same settings make equal configurations, and equal configurations give the
 * same loss at every step.
 */
class WindowMatchesCommandLineTest {
    private RunViewModel vm;

    @BeforeEach
    void setUp() {
        vm = new RunViewModel(new TrainingDriver() {
            @Override
            public void start(TrainConfig config, io.memscope.trainer.modes.MemoryMode mode) {}

            @Override
            public void pause() {}

            @Override
            public void resume() {}

            @Override
            public void stepOnce() {}

            @Override
            public void stop() {}
        });
        vm.networkProperty().set(Network.load(Samples.network(Samples.DEFAULT_NETWORK)));
    }

    @Test
    void theWindowStartsAtTheCommandLinesDefaults() {
        assertSameConfig(MemScopeCli.configFor("lenet5"), vm.config());
        assertEquals(TrainDefaults.BATCH, vm.batchProperty().get());
        assertEquals(TrainDefaults.STEPS, vm.stepsProperty().get());
        assertEquals(TrainDefaults.budgetBytes(), vm.budgetBytesProperty().get());
        assertEquals(TrainDefaults.MODE, vm.configuredMode().id());
        assertEquals(TrainDefaults.DATA, vm.dataProperty().get().spec());
        assertEquals(TrainDefaults.optimizer(TrainDefaults.OPTIMIZER, TrainDefaults.SGD_LR), vm.optimizerValue());
        assertTrue(vm.budgetPresets().contains(vm.budgetTextProperty().get()), "the default budget is a preset");
    }

    @Test
    void sameSettingsMakeTheSameRunStepForStep() throws Exception {
        vm.batchProperty().set(32);
        vm.budgetTextProperty().set("256 MiB");
        vm.stepsProperty().set(5);
        TrainConfig window = vm.config();
        TrainConfig cli = MemScopeCli.configFor("lenet5", "--batch", "32", "--budget", "256MiB", "--steps", "5");
        assertSameConfig(cli, window);

        // the window's way: a training session on its own thread, drained as the frame loop drains it
        TrainingSession session = new TrainingSession(window, vm.configuredMode());
        session.start();
        assertTrue(session.join(120_000), "the window's run ends");
        List<StepResult> windowSteps = new ArrayList<>();
        List<MemoryEvent> events = new ArrayList<>();
        TrainingSession.Outcome outcome;
        while ((outcome = session.drain(events, windowSteps, Integer.MAX_VALUE)) == null) {
            events.clear();
        }
        TrainSummary windowSummary = ((TrainingSession.Finished) outcome).summary();

        // the command line's configuration, run by the trainer the command line runs
        List<Double> cliLosses = new ArrayList<>();
        TrainSummary cliSummary = new Trainer(cli).run(new TrainListener() {
            @Override
            public void onStep(StepResult r) {
                cliLosses.add(r.loss());
            }
        });

        assertEquals(cliLosses, windowSteps.stream().map(StepResult::loss).toList(), "loss at each step");
        assertEquals(cliSummary.finalLoss(), windowSummary.finalLoss());
        assertEquals(cliSummary.trainAccuracy(), windowSummary.trainAccuracy());
        assertEquals(cliSummary.testAccuracy(), windowSummary.testAccuracy());
        assertEquals(cliSummary.testSamples(), windowSummary.testSamples());

        // and the command line itself prints the same losses
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = new MemScopeCli(new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
                .run("train", "lenet5", "--batch", "32", "--budget", "256MiB", "--steps", "5", "--log-every", "1");
        assertEquals(0, rc);
        List<String> printed = new ArrayList<>();
        Matcher m = Pattern.compile("step \\d+/5 .* loss (\\d+\\.\\d{4}) ").matcher(out.toString(StandardCharsets.UTF_8));
        while (m.find()) {
            printed.add(m.group(1));
        }
        assertEquals(windowSteps.stream().map(r -> String.format(Locale.ROOT, "%.4f", r.loss())).toList(), printed);
    }

    /** Every field of the two configurations is equal; the networks are compared by their files' text. */
    private static void assertSameConfig(TrainConfig expected, TrainConfig actual) {
        assertEquals(expected.network().spec().toJson(), actual.network().spec().toJson(), "network");
        for (RecordComponent c : TrainConfig.class.getRecordComponents()) {
            if (c.getName().equals("network")) {
                continue;
            }
            try {
                assertEquals(c.getAccessor().invoke(expected), c.getAccessor().invoke(actual), c.getName());
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }
}
