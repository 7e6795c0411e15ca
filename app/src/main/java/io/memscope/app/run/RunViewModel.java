package io.memscope.app.run;

import io.memscope.app.network.Samples;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.data.DataException;
import io.memscope.trainer.data.DataSource;
import io.memscope.trainer.backend.WorkspaceModel;
import io.memscope.trainer.backend.cuda.Cuda;
import io.memscope.trainer.backend.cuda.CudaDevice;
import io.memscope.trainer.backend.cuda.CudaSession;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.plan.FitAdvice;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.train.StepResult;
import io.memscope.trainer.train.TrainConfig;
import io.memscope.trainer.train.TrainDefaults;
import io.memscope.trainer.train.TrainSummary;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import javafx.beans.Observable;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.ObservableMap;

/**
 * The run controls: the settings of a training run with their validation, and the run's state machine
 * (idle → running ⇄ paused → stopping → finished | failed). It owns no thread: {@link TrainingDriver} runs the
 * training and reports back through {@link #onStarted()}, {@link #onSteps}, {@link #onFinished} and
 * {@link #onFailed}. Everything here runs on the UI thread, and none of it needs a display.
 */
public final class RunViewModel {
    public static final String DEVICE_CPU = "CPU (simulated device)";
    public static final List<String> OPTIMIZERS = List.of("SGD", "Adam");
    static final String SGD_LR = decimal(TrainDefaults.SGD_LR);
    static final String ADAM_LR = decimal(TrainDefaults.ADAM_LR);
    /** Part of the Java heap the CPU device may take; the rest holds the network, data and the trace. */
    static final double HEAP_SHARE = 0.8;

    private final ObjectProperty<Network> network = new SimpleObjectProperty<>(this, "network");
    private final StringProperty networkProblem = new SimpleStringProperty(this, "networkProblem", "");
    private final ObservableList<MemoryMode> modes = FXCollections.observableArrayList(Modes.all());
    private final ObjectProperty<MemoryMode> mode = new SimpleObjectProperty<>(this, "mode",
            modes.stream().filter(m -> m.id().equals(TrainDefaults.MODE)).findFirst().orElse(modes.get(0)));
    /** The chosen mode's settings by key ({@link MemoryMode#settings()}); a key not here takes its default. */
    private final ObservableMap<String, String> modeSettings = FXCollections.observableHashMap();
    private final IntegerProperty batch = new SimpleIntegerProperty(this, "batch", TrainDefaults.BATCH);
    private final ObservableList<String> budgetPresets = FXCollections.observableArrayList(Budgets.PRESETS);
    private final StringProperty budgetText = new SimpleStringProperty(this, "budget", Budgets.DEFAULT);
    private final ObservableList<String> devices = FXCollections.observableArrayList(DEVICE_CPU);
    private final StringProperty device = new SimpleStringProperty(this, "device", DEVICE_CPU);
    /** The CUDA devices offered, by their label in {@link #devices}. */
    private final Map<String, CudaDevice> cudaDevices = new HashMap<>();
    private final StringProperty optimizer = new SimpleStringProperty(this, "optimizer", OPTIMIZERS.stream()
            .filter(o -> o.equalsIgnoreCase(TrainDefaults.OPTIMIZER)).findFirst().orElse(OPTIMIZERS.get(0)));
    private final StringProperty learningRate = new SimpleStringProperty(this, "learningRate",
            decimal(TrainDefaults.learningRate(TrainDefaults.OPTIMIZER)));
    private final ObservableList<DataChoice> dataChoices = FXCollections.observableArrayList();
    private final ObjectProperty<DataChoice> data = new SimpleObjectProperty<>(this, "data");
    private final IntegerProperty steps = new SimpleIntegerProperty(this, "steps", TrainDefaults.STEPS);
    private final LongProperty maxDeviceBytes = new SimpleLongProperty(this, "maxDeviceBytes",
            (long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE));
    private final int threads = TrainDefaults.threads();

    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper(this, "problem", "");
    private final ReadOnlyStringWrapper settingsProblem = new ReadOnlyStringWrapper(this, "settingsProblem", "");
    private final ReadOnlyLongWrapper budgetBytes = new ReadOnlyLongWrapper(this, "budgetBytes", -1);
    private final ReadOnlyObjectWrapper<RunState> state = new ReadOnlyObjectWrapper<>(this, "state", RunState.IDLE);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    private final ReadOnlyStringWrapper stepText = new ReadOnlyStringWrapper(this, "stepText", "");
    private final ReadOnlyStringWrapper outcome = new ReadOnlyStringWrapper(this, "outcome", "");
    private final ObservableList<StepResult> history = FXCollections.observableArrayList();
    private final BooleanBinding canRun;
    private final BooleanBinding canPause;
    private final BooleanBinding canStep;
    private final BooleanBinding canStop;
    private final TrainingDriver driver;

