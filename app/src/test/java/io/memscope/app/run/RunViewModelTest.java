package io.memscope.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.backend.cuda.Cuda;
import io.memscope.trainer.backend.cuda.CudaDevice;

import io.memscope.app.network.Samples;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.train.StepResult;
import io.memscope.trainer.train.TrainConfig;
import io.memscope.trainer.train.TrainSummary;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The run controls without a display: settings, validation and the run state machine. */
class RunViewModelTest {
    private final List<String> calls = new ArrayList<>();
    private io.memscope.trainer.modes.MemoryMode started;
    private RunViewModel vm;

    @BeforeEach
    void setUp() {
        vm = new RunViewModel(new TrainingDriver() {
            @Override
            public void start(TrainConfig config, io.memscope.trainer.modes.MemoryMode mode) {
                calls.add("start " + config.network().name() + " " + config.batch() + " " + config.budgetBytes());
                started = mode;
            }

            @Override
            public void pause() {
                calls.add("pause");
            }

            @Override
            public void resume() {
                calls.add("resume");
            }

            @Override
            public void stepOnce() {
                calls.add("step");
            }

            @Override
            public void stop() {
                calls.add("stop");
            }
        });
        vm.networkProperty().set(Network.load(Samples.network(Samples.DEFAULT_NETWORK)));
    }

    @Test
    void offersEveryModeOfTheBuildAndNothingElse() {
        assertEquals(Modes.all().stream().map(m -> m.id()).toList(), vm.modes().stream().map(m -> m.id()).toList());
    }

    @Test
    void readyToRunWithTheDefaults() {
        assertEquals("", vm.problemProperty().get());
        assertTrue(vm.canRunProperty().get());
        assertEquals(512L << 20, vm.budgetBytesProperty().get());
        assertEquals("512 MiB", vm.budgetTextProperty().get(), "the default as the presets write it");
        assertEquals(List.of("256 MiB", "512 MiB", "1 GiB (GTX 750)", "2 GiB", "4 GiB", "8 GiB"), vm.budgetPresets());
    }

    @Test
    void presetsAndTypedBudgetsAreParsedAndBadOnesExplained() {
        vm.maxDeviceBytesProperty().set(16L << 30);
        vm.budgetTextProperty().set("1 GiB (GTX 750)");
        assertEquals(1L << 30, vm.budgetBytesProperty().get());
        vm.budgetTextProperty().set("  384MiB ");
        assertEquals(384L << 20, vm.budgetBytesProperty().get());
        assertTrue(vm.canRunProperty().get());
        vm.budgetTextProperty().set("lots");
        assertFalse(vm.canRunProperty().get());
        assertTrue(vm.problemProperty().get().startsWith("Budget:"), vm.problemProperty().get());
        vm.budgetTextProperty().set("12 parsecs");
        assertTrue(vm.problemProperty().get().contains("unknown unit"), vm.problemProperty().get());
        vm.budgetTextProperty().set("1 KiB");
        assertTrue(vm.problemProperty().get().contains("too small"), vm.problemProperty().get());
    }

    @Test
    void cudaDevicesJoinThePickerAndTheRunAndTheirFreeMemoryBoundsTheBudget() {
        CudaDevice card = new CudaDevice(0, "NVIDIA Test", 8, 6, 24L << 30, 20L << 30);
        assertEquals(null, vm.offerCuda(new Cuda.Probe(List.of(card), 12040, 90100, null)));
        assertEquals(List.of(RunViewModel.DEVICE_CPU, card.describe()), List.copyOf(vm.devices()));
        vm.deviceProperty().set(card.describe());
        assertEquals("cuda:0", vm.deviceId());
        vm.budgetTextProperty().set("16 GiB");
        assertEquals("", vm.problemProperty().get(), "the Java heap does not bound a CUDA device's budget");
        assertEquals("cuda:0", vm.config().device());
        vm.budgetTextProperty().set("20 GiB");
        assertEquals("cuda:0 has 20.0 GiB free, of which 256.0 MiB stays for the driver and cuDNN: choose a budget of "
                + "at most 19.8 GiB.", vm.problemProperty().get());
    }

