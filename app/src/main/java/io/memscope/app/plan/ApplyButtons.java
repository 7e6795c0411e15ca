package io.memscope.app.plan;

import io.memscope.trainer.plan.FitAdvice;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.Region;

/** "Apply:" and one button per suggestion of a {@link FitAdvice}, each named by the controls it sets. */
public final class ApplyButtons {
    private ApplyButtons() {}

    /** The nodes to show; a click hands its suggestion to {@code apply}. Never shortened by the layout. */
    public static List<Node> of(FitAdvice advice, Consumer<FitAdvice.Suggestion> apply) {
        List<Node> out = new ArrayList<>();
        Label label = new Label("Apply:");
        label.setMinWidth(Region.USE_PREF_SIZE);
        out.add(label);
        for (FitAdvice.Suggestion s : advice.suggestions()) {
            Button b = new Button(AdviceText.control(s));
            b.getStyleClass().add("apply-advice");
            b.setMinWidth(Region.USE_PREF_SIZE);
            b.setOnAction(e -> apply.accept(s));
            out.add(b);
        }
        return out;
    }
}
