package io.memscope.app.run;

import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.ModeSetting;
import java.io.File;
import java.util.function.Function;
import javafx.geometry.Insets;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;

/** The less-often changed run settings, under the network: optimizer, learning rate, data, steps and device. */
public final class RunSettingsPane extends VBox {
    public RunSettingsPane(RunViewModel vm, Function<DirectoryChooser, File> chooseFolder) {
        Label title = new Label("TRAINING");
        title.getStyleClass().add("section-title");

        ComboBox<String> optimizer = new ComboBox<>();
        optimizer.setId("optimizer");
        optimizer.getItems().setAll(RunViewModel.OPTIMIZERS);
        optimizer.valueProperty().bindBidirectional(vm.optimizerProperty());
        optimizer.setMaxWidth(Double.MAX_VALUE);

        TextField lr = new TextField();
        lr.setId("learning-rate");
        lr.textProperty().bindBidirectional(vm.learningRateProperty());

        ComboBox<DataChoice> data = new ComboBox<>(vm.dataChoices());
        data.setId("data");
        data.setMaxWidth(Double.MAX_VALUE);
        data.setValue(vm.dataProperty().get());
        data.valueProperty().addListener((o, was, now) -> {
            if (now == null || now == vm.dataProperty().get()) {
                return;
            }
            if (now.asksForFolder()) {
                DirectoryChooser chooser = new DirectoryChooser();
                chooser.setTitle("cifar10".equals(now.folderKind()) ? "Folder with the CIFAR-10 binary batches"
                        : "Folder with the MNIST IDX files");
                File dir = chooseFolder.apply(chooser);
                if (dir != null) {
                    vm.chooseDataFolder(now.folderKind(), dir.toPath());
                }
                data.setValue(vm.dataProperty().get());
            } else {
                vm.dataProperty().set(now);
            }
        });
        vm.dataProperty().addListener((o, was, now) -> data.setValue(now));

        Spinner<Integer> steps = new Spinner<>();
        steps.setId("steps");
        steps.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(1, 10_000_000, vm.stepsProperty().get(), 10));
        steps.setEditable(true);
        steps.setMaxWidth(Double.MAX_VALUE);
        steps.getValueFactory().valueProperty().addListener((o, a, v) -> {
            if (v != null) {
                vm.stepsProperty().set(v);
            }
        });
        vm.stepsProperty().addListener((o, a, v) -> steps.getValueFactory().setValue(v.intValue()));

        ComboBox<String> device = new ComboBox<>(vm.devices());
        device.setId("device");
        device.valueProperty().bindBidirectional(vm.deviceProperty());
        device.setMaxWidth(Double.MAX_VALUE);

        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(6);
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(92);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        fields.setFillWidth(true);
        grid.getColumnConstraints().addAll(labels, fields);
        grid.addRow(0, new Label("Optimizer"), optimizer);
        grid.addRow(1, new Label("Learning rate"), lr);
        grid.addRow(2, new Label("Data"), data);
        grid.addRow(3, new Label("Steps"), steps);
        grid.addRow(4, new Label("Device"), device);

        GridPane modeGrid = new GridPane();
        modeGrid.setId("mode-settings");
        modeGrid.setHgap(8);
        modeGrid.setVgap(6);
        modeGrid.getColumnConstraints().addAll(labels, fields);
        fillModeSettings(vm, modeGrid);
        vm.modeProperty().addListener(o -> fillModeSettings(vm, modeGrid));
        setSpacing(4);
        setPadding(new Insets(0, 10, 12, 10));
        getChildren().addAll(title, grid, modeGrid);
    }

    /** One row per setting of the chosen mode (none for baseline): a choice, or a box with the default as hint. */
    private static void fillModeSettings(RunViewModel vm, GridPane grid) {
        grid.getChildren().clear();
        MemoryMode mode = vm.modeProperty().get();
        if (mode == null || mode.settings().isEmpty()) {
            grid.setVisible(false);
            grid.setManaged(false);
            return;
        }
        grid.setVisible(true);
        grid.setManaged(true);
        Label heading = new Label(mode.id().toUpperCase(java.util.Locale.ROOT));
        heading.getStyleClass().add("section-title");
        grid.add(heading, 0, 0, 2, 1);
        int row = 1;
        for (ModeSetting st : mode.settings()) {
            Label label = new Label(st.label());
            label.setTooltip(new Tooltip(st.help() + " (default " + st.defaultValue() + ")"));
            javafx.scene.Node control;
            if (!st.choices().isEmpty()) {
                ComboBox<String> box = new ComboBox<>();
                box.getItems().setAll(st.choices());
                box.setValue(vm.modeSettings().getOrDefault(st.key(), st.defaultValue()));
                box.setMaxWidth(Double.MAX_VALUE);
                box.valueProperty().addListener((o, a, v) -> put(vm, st, v));
                control = box;
            } else {
                TextField box = new TextField(vm.modeSettings().getOrDefault(st.key(), ""));
                box.setPromptText(st.defaultValue());
                box.textProperty().addListener((o, a, v) -> put(vm, st, v));
                control = box;
            }
            control.setId("mode-" + st.key());
            grid.addRow(row++, label, control);
        }
    }

    private static void put(RunViewModel vm, ModeSetting st, String value) {
        if (value == null || value.isBlank() || value.equals(st.defaultValue())) {
            vm.modeSettings().remove(st.key());
        } else {
            vm.modeSettings().put(st.key(), value.trim());
        }
    }
}