    public RunViewModel(TrainingDriver driver) {
        this.driver = driver;
        dataChoices.addAll(
                DataChoice.of("Built-in shapes", TrainDefaults.DATA),
                DataChoice.of("MNIST subset (samples)", "mnist:" + Samples.mnistSubset()),
                DataChoice.askFolder("MNIST folder\u2026", "mnist"),
                DataChoice.askFolder("CIFAR-10 folder\u2026", "cifar10"));
        data.set(dataChoices.stream().filter(d -> TrainDefaults.DATA.equals(d.spec())).findFirst()
                .orElse(dataChoices.get(0)));
        optimizer.addListener((o, was, now) -> {
            // Follow the optimizer's usual learning rate unless the user typed their own.
            if ("Adam".equals(now) && SGD_LR.equals(learningRate.get())) {
                learningRate.set(ADAM_LR);
            } else if ("SGD".equals(now) && ADAM_LR.equals(learningRate.get())) {
                learningRate.set(SGD_LR);
            }
        });
        mode.addListener((o, was, now) -> modeSettings.clear());
        Observable[] inputs = {network, networkProblem, mode, modeSettings, batch, budgetText, device, optimizer,
                learningRate, data, steps, maxDeviceBytes};
        for (Observable in : inputs) {
            in.addListener(o -> validate());
        }
        validate();
        canRun = Bindings.createBooleanBinding(() -> state.get().isAtRest() && problem.get().isEmpty(), state, problem);
        canPause = Bindings.createBooleanBinding(() -> state.get() == RunState.RUNNING || state.get() == RunState.PAUSED, state);
        canStep = Bindings.createBooleanBinding(() -> state.get() == RunState.PAUSED || state.get() == RunState.RUNNING
                || (state.get().isAtRest() && problem.get().isEmpty()), state, problem);
        canStop = Bindings.createBooleanBinding(() -> state.get() == RunState.RUNNING || state.get() == RunState.PAUSED, state);
    }

    // ---- validation -------------------------------------------------------------------------------------

    private void validate() {
        String settings = settingsProblem();
        settingsProblem.set(settings);
        String p = "";
        if (network.get() == null) {
            String why = networkProblem.get();
            p = why == null || why.isEmpty() ? "Open a network first." : "The network is invalid: " + why;
        } else if (!settings.isEmpty()) {
            p = settings;
        } else if (!(p = layoutProblem()).isEmpty()) {
            // the mode's settings do not suit this network (e.g. more bands than the input has rows)
        } else {
            p = budgetProblem(budgetBytes.get());
        }
        problem.set(p);
    }

    /**
     * Why a budget cannot run on the chosen device, or empty. The CPU device keeps its memory in one Java array
     * inside the heap, so it is bounded by the heap this JVM was started with (and by 8 GiB, an array's limit).
     */
    public String budgetProblem(long bytes) {
        CudaDevice cuda = cudaDevices.get(device.get());
        if (cuda != null) {
            long largest = cuda.freeBytes() < 0 ? Long.MAX_VALUE : cuda.freeBytes() - CudaSession.RESERVE_BYTES;
            return bytes <= largest ? "" : cuda.id() + " has " + Bytes.format(cuda.freeBytes()) + " free, of which "
                    + Bytes.format(CudaSession.RESERVE_BYTES) + " stays for the driver and cuDNN: choose a budget of at "
                    + "most " + Bytes.format(Math.max(0, largest)) + ".";
        }
        if (!DEVICE_CPU.equals(device.get())) {
            return "";
        }
        String engine = CpuBackend.deviceProblem(bytes);
        if (engine != null && bytes / Float.BYTES >= Integer.MAX_VALUE - 8) {
            return "The CPU device holds just under 8 GiB (one Java array of floats): choose a budget below 8 GiB.";
        }
        if (engine != null || bytes > maxDeviceBytes.get()) {
            return "The CPU device keeps its memory in the Java heap: a " + Bytes.format(bytes)
                    + " budget needs more than this heap allows (" + Bytes.format(maxDeviceBytes.get()) + "). Choose a "
                    + "smaller budget, or start MemScope with a larger heap (java -Xmx" + ((bytes >> 30) + 3)
                    + "g, or MEMSCOPE_HEAP=" + ((bytes >> 30) + 3) + "g with the launcher).";
        }
        return "";
    }