    @Test
    void withoutCudaThePickerKeepsTheCpuAndSaysWhy() {
        String notice = vm.offerCuda(new Cuda.Probe(List.of(), 0, 0, "libcuda.so.1 not found: install the NVIDIA "
                + "driver or use --device cpu"));
        assertEquals("CUDA is not available: libcuda.so.1 not found: install the NVIDIA driver or use --device cpu",
                notice);
        assertEquals(List.of(RunViewModel.DEVICE_CPU), List.copyOf(vm.devices()));
        assertEquals("cpu", vm.config().device());
    }

    @Test
    void aBudgetBeyondTheHeapIsRefusedForTheCpuDevice() {
        vm.maxDeviceBytesProperty().set(1L << 30);
        vm.budgetTextProperty().set("4 GiB");
        assertFalse(vm.canRunProperty().get());
        assertTrue(vm.problemProperty().get().contains("-Xmx7g"), vm.problemProperty().get());
        assertEquals("", vm.settingsProblemProperty().get(), "planning still works");

        // 8 GiB is past what one Java array holds, whatever the heap
        vm.maxDeviceBytesProperty().set(1L << 40);
        vm.budgetTextProperty().set("8 GiB");
        assertTrue(vm.problemProperty().get().contains("just under 8 GiB"), vm.problemProperty().get());
    }

    @Test
    void presetsThatCannotWorkSayWhyBeforeTheyArePicked() {
        vm.maxDeviceBytesProperty().set(1L << 30);
        assertEquals("", vm.presetProblem("256 MiB"));
        assertEquals("", vm.presetProblem("1 GiB (GTX 750)"));
        assertTrue(vm.presetProblem("2 GiB").contains("heap"), vm.presetProblem("2 GiB"));
        assertTrue(vm.presetProblem("8 GiB").contains("just under 8 GiB"), vm.presetProblem("8 GiB"));
    }

    @Test
    void anInvalidNetworkOrLearningRateDisablesRunWithTheReason() {
        vm.learningRateProperty().set("fast");
        assertTrue(vm.problemProperty().get().startsWith("Learning rate:"));
        vm.learningRateProperty().set("-1");
        assertTrue(vm.problemProperty().get().contains("positive"));
        vm.learningRateProperty().set("0.05");
        assertTrue(vm.canRunProperty().get());
        vm.networkProperty().set(null);
        vm.networkProblemProperty().set("conv3: kernel 5 larger than padded input 4x4");
        assertFalse(vm.canRunProperty().get());
        assertEquals("The network is invalid: conv3: kernel 5 larger than padded input 4x4", vm.problemProperty().get());
    }

    @Test
    void switchingToAdamUsesItsLearningRateUnlessOneWasTyped() {
        vm.optimizerProperty().set("Adam");
        assertEquals("0.001", vm.learningRateProperty().get());
        vm.optimizerProperty().set("SGD");
        assertEquals("0.01", vm.learningRateProperty().get());
        vm.learningRateProperty().set("0.2");
        vm.optimizerProperty().set("Adam");
        assertEquals("0.2", vm.learningRateProperty().get());
        assertEquals("adam", vm.optimizerValue().name().toLowerCase());
    }

    @Test
    void dataChoicesIncludeTheSampleSubsetAndChosenFolders() {
        assertEquals("builtin", vm.dataProperty().get().spec());
        assertTrue(vm.dataChoices().stream().anyMatch(d -> d.spec() != null && d.spec().startsWith("mnist:")));
        vm.chooseDataFolder("cifar10", java.nio.file.Path.of("/data/cifar-10-batches-bin"));
        assertEquals("cifar10:/data/cifar-10-batches-bin", vm.dataProperty().get().spec());
        assertTrue(vm.canRunProperty().get());
    }

