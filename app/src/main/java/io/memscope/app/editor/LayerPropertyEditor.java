package io.memscope.app.editor;

import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.layers.LayerFields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.CustomMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The selected layer's settings: its name, the layers it reads (residual and branch connections), and one box
 * per field of its type, from the engine's schema ({@link LayerFields}). A typed value is applied on Enter or
 * when the box loses the focus, as one undoable edit; Escape puts the box back.
 */
final class LayerPropertyEditor extends VBox {
    private static final String DEFAULT_FLAG = "default";

    private final EditorViewModel vm;
    private final Label heading = new Label();
    private final Label description = new Label();
    private final GridPane grid = new GridPane();
    private final Label problem = new Label();
    private final Map<String, TextField> boxes = new LinkedHashMap<>();
    private final Map<String, ChoiceBox<String>> flags = new LinkedHashMap<>();
    private TextField name;
    private MenuButton reads;
    private int shownIndex = -2;
    private String shownType;

    LayerPropertyEditor(EditorViewModel vm) {
        this.vm = vm;
        setId("layer-properties");
        getStyleClass().add("layer-properties");
        setSpacing(4);
        heading.getStyleClass().add("properties-heading");
        description.getStyleClass().add("network-facts");
        description.setWrapText(true);
        problem.getStyleClass().add("run-problem");
        problem.setWrapText(true);
        problem.setId("layer-problem");
        grid.setHgap(8);
        grid.setVgap(5);
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(96);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        fields.setFillWidth(true);
        grid.getColumnConstraints().addAll(labels, fields);
        getChildren().addAll(heading, description, grid, problem);
        vm.specProperty().addListener(o -> refresh());
        vm.selectedProperty().addListener(o -> refresh());
        refresh();
    }

    private void refresh() {
        int i = vm.selectedProperty().get();
        LayerSpec l = vm.selectedLayer();
        if (l == null) {
            if (shownIndex != -1) {
                shownIndex = -1;
                shownType = null;
                heading.setText("No layer selected");
                description.setText("Select a layer in the table to edit its settings, or add one from the palette.");
                grid.getChildren().clear();
                boxes.clear();
                flags.clear();
            }
            problem.setText("");
            return;
        }
        if (i != shownIndex || !l.type().equals(shownType)) {
            build(i, l);
        }
        heading.setText(l.name() + "  \u00b7  " + l.type());
        follow(name, l.name());
        reads.setText(readsText(i, l));
        for (Map.Entry<String, TextField> e : boxes.entrySet()) {
            follow(e.getValue(), vm.fieldText(i, e.getKey()));
        }
        for (Map.Entry<String, ChoiceBox<String>> e : flags.entrySet()) {
            Object v = l.attrs().get(e.getKey());
            e.getValue().setValue(v == null ? DEFAULT_FLAG : String.valueOf(v));
        }
        LayerRow row = i < vm.rows().size() ? vm.rows().get(i) : null;
        problem.setText(row == null ? "" : row.hasProblem() ? row.problem()
                : row.isWaiting() ? "Not checked yet: it depends on " + row.waitsFor() + ", which has a problem." : "");
    }

    /**
     * Shows a value in its box, unless the user is typing there: a focused box whose text is still what was last
     * shown follows undo and redo, one with typed changes keeps them.
     */
    private void follow(TextField box, String value) {
        Object last = box.getProperties().get(SHOWN);
        if (!box.isFocused() || box.getText().equals(last)) {
            box.setText(value);
        }
        box.getProperties().put(SHOWN, value);
    }

    private static final String SHOWN = "memscope.shown";

