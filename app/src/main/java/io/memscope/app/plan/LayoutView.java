package io.memscope.app.plan;

import io.memscope.app.reversible.ReversibleText;
import io.memscope.trainer.modes.Reversibility;
import io.memscope.trainer.render.PhaseKind;
import io.memscope.visual.Palette;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * How the planned mode arranges the step, under the plan. Reversible mode reads as a count ("15 of 21 layers
 * rebuild their input..."), one marker per layer in network order (rebuilt, or kept with the reason in its
 * tooltip) and the reasons the others keep their input, grouped; another mode's layout (row-centric's segments
 * and bands) is its text as the command line prints it. Hidden when the mode has nothing to say.
 */
final class LayoutView extends VBox {
    private final Label title = new Label();
    private final Label summary = new Label();
    private final FlowPane markers = new FlowPane(4, 4);
    private final VBox kept = new VBox(2);
    private final Label text = new Label();

    LayoutView() {
        super(6);
        setId("plan-layout");
        title.getStyleClass().add("section-title");
        summary.setId("plan-reversible-summary");
        summary.getStyleClass().add("layout-summary");
        summary.setWrapText(true);
        summary.setMinHeight(Region.USE_PREF_SIZE);
        markers.setId("plan-layer-markers");
        kept.setId("plan-kept");
        text.setId("plan-layout-text");
        text.getStyleClass().add("layout-text");
        text.setWrapText(true);
        text.setMinHeight(Region.USE_PREF_SIZE);
        show(null);
    }

    void show(PlanResult r) {
        getChildren().clear();
        markers.getChildren().clear();
        kept.getChildren().clear();
        Reversibility rev = r == null ? null : r.reversibility();
        if (rev != null) {
            title.setText("WHICH LAYERS REBUILD THEIR INPUT");
            summary.setText(ReversibleText.summary(rev) + ".");
            for (Reversibility.Entry e : rev.entries()) {
                markers.getChildren().add(marker(e));
            }
            Label keptTitle = new Label("KEPT, AND WHY");
            keptTitle.getStyleClass().add("section-title");
            for (String line : ReversibleText.keptByReason(rev)) {
                Label l = new Label(line);
                l.setWrapText(true);
                l.setMinHeight(Region.USE_PREF_SIZE);
                l.getStyleClass().add("plan-detail");
                kept.getChildren().add(l);
            }
            getChildren().addAll(title, summary, legend(), markers);
            if (!kept.getChildren().isEmpty()) {
                getChildren().addAll(keptTitle, kept);
            }
        } else if (r != null && !r.layout().isEmpty()) {
            title.setText("LAYOUT OF THE STEP");
            text.setText(r.layout());
            getChildren().addAll(title, text);
        }
        setVisible(!getChildren().isEmpty());
        setManaged(isVisible());
    }

    /** Rebuilt layers in the colour of the timeline's recompute phases, where their inputs come back. */
    private static final String REBUILT_STYLE = "-fx-background-color: " + Palette.hex(Palette.phase(PhaseKind.RECOMPUTE));

    private static Label marker(String text, boolean rebuilt) {
        Label m = new Label(text);
        m.getStyleClass().addAll("layer-marker", rebuilt ? "rebuilt" : "kept");
        if (rebuilt) {
            m.setStyle(REBUILT_STYLE);
        }
        m.setMinWidth(Region.USE_PREF_SIZE);
        return m;
    }

    private static Label marker(Reversibility.Entry e) {
        Label m = marker(e.layer(), e.inverted());
        Tooltip tip = new Tooltip(ReversibleText.explain(e));
        tip.setWrapText(true);
        tip.setMaxWidth(440);
        m.setTooltip(tip);
        return m;
    }

    private static FlowPane legend() {
        Label rebuilt = marker("rebuilt from its output", true);
        Label keptLabel = marker("kept for backward", false);
        Label hint = new Label("hover a layer for why");
        hint.getStyleClass().add("plan-detail");
        FlowPane legend = new FlowPane(8, 4, rebuilt, keptLabel, hint);
        legend.getStyleClass().add("layout-legend");
        return legend;
    }
}