    /**
     * Applies one suggestion of a {@link FitAdvice} to the settings: the batch, the budget, or a mode with the
     * settings it chose. The plan follows, as after any change.
     */
    public void apply(FitAdvice.Suggestion suggestion) {
        if (suggestion instanceof FitAdvice.Batch b) {
            batch.set(b.batch());
        } else if (suggestion instanceof FitAdvice.Budget b) {
            budgetText.set(Bytes.format(b.bytes()));
        } else if (suggestion instanceof FitAdvice.Mode m) {
            MemoryMode target = modes().stream().filter(x -> x.id().equals(m.mode())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no mode " + m.mode() + " in this build"));
            if (mode.get() != target) {
                mode.set(target); // clears the settings of the mode before
            }
            modeSettings.putAll(m.settings());
        }
    }

    /** Why a budget preset cannot be used here (shown before it is picked), or empty. */
    public String presetProblem(String preset) {
        try {
            return budgetProblem(Budgets.parse(preset));
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** The first problem with the settings themselves (not the network), or empty. */
    private String settingsProblem() {
        long bytes;
        try {
            bytes = Budgets.parse(budgetText.get());
            budgetBytes.set(bytes);
        } catch (IllegalArgumentException e) {
            budgetBytes.set(-1);
            return "Budget: " + e.getMessage();
        }
        if (bytes < 4096) {
            return "Budget: " + Bytes.format(bytes) + " is too small to hold anything; try 64 MiB";
        }
        if (batch.get() < 1) {
            return "Batch must be at least 1.";
        }
        if (steps.get() < 1) {
            return "Steps must be at least 1.";
        }
        if (mode.get() == null) {
            return "Choose a memory mode.";
        }
        try {
            configuredMode();
        } catch (IllegalArgumentException e) {
            return label(mode.get()) + " settings: " + e.getMessage();
        }
        try {
            optimizerValue();
        } catch (IllegalArgumentException e) {
            return "Learning rate: " + e.getMessage();
        }
        DataChoice d = data.get();
        if (d == null || d.spec() == null) {
            return "Choose the training data.";
        }
        try {
            DataSource.parse(d.spec());
        } catch (DataException e) {
            return "Data: " + e.getMessage();
        }
        return "";
    }

    /** Why the configured mode cannot run this network, or empty. */
    private String layoutProblem() {
        try {
            configuredMode().layout(network.get());
            return "";
        } catch (RuntimeException e) {
            return label(mode.get()) + ": " + e.getMessage();
        }
    }

    private static String label(MemoryMode m) {
        String id = m.id();
        return Character.toUpperCase(id.charAt(0)) + id.substring(1);
    }

    /** The chosen mode with its settings; throws with a readable message when a setting is not understood. */
    public MemoryMode configuredMode() {
        Map<String, String> given = new LinkedHashMap<>();
        for (String key : mode.get().settingKeys()) {
            String v = modeSettings.get(key);
            if (v != null && !v.isBlank()) {
                given.put(key, v.trim());
            }
        }
        return given.isEmpty() ? mode.get() : Modes.get(mode.get().id(), given);
    }

    /** The optimizer the settings describe; throws when the learning rate is not a positive number. */
    public Optimizer optimizerValue() {
        double lr;
        try {
            lr = Double.parseDouble(learningRate.get().trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("'" + learningRate.get() + "' is not a number; write e.g. 0.01");
        }
        return TrainDefaults.optimizer(optimizer.get().toLowerCase(Locale.ROOT), lr);
    }

    /**
     * What the planner compiles for, with these settings: the training step and the evaluation after it. On a CUDA
     * device the plan gives every convolution pass cuDNN's least workspace, none (the run then gives the passes what
     * the budget leaves, so its peak may be higher, never above the budget).
     */
    public CompileOptions compileOptions(int batchSize) {
        return new CompileOptions(batchSize, optimizerValue(), cudaDevices.containsKey(device.get()) ? WorkspaceModel.NONE
                : CpuBackend.workspaceModel(threads), TrainDefaults.EVAL_SAMPLES);
    }

    /**
     * Offers the CUDA devices a probe found in the device picker ({@code cuda:0  NVIDIA H200  ...}); returns the
     * probe's notice when CUDA cannot run here (the CPU stays the only choice), or null.
     */
    public String offerCuda(Cuda.Probe probe) {
        if (!probe.usable()) {
            return "CUDA is not available: " + probe.notice();
        }
        for (CudaDevice d : probe.devices()) {
            if (d.supported()) {
                String label = d.describe();
                cudaDevices.put(label, d);
                devices.add(label);
            }
        }
        return null;
    }

    /** The device id of the chosen device: {@code cpu} or {@code cuda:N}. */
    public String deviceId() {
        CudaDevice cuda = cudaDevices.get(device.get());
        return cuda == null ? "cpu" : cuda.id();
    }

    /** The run these settings describe. Only valid when {@link #problemProperty()} is empty. */
    public TrainConfig config() {
        if (!problem.get().isEmpty()) {
            throw new IllegalStateException(problem.get());
        }
        return new TrainConfig(network.get(), mode.get().id(), data.get().spec(), batch.get(), steps.get(), 0,
                budgetBytes.get(), TrainDefaults.SEED, optimizerValue(), threads, TrainDefaults.EVAL_SAMPLES, deviceId());
    }

    /** A number as people write it: 0.01, 0.001. */
    private static String decimal(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** Adds a data folder the user chose and selects it. */
    public void chooseDataFolder(String kind, Path folder) {
        String label = ("cifar10".equals(kind) ? "CIFAR-10: " : "MNIST: ") + folder.getFileName();
        DataChoice choice = DataChoice.of(label, kind + ":" + folder);
        int at = dataChoices.indexOf(dataChoices.stream().filter(DataChoice::asksForFolder).findFirst().orElse(null));
        dataChoices.add(at < 0 ? dataChoices.size() : at, choice);
        data.set(choice);
    }

    // ---- commands ---------------------------------------------------------------------------------------

    /** Run (F5): starts a run, or resumes a paused one. */
    public void run() {
        if (state.get() == RunState.PAUSED) {
            driver.resume();
            state.set(RunState.RUNNING);
            return;
        }
        if (!canRun.get()) {
            return;
        }
        start(false);
    }

    private void start(boolean paused) {
        TrainConfig cfg = config();
        history.clear();
        progress.set(0);
        outcome.set("");
        stepText.set("step 0 / " + cfg.steps());
        state.set(paused ? RunState.PAUSED : RunState.RUNNING);
        driver.start(cfg, configuredMode());
        if (paused) {
            driver.pause();
        }
    }

    /** Pause (F6): pauses a running run, resumes a paused one. */
    public void pause() {
        if (state.get() == RunState.RUNNING) {
            driver.pause();
            state.set(RunState.PAUSED);
        } else if (state.get() == RunState.PAUSED) {
            driver.resume();
            state.set(RunState.RUNNING);
        }
    }

    /** Step (F10): one more step. Pauses a running run; starts a paused run when none is in progress. */
    public void step() {
        switch (state.get()) {
            case RUNNING -> {
                driver.pause();
                state.set(RunState.PAUSED);
            }
            case PAUSED -> driver.stepOnce();
            case IDLE, FINISHED, FAILED -> {
                if (problem.get().isEmpty()) {
                    start(true);
                    driver.stepOnce();
                }
            }
            default -> { }
        }
    }

    /** Stop (Shift+F5): asks the run to stop after the step in progress. */
    public void stop() {
        if (state.get() == RunState.RUNNING || state.get() == RunState.PAUSED) {
            state.set(RunState.STOPPING);
            driver.stop();
        }
    }

    // ---- reports from the driver, on the UI thread --------------------------------------------------------

    public void onStarted() {
        if (state.get() == RunState.IDLE) {
            state.set(RunState.RUNNING);
        }
    }

    public void onSteps(List<StepResult> results) {
        if (results.isEmpty()) {
            return;
        }
        history.addAll(results);
        StepResult last = results.get(results.size() - 1);
        progress.set((last.step() + 1) / (double) last.totalSteps());
        stepText.set(String.format(Locale.ROOT, "step %d / %d  \u00b7  loss %.3f  \u00b7  acc %.0f%%  \u00b7  %.0f ms/step",
                last.step() + 1, last.totalSteps(), last.loss(), 100 * last.accuracy(), last.stepNanos() / 1e6));
    }

    public void onFinished(TrainSummary s) {
        state.set(RunState.FINISHED);
        if (!s.stopped()) {
            progress.set(1);
        }
        outcome.set(String.format(Locale.ROOT, "%s after %d steps: loss %.4f, train accuracy %.1f%%%s; peak %s (planned %s)",
                s.stopped() ? "Stopped" : "Finished", s.steps(), s.finalLoss(), 100 * s.trainAccuracy(),
                Double.isNaN(s.testAccuracy()) ? "" : String.format(Locale.ROOT, ", held-out accuracy %.1f%%",
                        100 * s.testAccuracy()), Bytes.format(s.peakBytes()), Bytes.format(s.plannedPeakBytes())));
    }

    public void onFailed(String message) {
        state.set(RunState.FAILED);
        outcome.set(message);
    }

    // ---- properties -------------------------------------------------------------------------------------

    public ObjectProperty<Network> networkProperty() {
        return network;
    }

    public StringProperty networkProblemProperty() {
        return networkProblem;
    }

    public ObservableList<MemoryMode> modes() {
        return modes;
    }

    public ObjectProperty<MemoryMode> modeProperty() {
        return mode;
    }

    /** The chosen mode's settings as typed, by key; cleared when the mode changes. */
    public ObservableMap<String, String> modeSettings() {
        return modeSettings;
    }

    public IntegerProperty batchProperty() {
        return batch;
    }

    public ObservableList<String> budgetPresets() {
        return budgetPresets;
    }

    public StringProperty budgetTextProperty() {
        return budgetText;
    }

    public ReadOnlyLongProperty budgetBytesProperty() {
        return budgetBytes.getReadOnlyProperty();
    }

    public ObservableList<String> devices() {
        return devices;
    }

    public StringProperty deviceProperty() {
        return device;
    }

    public StringProperty optimizerProperty() {
        return optimizer;
    }

    public StringProperty learningRateProperty() {
        return learningRate;
    }

    public ObservableList<DataChoice> dataChoices() {
        return dataChoices;
    }

    public ObjectProperty<DataChoice> dataProperty() {
        return data;
    }

    public IntegerProperty stepsProperty() {
        return steps;
    }

    /** The most device memory the CPU backend may simulate in this Java heap. */
    public LongProperty maxDeviceBytesProperty() {
        return maxDeviceBytes;
    }

    /** Why Run is disabled: the network's or the settings' first problem; empty when a run can start. */
    public ReadOnlyStringProperty problemProperty() {
        return problem.getReadOnlyProperty();
    }

    /** The settings' own first problem (planning needs these, not a runnable heap). */
    public ReadOnlyStringProperty settingsProblemProperty() {
        return settingsProblem.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<RunState> stateProperty() {
        return state.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty stepTextProperty() {
        return stepText.getReadOnlyProperty();
    }

    /** How the last run ended: a summary or the failure's message. */
    public ReadOnlyStringProperty outcomeProperty() {
        return outcome.getReadOnlyProperty();
    }

    /** Every step of the current run, for the loss and accuracy charts. */
    public ObservableList<StepResult> history() {
        return history;
    }

    public BooleanBinding canRunProperty() {
        return canRun;
    }

    public BooleanBinding canPauseProperty() {
        return canPause;
    }

    public BooleanBinding canStepProperty() {
        return canStep;
    }

    public BooleanBinding canStopProperty() {
        return canStop;
    }

    public int threads() {
        return threads;
    }
}
