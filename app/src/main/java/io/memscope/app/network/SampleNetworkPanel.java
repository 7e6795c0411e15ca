package io.memscope.app.network;

import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.Node;
import io.memscope.trainer.net.SpecException;
import io.memscope.trainer.net.layers.ParamDef;
import java.nio.file.Path;
import java.util.Locale;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * A read-only network panel: the network's name, input and size, and its layers with output shapes and
 * parameter counts. Networks are opened from files or samples; editing happens in the network editor.
 */
public final class SampleNetworkPanel implements NetworkSource {
    /** One table row. */
    public record LayerRow(String name, String type, String output, String params) {}

    private final ReadOnlyObjectWrapper<Network> network = new ReadOnlyObjectWrapper<>(this, "network");
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper(this, "problem", "");
    private final ReadOnlyBooleanWrapper dirty = new ReadOnlyBooleanWrapper(this, "dirty", false);
    private final ReadOnlyObjectWrapper<Path> file = new ReadOnlyObjectWrapper<>(this, "file");
    private final ObservableList<LayerRow> rows = FXCollections.observableArrayList();
    private final Label name = new Label();
    private final Label facts = new Label();
    private VBox view;

    @Override
    public VBox view() {
        if (view == null) {
            view = build();
        }
        return view;
    }

    private VBox build() {
        name.getStyleClass().add("network-name");
        facts.getStyleClass().add("network-facts");
        facts.setWrapText(true);
        Label title = new Label("NETWORK");
        title.getStyleClass().add("section-title");
        TableView<LayerRow> table = new TableView<>(rows);
        table.setId("network-layers");
        table.getStyleClass().add("compact-table");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(column("Layer", LayerRow::name, 62));
        table.getColumns().add(column("Type", LayerRow::type, 84));
        table.getColumns().add(column("Output", LayerRow::output, 76));
        table.getColumns().add(column("Params", LayerRow::params, 62));
        table.setPlaceholder(new Label("No network"));
        Label problemLabel = new Label();
        problemLabel.getStyleClass().add("run-problem");
        problemLabel.setWrapText(true);
        problemLabel.textProperty().bind(problem);
        problemLabel.visibleProperty().bind(problem.isNotEmpty());
        problemLabel.managedProperty().bind(problemLabel.visibleProperty());
        VBox box = new VBox(4, title, name, facts, problemLabel, table);
        VBox.setVgrow(table, Priority.ALWAYS);
        box.setPadding(new Insets(0, 10, 10, 10));
        return box;
    }

    private static TableColumn<LayerRow, String> column(String title, java.util.function.Function<LayerRow, String> get,
                                                        double width) {
        TableColumn<LayerRow, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new SimpleStringProperty(get.apply(d.getValue())));
        c.setPrefWidth(width);
        c.setSortable(false);
        return c;
    }

    @Override
    public ReadOnlyObjectProperty<Network> networkProperty() {
        return network.getReadOnlyProperty();
    }

    @Override
    public ReadOnlyStringProperty problemProperty() {
        return problem.getReadOnlyProperty();
    }

    @Override
    public ReadOnlyBooleanProperty dirtyProperty() {
        return dirty.getReadOnlyProperty();
    }

    @Override
    public ReadOnlyObjectProperty<Path> fileProperty() {
        return file.getReadOnlyProperty();
    }

    @Override
    public void newNetwork() {
        show(null, null);
        problem.set("This panel only shows networks; open a network file or a sample.");
    }

    @Override
    public void open(Path path) {
        try {
            show(Network.load(path), path);
        } catch (SpecException e) {
            show(null, path);
            problem.set(e.getMessage());
        }
    }

    @Override
    public void openSample(String sample) {
        open(Samples.network(sample));
        file.set(null);
    }

    @Override
    public boolean save() {
        Path p = file.get();
        if (p == null || network.get() == null) {
            return false;
        }
        saveAs(p);
        return true;
    }

    @Override
    public void saveAs(Path path) {
        Network n = network.get();
        if (n == null) {
            throw new IllegalArgumentException("there is no valid network to save");
        }
        try {
            n.spec().save(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        file.set(path);
        dirty.set(false);
    }

    @Override
    public boolean confirmDiscard(Window owner) {
        return true;
    }

    private void show(Network n, Path path) {
        network.set(n);
        file.set(path);
        problem.set("");
        dirty.set(false);
        rows.clear();
        if (n == null) {
            name.setText("");
            facts.setText("");
            return;
        }
        name.setText(n.name());
        facts.setText(String.format(Locale.ROOT, "input %s  \u00b7  %d layers  \u00b7  %,d parameters (%s)  \u00b7  %.1f MFLOP/sample",
                n.input(), n.nodes().size(), n.parameterCount(), Bytes.format(n.parameterCount() * 4),
                n.flopsPerSample() / 1e6));
        for (Node node : n.nodes()) {
            long params = 0;
            for (ParamDef p : node.layer().params()) {
                if (p.trainable()) {
                    params += p.dims().elements();
                }
            }
            rows.add(new LayerRow(node.name(), node.layer().type(), node.out().toString(),
                    params == 0 ? "" : String.format(Locale.ROOT, "%,d", params)));
        }
    }
}
