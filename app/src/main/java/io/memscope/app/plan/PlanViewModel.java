package io.memscope.app.plan;

import io.memscope.app.run.DataChoice;
import io.memscope.app.run.RunViewModel;
import io.memscope.app.task.Background;
import io.memscope.app.task.Errors;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.BaselineMode;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.Reversibility;
import io.memscope.trainer.modes.ReversibleMode;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.plan.FitAdvice;
import io.memscope.trainer.modes.compressed.CompressedMode;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.train.TrainDefaults;
import java.util.Locale;
import java.util.Map;
import javafx.beans.Observable;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * Planning without running: the meta backend's peak for the run settings, what it is made of, whether it fits
 * the budget, the largest batch that does, and how the mode arranges the step (in reversible mode, which layers
 * rebuild their input). A mode whose memory depends on the data (compressed) is first calibrated on a batch of
 * the chosen data, as the run will be ({@link Calibrations}, cached), and the plan says so and what it saves
 * against baseline. Plans off the UI thread, on request and shortly after any
 * setting changes; a result that arrives after newer settings is dropped.
 */
public final class PlanViewModel {
    static final long DEBOUNCE_MILLIS = 250;
    /** Largest batch the search tries. */
    static final int MAX_BATCH_LIMIT = 1 << 16;

    private final RunViewModel run;
    private final Background background;
    private final ReadOnlyObjectWrapper<PlanResult> result = new ReadOnlyObjectWrapper<>(this, "result");
    private final ReadOnlyStringWrapper headline = new ReadOnlyStringWrapper(this, "headline", "");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper(this, "error", "");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy", false);
    private final Calibrations calibrations = new Calibrations();
    private long generation;

    public PlanViewModel(RunViewModel run, Background background) {
        this.run = run;
        this.background = background;
        Observable[] inputs = {run.networkProperty(), run.modeProperty(), run.modeSettings(), run.batchProperty(),
                run.budgetBytesProperty(), run.optimizerProperty(), run.learningRateProperty(), run.dataProperty()};
        for (Observable in : inputs) {
            in.addListener(o -> background.debounce("plan", DEBOUNCE_MILLIS, this::plan));
        }
    }

    /** Plans now (F7). */
    public void plan() {
        long ticket = ++generation;
        Network net = run.networkProperty().get();
        MemoryMode mode;
        try {
            mode = run.configuredMode();
        } catch (IllegalArgumentException e) {
            clear(run.settingsProblemProperty().get());
            return;
        }
        long budget = run.budgetBytesProperty().get();
        int batch = run.batchProperty().get();
        if (net == null) {
            clear("Open a valid network to plan.");
            return;
        }
        if (budget <= 0 || batch < 1 || mode == null) {
            clear(run.settingsProblemProperty().get());
            return;
        }
        CompileOptions options;
        try {
            options = run.compileOptions(batch);
        } catch (IllegalArgumentException e) {
            clear(e.getMessage());
            return;
        }
        Map<String, String> settings = Map.copyOf(new java.util.HashMap<>(run.modeSettings()));
        DataChoice data = run.dataProperty().get();
        String dataSpec = data == null || data.spec() == null ? TrainDefaults.DATA : data.spec();
        String dataLabel = data == null || data.spec() == null ? "the built-in data" : data.label();
        busy.set(true);
        background.run(() -> {
            StringBuilder note = new StringBuilder();
            // a mode whose memory depends on the data (compressed) is calibrated on it first, as the run will be
            MemoryMode calibrated = calibrations.calibrate(net, mode, settings, dataSpec, options, run.threads());
            MemoryMode fitted = calibrated.fitTo(net, options, budget, note::append);
            Planner.Plan plan = Planner.plan(net, fitted, options, budget);
            int max = Planner.maxBatch(net, fitted, options, budget, MAX_BATCH_LIMIT);
            FitAdvice advice = plan.fits() ? null : FitAdvice.of(net, fitted, options, budget, plan, max);
            Reversibility rev = ReversibleMode.ID.equals(fitted.id()) ? Reversibility.of(net) : null;
            if (fitted instanceof CompressedMode c && !c.ratios().isEmpty()) {
                Planner.Plan baseline = Planner.plan(net, new BaselineMode(), options, budget);
                note.append(note.length() == 0 ? "" : "\n")
                        .append(calibrationNote(c, Math.min(batch, CompressedMode.CALIBRATION_BATCH), dataLabel))
                        .append("\n").append(savingNote(plan.peakBytes(), baseline.peakBytes(), batch));
            }
            return new PlanResult(plan, batch, max, note.toString().strip(), advice, fitted.layout(net).strip(), rev);
        }, r -> {
            if (ticket == generation) {
                busy.set(false);
                show(r);
            }
        }, t -> {
            if (ticket == generation) {
                busy.set(false);
                clear(Errors.message(t));
            }
        });
    }

    private void clear(String why) {
        busy.set(false);
        result.set(null);
        headline.set("");
        error.set(why == null ? "" : why);
    }

    private void show(PlanResult r) {
        error.set("");
        result.set(r);
        Planner.Plan p = r.plan();
        headline.set((p.fits() ? "Fits: " : "Does not fit: ") + "peak " + Bytes.format(p.peakBytes()) + " of a "
                + Bytes.format(p.budget()) + " budget at batch " + r.batch());
    }

    public ReadOnlyObjectProperty<PlanResult> resultProperty() {
        return result.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty headlineProperty() {
        return headline.getReadOnlyProperty();
    }

    /** Why there is no plan, or empty. */
    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    /** The calibrations kept for planning, for tests. */
    Calibrations calibrations() {
        return calibrations;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    /**
     * "Compressed streams planned from a calibration step on 16 samples of the built-in data: each tensor's
     * measured ratio (11 tensors, 2.9x to 7.4x smaller) with a 25% margin."
     */
    static String calibrationNote(CompressedMode mode, int samples, String data) {
        var ratios = mode.ratios().values().stream().mapToDouble(Double::doubleValue).summaryStatistics();
        return String.format(Locale.ROOT, "Compressed streams planned from a calibration step on %d samples of %s: "
                + "each tensor's measured ratio (%d tensors, %.1fx to %.1fx smaller) with a 25%% margin.", samples, data,
                ratios.getCount(), ratios.getMin(), ratios.getMax());
    }

    /** "Baseline's peak at batch 32: 30.1 MiB; compressed saves 17.4 MiB (58%)." */
    static String savingNote(long peak, long baselinePeak, int batch) {
        long saved = baselinePeak - peak;
        return String.format(Locale.ROOT, "Baseline's peak at batch %d: %s; compressed %s %s (%.0f%%).", batch,
                Bytes.format(baselinePeak), saved >= 0 ? "saves" : "needs", Bytes.format(Math.abs(saved)),
                100.0 * Math.abs(saved) / Math.max(1, baselinePeak));
    }

    /** "The largest batch that fits 256 MiB is 4,096." */
    public static String maxBatchText(PlanResult r) {
        if (r.maxBatch() <= 0) {
            return "Not even batch 1 fits " + Bytes.format(r.plan().budget()) + ".";
        }
        return String.format("Largest batch that fits %s: %s%,d.", Bytes.format(r.plan().budget()),
                r.maxBatch() >= MAX_BATCH_LIMIT ? "at least " : "", r.maxBatch());
    }
}
