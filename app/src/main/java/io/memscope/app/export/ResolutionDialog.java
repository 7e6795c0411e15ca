package io.memscope.app.export;

import io.memscope.trainer.render.PngExporter;
import java.util.List;
import java.util.Optional;
import javafx.geometry.Insets;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.layout.GridPane;
import javafx.stage.Window;

/** Asks for the size of an exported timeline picture, with the usual slide and screen sizes as presets. */
public final class ResolutionDialog {
    /** A picture size. */
    public record Size(int width, int height) {
        @Override
        public String toString() {
            return width + " \u00d7 " + height;
        }
    }

    public static final List<Size> PRESETS = List.of(new Size(1280, 720), new Size(1920, 1080), new Size(2560, 1440),
            new Size(3840, 2160));
    public static final Size DEFAULT = PRESETS.get(1);
    /** Largest side offered; 8192 x 8192 stays within what {@link PngExporter} renders. */
    static final int MAX_SIDE = 8192;

    private ResolutionDialog() {}

    public static Optional<Size> ask(Window owner) {
        return ask(owner, "Export timeline as PNG");
    }

    /** The same question under another title (the SVG export's size is its layout's size in pixels). */
    public static Optional<Size> ask(Window owner, String title) {
        Dialog<Size> dialog = new Dialog<>();
        dialog.initOwner(owner);
        dialog.setTitle(title);
        dialog.setHeaderText("Picture size in pixels");
        ComboBox<Size> presets = new ComboBox<>();
        presets.getItems().setAll(PRESETS);
        presets.setValue(DEFAULT);
        Spinner<Integer> width = new Spinner<>(PngExporter.MIN_SIZE, MAX_SIDE, DEFAULT.width(), 10);
        Spinner<Integer> height = new Spinner<>(PngExporter.MIN_SIZE, MAX_SIDE, DEFAULT.height(), 10);
        width.setEditable(true);
        height.setEditable(true);
        presets.valueProperty().addListener((o, a, s) -> {
            if (s != null) {
                width.getValueFactory().setValue(s.width());
                height.getValueFactory().setValue(s.height());
            }
        });
        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(8);
        grid.setPadding(new Insets(12));
        grid.addRow(0, new Label("Preset"), presets);
        grid.addRow(1, new Label("Width"), width);
        grid.addRow(2, new Label("Height"), height);
        dialog.getDialogPane().setContent(grid);
        dialog.getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);
        dialog.setResultConverter(b -> b == ButtonType.OK ? new Size(width.getValue(), height.getValue()) : null);
        return dialog.showAndWait();
    }
}