    @Test
    void runPauseStepResumeStopFinish() {
        vm.batchProperty().set(16);
        vm.run();
        assertEquals(RunState.RUNNING, vm.stateProperty().get());
        assertEquals("start LeNet-5 16 536870912", calls.get(0));
        assertFalse(vm.canRunProperty().get());
        assertTrue(vm.canStopProperty().get());

        vm.pause();
        assertEquals(RunState.PAUSED, vm.stateProperty().get());
        vm.step();
        vm.step();
        assertEquals(RunState.PAUSED, vm.stateProperty().get());
        vm.onSteps(List.of(new StepResult(0, 200, 0, 2.3, 0.1, 40_000_000, 1 << 20, 1 << 19)));
        assertEquals(0.005, vm.progressProperty().get(), 1e-9);
        assertTrue(vm.stepTextProperty().get().startsWith("step 1 / 200"));

        vm.run();
        assertEquals(RunState.RUNNING, vm.stateProperty().get(), "Run resumes a paused run");
        vm.stop();
        assertEquals(RunState.STOPPING, vm.stateProperty().get());
        assertFalse(vm.canStopProperty().get());
        vm.onFinished(new TrainSummary(1, true, 2.3, 0.1, Double.NaN, 0, 40_000_000, 1 << 20, 1 << 20, 300));
        assertEquals(RunState.FINISHED, vm.stateProperty().get());
        assertTrue(vm.outcomeProperty().get().startsWith("Stopped after 1 steps"));
        assertTrue(vm.canRunProperty().get(), "a finished run can be run again");
        assertEquals(List.of("start LeNet-5 16 536870912", "pause", "step", "step", "resume", "stop"), calls);
    }

    @Test
    void stepFromRestStartsPausedAndRunsOneStep() {
        vm.step();
        assertEquals(RunState.PAUSED, vm.stateProperty().get());
        assertEquals(List.of("start LeNet-5 64 536870912", "pause", "step"), calls);
    }

    @Test
    void aFailureIsAStateWithItsMessageAndTheAppStaysUsable() {
        vm.run();
        vm.onFailed("LeNet-5 at batch 32 needs 2.0 GiB; the largest batch that fits is 8.");
        assertEquals(RunState.FAILED, vm.stateProperty().get());
        assertTrue(vm.outcomeProperty().get().contains("largest batch"));
        assertTrue(vm.canRunProperty().get());
    }

    @Test
    void aModesSettingsReachTheRunAndBadOnesSayWhyRunIsDisabled() {
        var rows = vm.modes().stream().filter(m -> m.id().equals("row-centric")).findFirst().orElseThrow();
        vm.modeProperty().set(rows);
        assertEquals("", vm.problemProperty().get());
        vm.modeSettings().put("halo", "two-phase");
        vm.modeSettings().put("bands", "7");
        vm.run();
        var options = ((io.memscope.trainer.modes.rows.RowCentricMode) started).options();
        assertEquals(io.memscope.trainer.modes.rows.Halo.TWO_PHASE, options.halo());
        assertTrue(options.describe().contains("7 bands"), options.describe());
        vm.stop();
        vm.onFinished(new io.memscope.trainer.train.TrainSummary(0, true, 0, 0, Double.NaN, 0, 0, 0, 0, 0));

        vm.modeSettings().put("bands", "many");
        assertTrue(vm.problemProperty().get().startsWith("Row-centric settings: "), vm.problemProperty().get());
        assertTrue(vm.problemProperty().get().contains("many"), vm.problemProperty().get());
        assertFalse(vm.canRunProperty().get());

        vm.modeSettings().put("bands", "40");
        assertTrue(vm.problemProperty().get().startsWith("Row-centric: "), "LeNet-5 has 28 input rows: "
                + vm.problemProperty().get());
        assertFalse(vm.canRunProperty().get());

        vm.modeSettings().put("bands", "auto");
        assertEquals("", vm.problemProperty().get(), "auto is chosen for the budget when the run starts");
        assertTrue(((io.memscope.trainer.modes.rows.RowCentricMode) vm.configuredMode()).choosesBands());

        vm.modeProperty().set(vm.modes().get(0));
        assertTrue(vm.modeSettings().isEmpty(), "another mode starts from its own defaults");
        assertEquals("", vm.problemProperty().get());
    }

}