    private void build(int index, LayerSpec l) {
        shownIndex = index;
        shownType = l.type();
        grid.getChildren().clear();
        boxes.clear();
        flags.clear();
        LayerFields.Type type = LayerFields.of(l.type());
        description.setText(type == null ? "unknown layer type" : type.description());
        int row = 0;

        name = new TextField();
        name.setId("field-name");
        commitOn(name, text -> vm.renameLayer(index, text), () -> layerAt(index).name());
        grid.addRow(row++, label("Name", "the layer's name; other layers read it by this name"), name);

        reads = new MenuButton();
        reads.setId("field-inputs");
        reads.setMaxWidth(Double.MAX_VALUE);
        reads.setOnShowing(e -> fillReads(index));
        grid.addRow(row++, label("Reads", "the outputs this layer reads: the previous layer unless you choose others"
                + " (two or more for add and concat)"), reads);

        if (type != null) {
            for (LayerFields.Field f : type.fields()) {
                String help = f.help() + (f.required() ? " (required)" : " (default " + f.defaultText() + ")");
                if (f.kind() == LayerFields.Kind.FLAG) {
                    ChoiceBox<String> box = new ChoiceBox<>();
                    box.getItems().setAll(DEFAULT_FLAG, "true", "false");
                    box.setId("field-" + f.key());
                    box.setConverter(new javafx.util.StringConverter<>() {
                        @Override
                        public String toString(String s) {
                            return DEFAULT_FLAG.equals(s) ? "default (" + f.defaultText() + ")" : s;
                        }

                        @Override
                        public String fromString(String s) {
                            return s;
                        }
                    });
                    box.setOnAction(e -> {
                        String v = box.getValue();
                        Object value = v == null || DEFAULT_FLAG.equals(v) ? null : Boolean.parseBoolean(v);
                        if (!java.util.Objects.equals(value, layerAt(index).attrs().get(f.key()))) {
                            vm.setFieldValue(index, f.key(), value);
                        }
                    });
                    flags.put(f.key(), box);
                    grid.addRow(row++, label(f.key(), help), box);
                } else {
                    TextField box = new TextField();
                    box.setId("field-" + f.key());
                    box.setPromptText(f.required() ? "required" : f.defaultText());
                    commitOn(box, text -> {
                        vm.setField(index, f.key(), text);
                        return null;
                    }, () -> vm.fieldText(index, f.key()));
                    boxes.put(f.key(), box);
                    grid.addRow(row++, label(f.key(), help), box);
                }
            }
        }
    }

    /**
     * Applies a text box on Enter and when it loses the focus, if its text changed; Escape restores it. The
     * action returns why it refused the text, or null; a refused box is marked until it changes.
     */
    private static void commitOn(TextField box, java.util.function.Function<String, String> action,
                                 java.util.function.Supplier<String> current) {
        Runnable commit = () -> {
            // A box taken off the screen by a new selection loses the focus too: it no longer speaks for a layer.
            if (box.getParent() != null && !box.getText().equals(current.get())) {
                String refused = action.apply(box.getText());
                box.pseudoClassStateChanged(ERROR, refused != null);
            }
        };
        box.setOnAction(e -> commit.run());
        box.focusedProperty().addListener((o, was, now) -> {
            if (!now) {
                commit.run();
            }
        });
        box.textProperty().addListener(o -> box.pseudoClassStateChanged(ERROR, false));
        box.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ESCAPE) {
                box.setText(current.get());
                e.consume();
            }
        });
    }

    private static final javafx.css.PseudoClass ERROR = javafx.css.PseudoClass.getPseudoClass("error");

    /** The choices of the Reads menu: every earlier output, ticked when read; ticking changes the connection. */
    private void fillReads(int index) {
        List<String> readable = vm.readable(index);
        List<String> current = currentInputs(index);
        reads.getItems().clear();
        for (String candidate : readable) {
            CheckBox box = new CheckBox(candidate);
            box.setSelected(current.contains(candidate));
            box.setOnAction(e -> toggle(index, candidate, box.isSelected(), readable));
            CustomMenuItem item = new CustomMenuItem(box);
            item.setHideOnClick(false);
            reads.getItems().add(item);
        }
    }

    private void toggle(int index, String name, boolean on, List<String> readable) {
        List<String> current = currentInputs(index);
        List<String> next = new ArrayList<>();
        for (String r : readable) {
            boolean in = r.equals(name) ? on : current.contains(r);
            if (in) {
                next.add(r);
            }
        }
        vm.setInputs(index, next);
    }

    private LayerSpec layerAt(int index) {
        return vm.specProperty().get().layers().get(index);
    }

    /** The names the layer reads, the implicit previous layer spelled out. */
    private List<String> currentInputs(int index) {
        LayerSpec l = layerAt(index);
        if (!l.inputs().isEmpty()) {
            return l.inputs();
        }
        List<String> readable = vm.readable(index);
        return List.of(readable.get(readable.size() - 1));
    }

    private String readsText(int index, LayerSpec l) {
        if (l.inputs().isEmpty()) {
            List<String> readable = vm.readable(index);
            return "previous layer (" + readable.get(readable.size() - 1) + ")";
        }
        return String.join(", ", l.inputs());
    }

    private static Label label(String text, String help) {
        Label l = new Label(text);
        l.setTooltip(new Tooltip(help));
        return l;
    }
}
