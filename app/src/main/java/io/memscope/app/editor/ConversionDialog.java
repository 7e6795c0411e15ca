package io.memscope.app.editor;

import io.memscope.app.theme.ThemeManager;
import io.memscope.trainer.net.ReversibleConversion;
import java.util.List;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * What Convert to reversible did, in a window that does not block: every change, every residual block kept as
 * it was and why, and a button that switches the run to reversible mode.
 */
public final class ConversionDialog {
    /** The button that switches the run to reversible mode. */
    public static final String USE_MODE = "Use reversible mode";

    private ConversionDialog() {}

    /** The first line of the report, also written to the log. */
    public static String headline(String from, ReversibleConversion.Result r) {
        return "Converted " + from + " into " + r.network().name() + ": " + count(r.changes().size(), "change")
                + (r.kept().isEmpty() ? "" : ", " + count(r.kept().size(), "residual block") + " kept as "
                + (r.kept().size() == 1 ? "it is" : "they are")) + ". It is not saved yet.";
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /**
     * Shows the report; {@code useReversibleMode} runs when the user asks to train in reversible mode. Returns
     * the dialog, already showing.
     */
    public static Alert show(Window owner, String from, ReversibleConversion.Result r, Runnable useReversibleMode) {
        ButtonType use = new ButtonType(USE_MODE, ButtonBar.ButtonData.OK_DONE);
        ButtonType close = new ButtonType("Close", ButtonBar.ButtonData.CANCEL_CLOSE);
        Alert a = new Alert(Alert.AlertType.INFORMATION, "", use, close);
        a.initOwner(owner);
        a.setTitle("Converted to reversible");
        a.setHeaderText(headline(from, r));
        VBox body = new VBox(4);
        body.setId("conversion-report");
        section(body, "CHANGED", r.changes());
        section(body, "KEPT AS THEY ARE, AND WHY", r.kept());
        body.getChildren().add(line("The converted network has the original's stages, widths and depth, not its "
                + "function: it trains from scratch. Save it with Save As (Ctrl+Shift+S)."));
        ScrollPane scroll = new ScrollPane(body);
        scroll.setFitToWidth(true);
        scroll.setPrefViewportHeight(Math.min(420, 60 + 34.0 * (r.changes().size() + r.kept().size())));
        a.getDialogPane().setContent(scroll);
        a.getDialogPane().setPrefWidth(720);
        a.setResizable(true);
        if (a.getDialogPane().getScene() != null) {
            ThemeManager.apply(a.getDialogPane().getScene());
        }
        a.resultProperty().addListener((o, was, now) -> {
            if (now == use) {
                useReversibleMode.run();
            }
        });
        a.show();
        return a;
    }

    private static void section(VBox body, String title, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        Label t = new Label(title);
        t.getStyleClass().add("section-title");
        body.getChildren().add(t);
        lines.forEach(l -> body.getChildren().add(line("\u2022 " + l)));
    }

    private static Label line(String text) {
        Label l = new Label(text);
        l.setWrapText(true);
        l.setMinHeight(Region.USE_PREF_SIZE);
        return l;
    }
}
