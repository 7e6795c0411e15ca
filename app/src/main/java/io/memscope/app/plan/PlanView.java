package io.memscope.app.plan;

import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.plan.FitAdvice;
import io.memscope.trainer.plan.MemoryProfile;
import io.memscope.trainer.plan.Planner;
import io.memscope.visual.Palette;
import java.util.function.Consumer;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Rectangle;

/**
 * The plan: fits or not (with the OOM message), peak, largest batch that fits, bytes by category at the peak, and
 * how the mode arranges the step (which layers reversible mode rebuilds, row-centric's segments and bands).
 */
public final class PlanView extends ScrollPane {
    private final Label headline = new Label();
    private final Label detail = new Label();
    private final Label maxBatch = new Label();
    private final Label oom = new Label();
    private final GridPane categories = new GridPane();
    private final LayoutView layout = new LayoutView();
    private final Button showInTimeline = new Button("Show in timeline");
    /** One button per suggestion of what would fit, each setting the controls. */
    private final FlowPane applyRow = new FlowPane(6, 6);
    private final Consumer<FitAdvice.Suggestion> apply;

    /** {@code draw} shows a plan's step in the main timeline (the window's, which owns the views). */
    public PlanView(PlanViewModel vm, Consumer<PlanResult> draw, Consumer<FitAdvice.Suggestion> apply) {
        this.apply = apply;
        applyRow.setId("plan-apply");
        showInTimeline.setId("plan-show-timeline");
        showInTimeline.setTooltip(new Tooltip("Draw the planned step in the timeline and lifetime views: where a "
                + "run does not fit, its memory crosses the budget line at the allocation that fails"));
        showInTimeline.setDisable(true);
        showInTimeline.setOnAction(e -> {
            if (vm.resultProperty().get() != null) {
                draw.accept(vm.resultProperty().get());
            }
        });
        setId("plan-view");
        headline.setId("plan-headline");
        headline.getStyleClass().add("plan-headline");
        detail.getStyleClass().add("plan-detail");
        maxBatch.setId("plan-max-batch");
        oom.getStyleClass().add("run-problem");
        oom.setWrapText(true);
        detail.setWrapText(true);
        categories.setHgap(10);
        categories.setVgap(5);
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setPrefSize(18, 18);
        spinner.visibleProperty().bind(vm.busyProperty());
        HBox top = new HBox(10, headline, spinner, showInTimeline);
        top.setAlignment(Pos.CENTER_LEFT);
        Label byCat = new Label("BYTES BY CATEGORY AT THE PEAK");
        byCat.getStyleClass().add("section-title");
        VBox box = new VBox(8, top, detail, oom, applyRow, maxBatch, byCat, categories, layout);
        box.setPadding(new Insets(12, 16, 12, 16));
        setContent(box);
        setFitToWidth(true);
        vm.resultProperty().addListener((o, a, r) -> show(r));
        vm.errorProperty().addListener((o, a, e) -> {
            if (!e.isEmpty()) {
                headline.setText("No plan");
                headline.getStyleClass().removeAll("fits", "oom");
                detail.setText(e);
                oom.setText("");
                applyRow.getChildren().clear();
                maxBatch.setText("");
                layout.show(null);
                categories.getChildren().clear();
            }
        });
        headline.setText("No plan yet");
        detail.setText("Plan (F7) simulates one training step and the evaluation after it on the meta backend: no "
                + "arithmetic, the same allocations.");
    }

    private void show(PlanResult r) {
        categories.getChildren().clear();
        showInTimeline.setDisable(r == null);
        layout.show(r);
        if (r == null) {
            return;
        }
        Planner.Plan p = r.plan();
        headline.getStyleClass().removeAll("fits", "oom");
        headline.getStyleClass().add(p.fits() ? "fits" : "oom");
        headline.setText((p.fits() ? "\u2714 Fits" : "\u2716 Does not fit") + " \u2014 peak " + Bytes.format(p.peakBytes())
                + " of " + Bytes.format(p.budget()));
        MemoryProfile prof = p.profile();
        detail.setText(String.format("batch %d, %s mode: %d tensors declared, %d events for set-up, one step%s",
                r.batch(), p.program().mode(), p.program().tensors().size(), p.events().size(),
                p.eval() == null ? "" : String.format(" and an evaluation batch of %d (its peak %s)",
                        p.eval().decl("input").dims().n(), Bytes.format(prof.evalPeakBytes())))
                + (r.note().isEmpty() ? "" : "\n" + r.note()));
        oom.setText(p.fits() ? "" : p.oom().getMessage() + "\n" + AdviceText.line(r.advice()));
        applyRow.getChildren().clear();
        if (r.advice() != null) {
            applyRow.getChildren().setAll(ApplyButtons.of(r.advice(), apply));
        }
        maxBatch.setText(PlanViewModel.maxBatchText(r));
        long peak = Math.max(1, prof.peakBytes());
        int row = 0;
        for (Category c : Category.values()) {
            long b = prof.atPeak(c);
            if (b <= 0) {
                continue;
            }
            Rectangle bar = new Rectangle(Math.max(2, 260.0 * b / peak), 12, Palette.of(c));
            Label name = new Label(Palette.label(c));
            name.getStyleClass().add("category-bar-label");
            Label value = new Label(String.format("%s  (%.0f%%)", Bytes.format(b), 100.0 * b / peak));
            value.getStyleClass().add("category-bar-label");
            categories.addRow(row++, name, bar, value);
        }
    }
}
