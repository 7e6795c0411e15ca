package io.memscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.app.run.RunState;
import io.memscope.app.task.FxBackground;
import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Labeled;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * At 1280x800, with the busiest states on screen (a refused run's message with its advice and Apply buttons, the
 * hover readout, VGG-16 in the editor; a reversible run's plan, layer table and rebuilt tensor, RevNet-38 in the
 * editor, Convert to reversible's notice and report), no label, button or table cell is cut short ("...").
 */
@ExtendWith(ApplicationExtension.class)
class NothingCutOffTest {
    private MainWindow window;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        window = new MainWindow(stage, new FxBackground());
        window.show();
        stage.setWidth(1280);
        stage.setHeight(800);
    }

    @Test
    void noLabelIsTruncatedAt1280x800(FxRobot robot) throws Exception {
        // a refused run: message bar with the advice and its Apply buttons, the OOM label on the timeline
        MainWindowTest.settleOnARunThatDoesNotFit(window);
        robot.clickOn("#run");
        MainWindowTest.waitFor(() -> window.run().stateProperty().get() == RunState.FAILED, 60);
        // hover the chart so the readout shows beside Follow live / Zoom to fit
        robot.moveTo(window.timeline().chart());
        WaitForAsyncUtils.waitForFxEvents();
        List<String> cut = truncated(stage.getScene().getRoot());
        assertEquals(List.of(), cut, "cut off at 1280x800");
        assertFitsTheStage("at 1280x800");
        for (double width : new double[] {1440, 1920}) {
            WaitForAsyncUtils.asyncFx(() -> stage.setWidth(width)).get();
            WaitForAsyncUtils.waitForFxEvents();
            assertEquals(List.of(), truncated(stage.getScene().getRoot()), "cut off at " + width + " wide");
            assertFitsTheStage("at " + width + " wide");
        }
        WaitForAsyncUtils.asyncFx(() -> stage.setWidth(1280)).get();
        WaitForAsyncUtils.waitForFxEvents();

        // the heap message under the toolbar keeps its advice
        WaitForAsyncUtils.asyncFx(() -> {
            window.run().maxDeviceBytesProperty().set(1L << 30);
            window.run().budgetTextProperty().set("4 GiB");
        }).get();
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(), truncated(stage.getScene().getRoot()), "cut off with the heap message shown");
        assertFitsTheStage("with the heap message shown");
        javafx.scene.control.Label problem = robot.lookup("#run-problem").queryAs(javafx.scene.control.Label.class);
        assertTrue(problem.isVisible() && problem.getText().contains("-Xmx"), problem.getText());
        WaitForAsyncUtils.asyncFx(() -> window.run().budgetTextProperty().set("256 MiB")).get();

        // VGG-16's layer table: the Output column holds its widest shapes
        WaitForAsyncUtils.asyncFx(() -> window.editor().openSample("vgg16.json")).get();
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(), truncated(stage.getScene().getRoot()), "cut off with VGG-16 open");
        assertFitsTheStage("with VGG-16 open");
    }

    @Test
    void noLabelIsTruncatedInAReversibleRunAndItsConversion(FxRobot robot) throws Exception {
        // the Plan tab with its markers and reasons, the Layers tab with Input and SNR, a rebuilt tensor's details
        MainWindowTest.settleOnAReversibleRun(window, "revnet38.json", 8, 2);
        WaitForAsyncUtils.asyncFx(() -> window.tabs().getSelectionModel().select(2)).get();
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(), truncated(stage.getScene().getRoot()), "cut off in the reversible plan");
        robot.clickOn("#run");
        MainWindowTest.waitFor(() -> window.run().stateProperty().get() == RunState.FINISHED, 120);
        WaitForAsyncUtils.asyncFx(() -> window.tabs().getSelectionModel().select(1)).get();
        MainWindowTest.waitFor(() -> window.layerTable().rows().stream().anyMatch(r -> r.rebuilt() != null
                && r.measuredPeak() > 0), 20);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(), truncated(stage.getScene().getRoot()), "cut off in the layer table");
        assertFitsTheStage("in the layer table");
        var m = window.recording().timeline();
        var rebuilt = java.util.stream.IntStream.range(0, m.lifetimeCount()).mapToObj(m::lifetime)
                .filter(t -> window.lifetimes().describe(t).contains("SNR")).findFirst().orElseThrow();
        WaitForAsyncUtils.asyncFx(() -> {
            window.tabs().getSelectionModel().select(0);
            window.lifetimes().select(rebuilt);
            window.editor().selectedProperty().set(3); // stage1.rev1, a coupling block, in the property editor
        }).get();
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(), truncated(stage.getScene().getRoot()), "cut off with a rebuilt tensor's details");

        // nothing to convert: the notice; ResNet-18 converted: its report
        WaitForAsyncUtils.asyncFx(() -> window.editor().openSample("lenet5.json")).get();
        WaitForAsyncUtils.asyncFx(() -> window.convertToReversible()).get();
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(), truncated(stage.getScene().getRoot()), "cut off with the conversion's notice");
        WaitForAsyncUtils.asyncFx(() -> window.editor().openSample("resnet18_cifar.json")).get();
        WaitForAsyncUtils.asyncFx(() -> window.convertToReversible()).get();
        WaitForAsyncUtils.waitForFxEvents();
        javafx.scene.Scene report = window.conversionReport().getDialogPane().getScene();
        assertEquals(List.of(), truncated(report.getRoot()), "cut off in the conversion's report");
        WaitForAsyncUtils.asyncFx(() -> window.conversionReport().close()).get();
    }

    /**
     * The window's content is laid out no wider than the stage: a root wider than the scene puts its right edge
     * off-screen, which {@link #truncated} cannot see (it only looks at what is on screen).
     */
    private void assertFitsTheStage(String when) throws Exception {
        double[] widths = WaitForAsyncUtils.asyncFx(() -> {
            Parent root = stage.getScene().getRoot();
            return new double[] {root.getLayoutBounds().getWidth(), root.minWidth(-1), stage.getScene().getWidth()};
        }).get();
        String widest = WaitForAsyncUtils.asyncFx(() -> widest(stage.getScene().getRoot(), widths[2])).get();
        assertTrue(widths[0] <= widths[2] + 0.5 && widths[1] <= widths[2] + 0.5, "the window is laid out " + widths[0]
                + " px wide (at least " + widths[1] + " px) in a " + widths[2] + " px scene " + when + "; too wide: " + widest);
    }

    /** The deepest nodes whose minimum width exceeds {@code width}, with it: what holds the window wide. */
    private static String widest(Parent root, double width) {
        List<String> out = new ArrayList<>();
        for (Node c : root.getChildrenUnmodifiable()) {
            if (c.isManaged() && c.minWidth(-1) > width + 0.5) {
                String inner = c instanceof Parent p ? widest(p, width) : "";
                out.add(inner.isEmpty() ? c.getClass().getSimpleName() + (c.getId() == null ? "" : "#" + c.getId())
                        + " (" + c.minWidth(-1) + " px)" : inner);
            }
        }
        return String.join(", ", out);
    }

    /** Every visible labeled control whose text is drawn shorter than it is, with what is shown. */
    static List<String> truncated(Parent root) {
        List<String> out = new ArrayList<>();
        walk(root, out, root.getLayoutBounds());
        return out;
    }

    private static void walk(Node n, List<String> out, Bounds scene) {
        if (!n.isVisible()) {
            return;
        }
        if (n instanceof Labeled l && l.getText() != null && !l.getText().isEmpty() && inView(l)) {
            for (Node child : l.getChildrenUnmodifiable()) {
                if (child instanceof Text t && !t.getText().equals(l.getText()) && t.getText().endsWith("\u2026")
                        || child instanceof Text t2 && !t2.getText().equals(l.getText()) && t2.getText().endsWith("...")) {
                    out.add(l.getClass().getSimpleName() + (l.getId() == null ? "" : "#" + l.getId()) + " '"
                            + l.getText() + "' shown as '" + ((Text) child).getText() + "'");
                }
            }
        }
        if (n instanceof Parent p) {
            for (Node c : p.getChildrenUnmodifiable()) {
                walk(c, out, scene);
            }
        }
    }

    /** Inside the window: cells scrolled out of a table's view do not count. */
    private static boolean inView(Node n) {
        Bounds b = n.localToScene(n.getLayoutBounds());
        javafx.scene.Scene scene = n.getScene();
        return b.getWidth() > 0 && b.getMinX() >= 0 && b.getMinY() >= 0 && b.getMaxX() <= scene.getWidth() + 1
                && b.getMaxY() <= scene.getHeight() + 1;
    }
}
