package io.memscope.app.layers;

import io.memscope.app.reversible.ReversibleText;
import io.memscope.trainer.memory.Bytes;
import java.util.List;
import java.util.function.Function;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;

/**
 * Per-layer peak memory, predicted by the planner and measured in the run, with the difference highlighted; in
 * reversible mode also whether each layer's input is rebuilt or kept (why, in the tooltip) and the run's latest
 * signal-to-noise ratio of what its inverse rebuilt.
 */
public final class LayerTableView extends BorderPane {
    private final ObservableList<LayerComparison.Row> rows = FXCollections.observableArrayList();
    private final Label caption = new Label();
    private final TableView<LayerComparison.Row> table = new TableView<>(rows);
    private final TableColumn<LayerComparison.Row, LayerComparison.Row> input = reversible("Input",
            r -> r.reversible() == null ? "" : ReversibleText.verdict(r.reversible()),
            r -> r.reversible() == null ? null : ReversibleText.explain(r.reversible()));
    private final TableColumn<LayerComparison.Row, LayerComparison.Row> snr = reversible("SNR",
            r -> r.rebuilt() == null ? "" : r.rebuilt().snrText(),
            r -> r.rebuilt() == null ? null : ReversibleText.measuredAt(r.rebuilt()));

    public LayerTableView() {
        table.setId("layer-table");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        TableColumn<LayerComparison.Row, String> layer = new TableColumn<>("Layer");
        layer.setCellValueFactory(d -> new SimpleObjectProperty<>(d.getValue().layer()));
        layer.setPrefWidth(130);
        table.getColumns().add(layer);
        // planned and measured side by side under one heading per pass, so the columns stay narrow
        table.getColumns().add(pass("Forward peak", LayerComparison.Row::predictedForward,
                LayerComparison.Row::measuredForward));
        table.getColumns().add(pass("Backward peak", LayerComparison.Row::predictedBackward,
                LayerComparison.Row::measuredBackward));
        table.getColumns().add(difference());
        input.setId("layer-input");
        snr.setId("layer-snr");
        snr.getStyleClass().add("number");
        table.getColumns().addAll(input, snr);
        table.setPlaceholder(new Label("Plan (F7) or run to fill this table"));
        caption.getStyleClass().add("plan-detail");
        caption.setPadding(new Insets(6, 10, 6, 10));
        caption.setWrapText(true);
        setTop(caption);
        setCenter(table);
    }

    public void show(List<LayerComparison.Row> data, String note) {
        rows.setAll(data);
        caption.setText(note);
        // the reversible columns only where the plan is reversible
        boolean reversible = data.stream().anyMatch(r -> r.reversible() != null);
        input.setVisible(reversible);
        snr.setVisible(reversible);
    }

    public List<LayerComparison.Row> rows() {
        return rows;
    }

    public TableView<LayerComparison.Row> table() {
        return table;
    }

    private static TableColumn<LayerComparison.Row, ?> pass(String title, Function<LayerComparison.Row, Long> planned,
                                                            Function<LayerComparison.Row, Long> measured) {
        TableColumn<LayerComparison.Row, Long> c = new TableColumn<>(title);
        c.getColumns().add(bytes("planned", planned));
        c.getColumns().add(bytes("measured", measured));
        return c;
    }

    private static TableColumn<LayerComparison.Row, Long> bytes(String title, Function<LayerComparison.Row, Long> get) {
        TableColumn<LayerComparison.Row, Long> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new SimpleObjectProperty<>(get.apply(d.getValue())));
        c.setCellFactory(col -> new TableCell<>() {
            {
                getStyleClass().add("number");
            }

            @Override
            protected void updateItem(Long v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty || v == null ? null : v < 0 ? "\u2014" : Bytes.format(v));
            }
        });
        c.setPrefWidth(84);
        return c;
    }

    /** A column of reversible mode's: a short text per row, with a sentence as its tooltip. */
    private static TableColumn<LayerComparison.Row, LayerComparison.Row> reversible(String title,
            Function<LayerComparison.Row, String> text, Function<LayerComparison.Row, String> tip) {
        TableColumn<LayerComparison.Row, LayerComparison.Row> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new SimpleObjectProperty<>(d.getValue()));
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(LayerComparison.Row r, boolean empty) {
                super.updateItem(r, empty);
                getStyleClass().removeAll("input-rebuilt", "input-kept");
                String t = empty || r == null ? null : text.apply(r);
                String why = empty || r == null ? null : tip.apply(r);
                setText(t);
                setTooltip(why == null ? null : wrapping(why));
                if (r != null && !empty && r.reversible() != null) {
                    getStyleClass().add(r.reversible().inverted() ? "input-rebuilt" : "input-kept");
                }
            }
        });
        c.setPrefWidth(76);
        c.setVisible(false);
        return c;
    }

    private static Tooltip wrapping(String text) {
        Tooltip t = new Tooltip(text);
        t.setWrapText(true);
        t.setMaxWidth(440);
        return t;
    }

    private static TableColumn<LayerComparison.Row, LayerComparison.Row> difference() {
        TableColumn<LayerComparison.Row, LayerComparison.Row> c = new TableColumn<>("Measured \u2212 planned");
        c.setCellValueFactory(d -> new SimpleObjectProperty<>(d.getValue()));
        c.setCellFactory(col -> new TableCell<>() {
            {
                getStyleClass().add("number");
            }

            @Override
            protected void updateItem(LayerComparison.Row r, boolean empty) {
                super.updateItem(r, empty);
                getStyleClass().removeAll("diff-over", "diff-under", "diff-same");
                if (empty || r == null || r.measuredPeak() < 0) {
                    setText(empty || r == null ? null : "\u2014");
                    return;
                }
                long d = r.difference();
                setText(d == 0 ? "same" : (d > 0 ? "+" : "\u2212") + Bytes.format(Math.abs(d)));
                getStyleClass().add(d > 0 ? "diff-over" : d < 0 ? "diff-under" : "diff-same");
            }
        });
        c.setPrefWidth(150);
        c.setMinWidth(150); // its heading, however narrow the table
        return c;
    }
}
