package io.memscope.app.editor;

import java.io.File;
import java.nio.file.Path;
import java.util.Optional;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * The network editor on the left of the main window: the network's name and input, a palette of layer types,
 * the layer table with the engine's verdict on every layer, and the selected layer's settings.
 */
public final class EditorView extends VBox {
    private final EditorViewModel vm;
    private final LayerTable table;
    private Runnable convertToReversible = () -> {};

    public EditorView(EditorViewModel vm) {
        this.vm = vm;
        setId("network-editor");
        getStyleClass().add("network-editor");
        setSpacing(6);
        setPadding(new Insets(0, 10, 8, 10));

        Label title = new Label("NETWORK");
        title.getStyleClass().add("section-title");
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        Button undo = iconButton("\u21b6", "undo", vm.canUndoProperty().not());
        undo.setOnAction(e -> vm.undo());
        bindTip(undo, vm.undoTextProperty(), "Undo", "Ctrl+Z");
        Button redo = iconButton("\u21b7", "redo", vm.canRedoProperty().not());
        redo.setOnAction(e -> vm.redo());
        bindTip(redo, vm.redoTextProperty(), "Redo", "Ctrl+Shift+Z");
        Button reversible = textButton("Convert to reversible", "convert-reversible", "Convert to reversible "
                + "(Ctrl+Shift+R): residual blocks that keep their shape become coupling blocks, batch norms and ReLUs "
                + "invertible where that saves memory; opens the result as a new network and says what was kept and why");
        reversible.setOnAction(e -> convertToReversible.run());
        reversible.setMinWidth(Region.USE_PREF_SIZE);
        HBox titleBar = new HBox(4, title, grow, reversible, undo, redo);
        titleBar.setAlignment(Pos.BOTTOM_LEFT);

        TextField name = new TextField();
        name.setId("network-name");
        name.getStyleClass().add("network-name-field");
        name.setPromptText("network name");
        name.setOnAction(e -> vm.setNetworkName(name.getText()));
        name.focusedProperty().addListener((o, was, now) -> {
            if (!now && !name.getText().equals(vm.specProperty().get().name())) {
                vm.setNetworkName(name.getText());
            }
        });
        vm.specProperty().addListener((o, was, now) -> {
            if (!name.isFocused() || name.getText().equals(was.name())) {
                name.setText(now.name());
            }
        });
        name.setText(vm.specProperty().get().name());

        HBox input = inputRow();

        Label summary = new Label();
        summary.getStyleClass().add("network-facts");
        summary.setWrapText(true);
        summary.textProperty().bind(vm.summaryProperty());
        summary.setMinHeight(Region.USE_PREF_SIZE);

        Label problem = messageLabel("network-problem", "run-problem");
        problem.textProperty().bind(Bindings.when(vm.problemProperty().isEmpty()).then("")
                .otherwise(Bindings.concat("Does not build: ", vm.problemProperty())));
        Label refused = messageLabel("edit-message", "edit-message");
        refused.textProperty().bind(vm.editMessageProperty());

        Label paletteTitle = new Label("ADD A LAYER");
        paletteTitle.getStyleClass().add("section-title");
        LayerPalette palette = new LayerPalette(vm);

        Button remove = textButton("Remove", "remove-layer", "Remove the selected layer (Delete)");
        remove.setOnAction(e -> vm.removeSelected());
        Button up = textButton("\u2191 Up", "move-up", "Move the selected layer up (Alt+Up)");
        up.setOnAction(e -> vm.moveSelected(-1));
        Button down = textButton("\u2193 Down", "move-down", "Move the selected layer down (Alt+Down)");
        down.setOnAction(e -> vm.moveSelected(+1));
        for (Button b : new Button[] {remove, up, down}) {
            b.disableProperty().bind(vm.hasSelectionProperty().not());
        }
        HBox layerBar = new HBox(4, remove, up, down);

        table = new LayerTable(vm);
        LayerPropertyEditor properties = new LayerPropertyEditor(vm);
        ScrollPane propertyScroll = new ScrollPane(properties);
        propertyScroll.setFitToWidth(true);
        propertyScroll.getStyleClass().add("properties-scroll");
        SplitPane split = new SplitPane(table, propertyScroll);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.55);
        VBox.setVgrow(split, Priority.ALWAYS);

