package io.memscope.app.editor;

import io.memscope.trainer.memory.Bytes;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.DataFormat;
import javafx.scene.input.Dragboard;
import javafx.scene.input.KeyCode;
import javafx.scene.input.TransferMode;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;

/**
 * The layers as the engine sees them: output shape, parameters, FLOPs and output bytes at the current batch,
 * updated on every edit. A layer at fault is marked red with the engine's message; layers that depend on it are
 * greyed until it is fixed. Rows take drops from the palette (add here) and from other rows (move here).
 */
final class LayerTable extends TableView<LayerRow> {
    /** The drag-and-drop format of a row being moved. */
    static final DataFormat LAYER_INDEX = new DataFormat("application/x-memscope-layer-index");

    private final EditorViewModel vm;
    private boolean syncing;

    LayerTable(EditorViewModel vm) {
        super(vm.rows());
        this.vm = vm;
        setId("layer-table");
        getStyleClass().addAll("compact-table", "layer-table");
        // the columns follow their content (fitColumns), which a constrained policy would not
        setColumnResizePolicy(UNCONSTRAINED_RESIZE_POLICY);
        setPlaceholder(new Label("No layers: add one from the palette above"));
        getColumns().add(text("Layer", LayerTable::shownName, "layer name; \u21b3 marks a layer that names its inputs"));
        getColumns().add(text("Type", r -> LayerPalette.label(r.type()), "layer type"));
        getColumns().add(text("Output", r -> r.output().isEmpty() ? "\u2014" : r.output(),
                "output shape per sample: channels x height x width"));
        getColumns().add(number("Params", r -> compact(r.parameters()), "trainable parameters"));
        getColumns().add(number("FLOPs", r -> compact(r.flops()), "forward FLOPs per sample"));
        TableColumn<LayerRow, String> act = number("Act.", r -> r.outputBytes() == 0 ? "" : Bytes.formatShort(r.outputBytes()),
                "bytes of the layer's output");
        Label actHeader = (Label) act.getGraphic();
        actHeader.textProperty().bind(vm.batchProperty().asString("Act. @%d"));
        actHeader.getTooltip().textProperty().bind(
                vm.batchProperty().asString("bytes of the layer's output at batch %d (float32; views cost none)"));
        getColumns().add(act);
        setRowFactory(t -> new Row());
        vm.rows().addListener((javafx.collections.ListChangeListener<LayerRow>) c -> fitColumns());
        vm.batchProperty().addListener(o -> fitColumns());
        widthProperty().addListener(o -> fitColumns());
        fitColumns();

        // Replacing the rows after an edit clears the table's selection for a moment; only the user's choice of
        // a row speaks for the editor's selection.
        getSelectionModel().selectedIndexProperty().addListener((o, a, i) -> {
            if (!syncing && i.intValue() >= 0) {
                vm.selectedProperty().set(i.intValue());
            }
        });
        vm.selectedProperty().addListener(o -> syncSelection());
        vm.rows().addListener((javafx.collections.ListChangeListener<LayerRow>) c -> syncSelection());
        setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.DELETE || e.getCode() == KeyCode.BACK_SPACE) {
                vm.removeSelected();
                e.consume();
            } else if (e.isAltDown() && (e.getCode() == KeyCode.UP || e.getCode() == KeyCode.DOWN)) {
                vm.moveSelected(e.getCode() == KeyCode.UP ? -1 : +1);
                e.consume();
            }
        });
    }

    /** A cell's padding and border, beyond its text (the compact table's 2 4 2 4, and a pixel each side). */
    private static final double CELL_INSETS = 10;
    private static final Font CELL_FONT = Font.font("System", 12);
    private static final Font HEADER_FONT = Font.font("System", FontWeight.BOLD, 11);
    /** Room the table keeps for its border and its vertical scroll bar. */
    private static final double TABLE_INSETS = 18;

    /**
     * Makes every column as wide as its longest text (header and cells), and never narrower, so no name, type,
     * shape or number is cut short (RevNet's stage2.down_bn, VGG-16's 512x224x224); the last column takes what
     * is left, and a table too narrow for them all scrolls sideways.
     */
    private void fitColumns() {
        Text probe = new Text();
        double used = 0;
        for (TableColumn<LayerRow, ?> c : getColumns()) {
            probe.setFont(HEADER_FONT);
            probe.setText(((Label) c.getGraphic()).getText());
            double w = probe.getLayoutBounds().getWidth();
            probe.setFont(CELL_FONT);
            for (LayerRow r : vm.rows()) {
                probe.setText(String.valueOf(c.getCellData(r)));
                w = Math.max(w, probe.getLayoutBounds().getWidth());
            }
            c.setMinWidth(Math.ceil(w) + CELL_INSETS);
            c.setPrefWidth(c.getMinWidth());
            used += c.getMinWidth();
        }
        TableColumn<LayerRow, ?> last = getColumns().get(getColumns().size() - 1);
        double left = Math.floor(getWidth() - TABLE_INSETS - (used - last.getMinWidth()));
        last.setPrefWidth(Math.max(last.getMinWidth(), left));
    }

    /** The name as the Layer column shows it: marked when it has a problem or names its inputs. */
    private static String shownName(LayerRow r) {
        return (r.hasProblem() ? "\u26a0 " : r.explicitInputs() ? "\u21b3 " : "") + r.name();
    }

    /** The table's selection follows the view model's (rows are replaced on every edit). */
    private void syncSelection() {
        syncing = true;
        try {
            int i = vm.selectedProperty().get();
            if (i < 0 || i >= getItems().size()) {
                getSelectionModel().clearSelection();
            } else {
                boolean moved = getSelectionModel().getSelectedIndex() != i;
                getSelectionModel().clearAndSelect(i);
                if (moved) {
                    scrollTo(Math.max(0, i - 3));
                }
            }
        } finally {
            syncing = false;
        }
    }

    /** A row: coloured by its state, explained in a tooltip, a drop target and a drag source. */
    private final class Row extends TableRow<LayerRow> {
        Row() {
            setOnDragDetected(e -> {
                if (getItem() == null) {
                    return;
                }
                Dragboard db = startDragAndDrop(TransferMode.MOVE);
                ClipboardContent content = new ClipboardContent();
                content.put(LAYER_INDEX, getIndex());
                db.setContent(content);
                e.consume();
            });
            setOnDragOver(e -> {
                Dragboard db = e.getDragboard();
                if (db.hasContent(LayerPalette.LAYER_TYPE)) {
                    e.acceptTransferModes(TransferMode.COPY);
                } else if (db.hasContent(LAYER_INDEX)) {
                    e.acceptTransferModes(TransferMode.MOVE);
                }
                e.consume();
            });
            setOnDragDropped(e -> {
                Dragboard db = e.getDragboard();
                int at = getItem() == null ? vm.rows().size() : getIndex();
                boolean done = false;
                if (db.hasContent(LayerPalette.LAYER_TYPE)) {
                    vm.addLayerAt((String) db.getContent(LayerPalette.LAYER_TYPE), at);
                    done = true;
                } else if (db.hasContent(LAYER_INDEX)) {
                    vm.moveLayer((Integer) db.getContent(LAYER_INDEX), Math.min(at, vm.rows().size() - 1));
                    done = true;
                }
                e.setDropCompleted(done);
                e.consume();
            });
        }

        @Override
        protected void updateItem(LayerRow row, boolean empty) {
            super.updateItem(row, empty);
            getStyleClass().removeAll("layer-error", "layer-waiting");
            if (empty || row == null) {
                setTooltip(null);
                return;
            }
            if (row.hasProblem()) {
                getStyleClass().add("layer-error");
            } else if (row.isWaiting()) {
                getStyleClass().add("layer-waiting");
            }
            setTooltip(new Tooltip(row.describe()));
        }
    }

    private static TableColumn<LayerRow, String> text(String title, Function<LayerRow, String> get, String help) {
        TableColumn<LayerRow, String> c = new TableColumn<>();
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(get.apply(d.getValue())));
        header(c, title, help);
        c.setSortable(false);
        return c;
    }

    private static TableColumn<LayerRow, String> number(String title, Function<LayerRow, String> get, String help) {
        TableColumn<LayerRow, String> c = text(title, get, help);
        c.setStyle("-fx-alignment: CENTER-RIGHT;");
        return c;
    }

    private static void header(TableColumn<LayerRow, String> c, String title, String help) {
        Label l = new Label(title);
        if (!help.isEmpty()) {
            l.setTooltip(new Tooltip(help));
        }
        l.setAlignment(Pos.CENTER);
        c.setGraphic(l);
    }

    /** 2,416 · 48.1k · 14.7M · 15.4G: short enough for a narrow column, exact to three figures. */
    static String compact(long n) {
        if (n == 0) {
            return "";
        }
        if (n < 10_000) {
            return String.format(Locale.ROOT, "%,d", n);
        }
        String[] units = {"k", "M", "G", "T"};
        double v = n;
        int u = -1;
        while (v >= 999.5 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, v < 99.95 ? "%.1f%s" : "%.0f%s", v, units[u]);
    }
}
