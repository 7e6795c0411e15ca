package io.memscope.app.run;

import io.memscope.trainer.modes.MemoryMode;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Separator;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.Tooltip;
import javafx.geometry.Orientation;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/**
 * The toolbar across the top: Run / Pause / Step / Stop and Plan, the settings a class changes most (mode,
 * batch, budget; the device, rarely changed, is in {@link RunSettingsPane}), the run's state, progress and step counter, and why Run is disabled.
 */
public final class RunToolbar extends VBox {
    public RunToolbar(RunViewModel vm, Runnable plan) {
        getStyleClass().add("run-toolbar");

        Button run = button("\u25b6  Run", "run-button", "Train with these settings (F5)");
        run.setId("run");
        run.getStyleClass().remove("tool-button");
        run.getStyleClass().add("run-button");
        run.setOnAction(e -> vm.run());
        run.disableProperty().bind(vm.canRunProperty().not()
                .and(vm.stateProperty().isNotEqualTo(RunState.PAUSED)));
        StackPane runSlot = new StackPane(run);
        runSlot.setId("run-slot");
        Button pause = button("\u275a\u275a  Pause", "pause", "Pause or resume the run (F6)");
        pause.textProperty().bind(Bindings.when(vm.stateProperty().isEqualTo(RunState.PAUSED))
                .then("\u25b6  Resume").otherwise("\u275a\u275a  Pause"));
        pause.setOnAction(e -> vm.pause());
        pause.disableProperty().bind(vm.canPauseProperty().not());
        Button step = button("\u25b6\u275a  Step", "step", "Run one step, then pause (F10)");
        step.setOnAction(e -> vm.step());
        step.disableProperty().bind(vm.canStepProperty().not());
        Button stop = button("\u25a0  Stop", "stop", "Stop after the step in progress (Shift+F5)");
        stop.setOnAction(e -> vm.stop());
        stop.disableProperty().bind(vm.canStopProperty().not());
        Button planButton = button("Plan", "plan", "Predict memory without running (F7)");
        planButton.setOnAction(e -> plan.run());

        ComboBox<MemoryMode> mode = new ComboBox<>(vm.modes());
        mode.setId("mode");
        mode.valueProperty().bindBidirectional(vm.modeProperty());
        mode.setConverter(new StringConverter<>() {
            @Override
            public String toString(MemoryMode m) {
                return m == null ? "" : m.id();
            }

            @Override
            public MemoryMode fromString(String s) {
                return vm.modes().stream().filter(m -> m.id().equals(s)).findFirst().orElse(null);
            }
        });
        mode.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(MemoryMode m, boolean empty) {
                super.updateItem(m, empty);
                setText(empty || m == null ? null : m.id() + " \u2014 " + m.description());
            }
        });
        Tooltip.install(mode, new Tooltip("Memory mode: how the training step is scheduled"));
        mode.setPrefWidth(130);
        mode.setMinWidth(Region.USE_PREF_SIZE);

        Spinner<Integer> batch = new Spinner<>();
        batch.setId("batch");
        batch.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(1, 1 << 16, vm.batchProperty().get()));
        batch.setEditable(true);
        batch.setPrefWidth(96);
        batch.setMinWidth(Region.USE_PREF_SIZE);
        batch.getValueFactory().valueProperty().addListener((o, a, v) -> {
            if (v != null) {
                vm.batchProperty().set(v);
            }
        });
        vm.batchProperty().addListener((o, a, v) -> batch.getValueFactory().setValue(v.intValue()));

        ComboBox<String> budget = new ComboBox<>(vm.budgetPresets());
        budget.setId("budget");
        budget.setEditable(true);
        budget.setPrefWidth(160);
        budget.setMinWidth(Region.USE_PREF_SIZE);
        budget.setValue(vm.budgetTextProperty().get());
        budget.valueProperty().addListener((o, a, v) -> vm.budgetTextProperty().set(v));
        budget.getEditor().textProperty().addListener((o, a, v) -> {
            if (budget.isFocused() || budget.getEditor().isFocused()) {
                vm.budgetTextProperty().set(v);
            }
        });
        vm.budgetTextProperty().addListener((o, a, v) -> {
            if (!v.equals(budget.getValue()) && !budget.getEditor().isFocused()) {
                budget.setValue(v);
            }
        });
        Tooltip.install(budget, new Tooltip("Device-memory budget: a preset or a size such as 512 MiB"));
        // presets this device cannot hold say why in the list, before they are picked
        budget.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                getStyleClass().remove("preset-unavailable");
                setTooltip(null);
                if (empty || item == null) {
                    setText(null);
                    return;
                }
                String why = vm.presetProblem(item);
                setText(why.isEmpty() ? item : item + "  \u2014 too large here");
                if (!why.isEmpty()) {
                    getStyleClass().add("preset-unavailable");
                    setTooltip(new Tooltip(why));
                }
            }
        });

        Label state = new Label();
        state.setId("run-state");
        state.getStyleClass().add("run-state");
        state.textProperty().bind(Bindings.createStringBinding(() -> vm.stateProperty().get().label(), vm.stateProperty()));
        vm.stateProperty().addListener((o, a, s) -> {
            state.getStyleClass().removeAll("running", "paused", "failed", "finished");
            switch (s) {
                case RUNNING, STOPPING -> state.getStyleClass().add("running");
                case PAUSED -> state.getStyleClass().add("paused");
                case FAILED -> state.getStyleClass().add("failed");
                case FINISHED -> state.getStyleClass().add("finished");
                default -> { }
            }
        });
        ProgressBar progress = new ProgressBar();
        progress.setId("progress");
        progress.progressProperty().bind(vm.progressProperty());
        progress.setPrefWidth(160);
        progress.setMinWidth(80);
        state.setMinWidth(Region.USE_PREF_SIZE);
        Label counter = new Label();
        counter.setId("step-counter");
        counter.getStyleClass().add("step-counter");
        counter.textProperty().bind(vm.stepTextProperty());
        counter.setMinWidth(Region.USE_PREF_SIZE); // beside a long problem, which wraps instead

        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox row = new HBox(8, runSlot, pause, step, stop, sep(), field("Mode"), mode, field("Batch"), batch,
                field("Budget"), budget, sep(), planButton, spacer, state, progress);
        row.setAlignment(Pos.CENTER_LEFT);

        Label problem = new Label();
        problem.setId("run-problem");
        problem.getStyleClass().add("run-problem");
        problem.textProperty().bind(vm.problemProperty());
        problem.setWrapText(true); // the advice at its end must not be cut off
        problem.setMinHeight(Region.USE_PREF_SIZE);
        problem.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(problem, Priority.ALWAYS);
        problem.visibleProperty().bind(vm.problemProperty().isNotEmpty().and(vm.stateProperty().isNotEqualTo(RunState.RUNNING)));
        problem.managedProperty().bind(problem.visibleProperty());
        Tooltip why = new Tooltip();
        why.textProperty().bind(Bindings.when(vm.problemProperty().isEmpty()).then("Train with these settings (F5)")
                .otherwise(vm.problemProperty()));
        run.setTooltip(why);
        // a disabled button shows no tooltip: the slot around it says why Run is disabled
        Tooltip.install(runSlot, why);
        Region spacer2 = new Region();
        HBox.setHgrow(spacer2, Priority.ALWAYS);
        HBox second = new HBox(8, problem, spacer2, counter);
        second.setAlignment(Pos.CENTER_LEFT);
        second.visibleProperty().bind(problem.visibleProperty().or(counter.textProperty().isNotEmpty()));
        second.managedProperty().bind(second.visibleProperty());
        setSpacing(4);
        getChildren().addAll(row, second);
    }

    private static Button button(String text, String id, String tip) {
        Button b = new Button(text);
        b.setId(id);
        b.getStyleClass().add("tool-button");
        b.setTooltip(new Tooltip(tip));
        b.setMinWidth(Region.USE_PREF_SIZE);
        return b;
    }

    private static Label field(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("field-label");
        l.setMinWidth(Region.USE_PREF_SIZE);
        return l;
    }

    private static Separator sep() {
        return new Separator(Orientation.VERTICAL);
    }
}
