package io.memscope.app.replay;

import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Slider;
import javafx.scene.layout.HBox;

/** Play / pause, speed and "show all" for a replayed trace. Shown only while a trace is replayed. */
public final class ReplayBar extends HBox {
    public ReplayBar(ReplayController replay) {
        setId("replay-bar");
        getStyleClass().add("timeline-bar");
        setAlignment(Pos.CENTER_LEFT);
        Label title = new Label("Replay");
        title.getStyleClass().add("section-title");
        Button play = new Button();
        play.setId("replay-play");
        play.textProperty().bind(Bindings.when(replay.playingProperty()).then("\u275a\u275a Pause").otherwise("\u25b6 Play"));
        play.setOnAction(e -> {
            if (replay.isComplete() && !replay.playingProperty().get()) {
                replay.rewind();
            }
            replay.playingProperty().set(!replay.playingProperty().get());
        });
        Button all = new Button("Show all");
        all.setId("replay-all");
        all.setOnAction(e -> replay.showAll());
        Button rewind = new Button("\u275a\u25c0 Start");
        rewind.setOnAction(e -> replay.rewind());
        // The slider is logarithmic: -1..2 means 0.1x..100x.
        Slider speed = new Slider(-1, 2, 0);
        speed.setPrefWidth(140);
        speed.valueProperty().addListener((o, a, v) -> replay.speedProperty().set(Math.pow(10, v.doubleValue())));
        Label speedText = new Label();
        speedText.textProperty().bind(Bindings.createStringBinding(
                () -> String.format(Locale.ROOT, "%.2g\u00d7", replay.speedProperty().get()), replay.speedProperty()));
        ProgressBar where = new ProgressBar();
        where.progressProperty().bind(replay.positionProperty());
        where.setPrefWidth(160);
        getChildren().addAll(title, rewind, play, all, new Label("Speed"), speed, speedText, where);
        visibleProperty().bind(replay.activeProperty());
        managedProperty().bind(visibleProperty());
    }
}