        getChildren().addAll(titleBar, name, input, summary, problem, refused, paletteTitle, palette, layerBar, split);
    }

    /** Input channels × height × width, each applied on Enter or when the box loses the focus. */
    private HBox inputRow() {
        TextField c = small("input-channels", "channels");
        TextField h = small("input-height", "height");
        TextField w = small("input-width", "width");
        Runnable apply = () -> {
            var s = vm.specProperty().get().input();
            if (!c.getText().equals(String.valueOf(s.c())) || !h.getText().equals(String.valueOf(s.h()))
                    || !w.getText().equals(String.valueOf(s.w()))) {
                vm.setInputShape(c.getText(), h.getText(), w.getText());
            }
        };
        Runnable show = () -> {
            var s = vm.specProperty().get().input();
            c.setText(String.valueOf(s.c()));
            h.setText(String.valueOf(s.h()));
            w.setText(String.valueOf(s.w()));
        };
        for (TextField f : new TextField[] {c, h, w}) {
            f.setOnAction(e -> apply.run());
            f.focusedProperty().addListener((o, was, now) -> {
                if (!now) {
                    apply.run();
                }
            });
        }
        // A box being typed in keeps its text; one that shows the applied value follows undo and redo.
        vm.specProperty().addListener((o, was, now) -> {
            int[] before = {was.input().c(), was.input().h(), was.input().w()};
            int[] after = {now.input().c(), now.input().h(), now.input().w()};
            TextField[] boxes = {c, h, w};
            for (int i = 0; i < 3; i++) {
                if (!boxes[i].isFocused() || boxes[i].getText().equals(String.valueOf(before[i]))) {
                    boxes[i].setText(String.valueOf(after[i]));
                }
            }
        });
        show.run();
        Label label = new Label("Input");
        label.setMinWidth(44);
        HBox row = new HBox(4, label, c, new Label("\u00d7"), h, new Label("\u00d7"), w, new Label("C \u00d7 H \u00d7 W"));
        row.getChildren().get(row.getChildren().size() - 1).getStyleClass().add("network-facts");
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private static TextField small(String id, String what) {
        TextField f = new TextField();
        f.setId(id);
        f.setPrefColumnCount(3);
        f.setTooltip(new Tooltip("input " + what));
        return f;
    }

    private static Label messageLabel(String id, String style) {
        Label l = new Label();
        l.setId(id);
        l.getStyleClass().add(style);
        l.setWrapText(true);
        l.setMinHeight(Region.USE_PREF_SIZE);
        l.visibleProperty().bind(l.textProperty().isNotEmpty());
        l.managedProperty().bind(l.visibleProperty());
        return l;
    }

    private static Button iconButton(String glyph, String id, javafx.beans.value.ObservableBooleanValue disabled) {
        Button b = new Button(glyph);
        b.setId(id);
        b.getStyleClass().add("icon-button");
        b.setFocusTraversable(false);
        b.disableProperty().bind(disabled);
        return b;
    }

    private static Button textButton(String text, String id, String tip) {
        Button b = new Button(text);
        b.setId(id);
        b.getStyleClass().add("small-button");
        b.setFocusTraversable(false);
        b.setTooltip(new Tooltip(tip));
        return b;
    }

    private static void bindTip(Button b, javafx.beans.value.ObservableStringValue what, String verb, String key) {
        Tooltip t = new Tooltip();
        t.textProperty().bind(Bindings.when(Bindings.isEmpty(what)).then("Nothing to " + verb.toLowerCase())
                .otherwise(Bindings.concat(what, " (", key, ")")));
        b.setTooltip(t);
    }

    /** What the Convert to reversible button does: the window's command, which owns the dialogs. */
    public void setOnConvertToReversible(Runnable action) {
        this.convertToReversible = action;
    }

    /** Focuses the layer table, e.g. after a palette click, so Delete and Alt+arrows act on the layers. */
    public void focusTable() {
        table.requestFocus();
    }

    /** The unsaved-changes question as dialogs: Save / Don't Save / Cancel, then a file chooser if needed. */
    public static DiscardPrompt dialogs(Window owner, Path folder) {
        return new DiscardPrompt() {
            @Override
            public Answer ask(String networkName) {
                ButtonType save = new ButtonType("Save", ButtonBar.ButtonData.YES);
                ButtonType discard = new ButtonType("Don't Save", ButtonBar.ButtonData.NO);
                Alert a = new Alert(Alert.AlertType.CONFIRMATION, "Your changes will be lost if you don't save them.",
                        save, discard, ButtonType.CANCEL);
                a.initOwner(owner);
                a.setTitle("Unsaved changes");
                a.setHeaderText("Save the changes to " + networkName + "?");
                Optional<ButtonType> b = a.showAndWait();
                return b.isEmpty() || b.get() == ButtonType.CANCEL ? Answer.CANCEL : b.get() == save ? Answer.SAVE
                        : Answer.DISCARD;
            }

            @Override
            public Path chooseFile(String networkName) {
                FileChooser c = new FileChooser();
                c.setTitle("Save network as");
                c.getExtensionFilters().add(new FileChooser.ExtensionFilter("Network files", "*.json"));
                c.setInitialFileName(networkName.replaceAll("[^A-Za-z0-9._-]+", "_") + ".json");
                if (folder != null && folder.toFile().isDirectory()) {
                    c.setInitialDirectory(folder.toFile());
                }
                File f = c.showSaveDialog(owner);
                return f == null ? null : f.toPath();
            }
        };
    }
}
