package io.memscope.app.plan;

import io.memscope.app.run.RunViewModel;
import io.memscope.app.task.Background;
import io.memscope.app.task.Errors;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.Reversibility;
import io.memscope.trainer.modes.ReversibleMode;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.plan.FitAdvice;
import io.memscope.trainer.plan.Planner;
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
 * rebuild their input). Plans off the UI thread, on request and shortly after any
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
    private long generation;

    public PlanViewModel(RunViewModel run, Background background) {
        this.run = run;
        this.background = background;
        Observable[] inputs = {run.networkProperty(), run.modeProperty(), run.modeSettings(), run.batchProperty(),
                run.budgetBytesProperty(), run.optimizerProperty(), run.learningRateProperty()};
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
        busy.set(true);
        background.run(() -> {
            StringBuilder note = new StringBuilder();
            MemoryMode fitted = mode.fitTo(net, options, budget, note::append);
            Planner.Plan plan = Planner.plan(net, fitted, options, budget);
            int max = Planner.maxBatch(net, fitted, options, budget, MAX_BATCH_LIMIT);
            FitAdvice advice = plan.fits() ? null : FitAdvice.of(net, fitted, options, budget, plan, max);
            Reversibility rev = ReversibleMode.ID.equals(fitted.id()) ? Reversibility.of(net) : null;
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

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
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
