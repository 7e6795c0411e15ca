package io.memscope.app.editor;

import io.memscope.trainer.net.layers.LayerFields;
import java.util.Map;
import javafx.scene.control.Button;
import javafx.scene.control.Tooltip;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.DataFormat;
import javafx.scene.input.Dragboard;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.FlowPane;

/**
 * One button per layer type: a click adds the layer after the selected one, a drag drops it where it lands in
 * the layer table.
 */
final class LayerPalette extends FlowPane {
    /** The drag-and-drop format of a layer type taken from the palette. */
    static final DataFormat LAYER_TYPE = new DataFormat("application/x-memscope-layer-type");

    /**
     * Short button labels, also the layer table's Type column (a narrow one); the tooltip gives the type's full
     * name and description. Space-to-depth is the "squeeze" of RevNet and Glow.
     */
    private static final Map<String, String> LABELS = Map.ofEntries(
            Map.entry("conv2d", "Conv"), Map.entry("batchnorm2d", "BatchNorm"), Map.entry("relu", "ReLU"),
            Map.entry("leaky_relu", "Leaky ReLU"), Map.entry("maxpool2d", "Max pool"), Map.entry("avgpool2d", "Avg pool"),
            Map.entry("global_avgpool", "Global avg"), Map.entry("flatten", "Flatten"), Map.entry("linear", "Linear"),
            Map.entry("dropout", "Dropout"), Map.entry("add", "Add"), Map.entry("concat", "Concat"),
            Map.entry("softmax_cross_entropy", "Loss"), Map.entry("inv_batchnorm2d", "Inv. BN"),
            Map.entry("space_to_depth", "Squeeze"), Map.entry("coupling", "Coupling"));

    LayerPalette(EditorViewModel vm) {
        setId("layer-palette");
        getStyleClass().add("layer-palette");
        setHgap(4);
        setVgap(4);
        for (LayerFields.Type t : LayerFields.all()) {
            Button b = new Button(label(t.name()));
            b.setId("palette-" + t.name());
            b.getStyleClass().add("palette-button");
            b.setFocusTraversable(false);
            b.setTooltip(new Tooltip(t.name() + ": " + t.description()
                    + "\nClick to add after the selected layer, or drag into the table."));
            b.setOnAction(e -> vm.addLayer(t.name()));
            b.setOnDragDetected(e -> {
                Dragboard db = b.startDragAndDrop(TransferMode.COPY);
                ClipboardContent content = new ClipboardContent();
                content.put(LAYER_TYPE, t.name());
                db.setContent(content);
                e.consume();
            });
            getChildren().add(b);
        }
    }

    static String label(String type) {
        return LABELS.getOrDefault(type, type);
    }
}
