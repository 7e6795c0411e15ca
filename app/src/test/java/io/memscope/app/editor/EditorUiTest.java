package io.memscope.app.editor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.app.MainWindow;
import io.memscope.app.task.FxBackground;
import io.memscope.trainer.io.AtomicFiles;
import io.memscope.trainer.net.LayerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The editor in the real window, headless: clicks, typing and keys, and what Run says about the result. */
@ExtendWith(ApplicationExtension.class)
class EditorUiTest {
    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = new MainWindow(stage, new FxBackground());
        window.show();
    }

    private EditorViewModel vm() {
        return window.editor();
    }

    private List<String> names() {
        return vm().specProperty().get().layers().stream().map(LayerSpec::name).toList();
    }

    private void select(String layer) {
        int i = names().indexOf(layer);
        fx(() -> vm().selectedProperty().set(i));
    }

    private static void fx(Runnable r) {
        try {
            WaitForAsyncUtils.asyncFx(r).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static <T> T fxGet(Callable<T> c) throws Exception {
        T t = WaitForAsyncUtils.asyncFx(c).get();
        return t;
    }

    @Test
    void paletteTableAndPropertiesEditTheNetworkAndRunFollowsTheVerdict(FxRobot robot, @TempDir Path dir)
            throws Exception {
        Button run = robot.lookup("#run").queryAs(Button.class);
        assertFalse(run.isDisabled());
        TableView<?> table = robot.lookup("#layer-table").queryAs(TableView.class);
        assertEquals(13, table.getItems().size(), "the sample's layers are in the table");

        // Select conv1 by clicking its row, then add a batch norm from the palette: it lands right after it.
        robot.clickOn("conv1");
        assertEquals(0, vm().selectedProperty().get());
        robot.clickOn("#palette-batchnorm2d");
        assertEquals("bn1", names().get(1));
        assertEquals(14, table.getItems().size());
        assertEquals(1, table.getSelectionModel().getSelectedIndex(), "the new layer is selected in the table");

        // Type an impossible kernel into conv2's property box: the row turns red with the engine's message.
        select("conv2");
        TextField kernel = robot.lookup("#field-kernel").queryAs(TextField.class);
        robot.doubleClickOn(kernel);
        fx(() -> kernel.selectAll());
        robot.write("15").type(KeyCode.ENTER);
        assertEquals("15", vm().specProperty().get().layers().get(names().indexOf("conv2")).attrs().get("kernel")
                .toString().replace(".0", ""));
        assertTrue(run.isDisabled(), "Run is disabled while the network does not build");
        Label reason = robot.lookup("#run-problem").queryAs(Label.class);
        assertTrue(reason.getText().contains("conv2: kernel 15"), reason.getText());
        Label layerProblem = robot.lookup("#layer-problem").queryAs(Label.class);
        assertTrue(layerProblem.getText().startsWith("conv2: kernel 15"), layerProblem.getText());
        assertTrue(robot.lookup(".layer-error").tryQuery().isPresent(), "the row is marked");

        snapshot(dir.resolve("editor.png"));

        // Ctrl+Z (from the table) undoes the kernel; the network builds again and Run comes back.
        robot.clickOn("\u26a0 conv2");
        assertTrue(table.isFocused());
        robot.press(KeyCode.CONTROL).type(KeyCode.Z).release(KeyCode.CONTROL);
        assertNotNull(vm().networkProperty().get(), vm().problemProperty().get());
        assertFalse(run.isDisabled());
        assertEquals("5", kernel.getText(), "the box shows the restored value");

        // Delete in the table removes the selected layer; Alt+Up moves one.
        robot.clickOn("bn1");
        robot.type(KeyCode.DELETE);
        assertFalse(names().contains("bn1"));
        robot.clickOn("relu2");
        robot.press(KeyCode.ALT).type(KeyCode.UP).release(KeyCode.ALT);
        assertEquals(names().indexOf("conv2") - 1, names().indexOf("relu2"), "relu2 moved above conv2");
    }

    @Test
    void everyLayerTypeHasAPaletteLabelOfItsOwnAndTheReversibleTypesShowTheirFields(FxRobot robot) {
        for (var t : io.memscope.trainer.net.layers.LayerFields.all()) {
            Button b = robot.lookup("#palette-" + t.name()).queryAs(Button.class);
            assertFalse(b.getText().equals(t.name()), t.name() + " is shown by a label, not its type name");
            assertTrue(b.getTooltip().getText().startsWith(t.name() + ": " + t.description()), b.getTooltip().getText());
        }
        assertEquals("Coupling", robot.lookup("#palette-coupling").queryAs(Button.class).getText());
        fx(() -> vm().openSample("revnet38.json"));
        select("stage1.rev1");
        assertEquals("half the input channels", robot.lookup("#field-hidden").queryAs(TextField.class).getPromptText());
        assertEquals("3", robot.lookup("#field-kernel").queryAs(TextField.class).getPromptText());
        select("bn1");
        assertEquals("0.01", robot.lookup("#field-scale_eps").queryAs(TextField.class).getPromptText());
    }

    @Test
    void renamingFromThePropertyBoxRefusesADuplicate(FxRobot robot) {
        select("relu1");
        TextField name = robot.lookup("#field-name").queryAs(TextField.class);
        robot.clickOn(name);
        fx(name::selectAll);
        robot.write("conv1").type(KeyCode.ENTER);
        assertEquals("relu1", names().get(1), "a name in use is refused");
        assertTrue(name.getPseudoClassStates().stream().anyMatch(p -> p.getPseudoClassName().equals("error")));
        Label message = robot.lookup("#edit-message").queryAs(Label.class);
        assertTrue(message.getText().contains("already called 'conv1'"), message.getText());
        fx(name::selectAll);
        robot.write("act1").type(KeyCode.ENTER);
        assertEquals("act1", names().get(1));
    }

    @Test
    void theInputShapeBoxesReshapeTheWholeNetwork(FxRobot robot) {
        TextField h = robot.lookup("#input-height").queryAs(TextField.class);
        robot.clickOn(h);
        fx(h::selectAll);
        robot.write("32").type(KeyCode.TAB);
        assertEquals(32, vm().specProperty().get().input().h());
        assertEquals("6x32x28", vm().rows().get(0).output());
        fx(() -> vm().undo());
        assertEquals("28", h.getText());
    }

    @Test
    void aNewNetworkIsReadyToRunAndOpeningABadFileKeepsTheWork(@TempDir Path dir) throws Exception {
        fx(() -> vm().setField(0, "out_channels", "7"));
        Path junk = dir.resolve("junk.json");
        Files.writeString(junk, "not json at all");
        fx(() -> window.openNetwork(junk));
        assertEquals(7.0, vm().specProperty().get().layers().get(0).attrs().get("out_channels"), "nothing was lost");
        assertTrue(fxGet(() -> window.editorView().getScene().lookup("#message").isVisible()));
        String shown = fxGet(() -> ((Label) window.editorView().getScene().lookup("#message")).getText());
        assertTrue(shown.contains("junk.json") && shown.contains("not valid JSON"), shown);
        assertTrue(vm().dirtyProperty().get());
        assertNull(vm().fileProperty().get());
    }

    @Test
    void convertToReversibleOpensTheConvertedNetworkAndReportsWhatChangedAndWhatWasKept(FxRobot robot)
            throws Exception {
        // LeNet: nothing to convert, said calmly in the message bar; the network stays
        robot.clickOn("conv1");
        robot.press(KeyCode.CONTROL, KeyCode.SHIFT).type(KeyCode.R).release(KeyCode.SHIFT, KeyCode.CONTROL);
        Label message = robot.lookup("#message").queryAs(Label.class);
        assertTrue(message.getParent().isVisible());
        assertTrue(message.getText().startsWith("Convert to reversible: LeNet-5 has no residual block whose branch "
                + "keeps its input's shape"), message.getText());
        assertTrue(message.getParent().getStyleClass().contains("info"), "a notice, not an error");
        assertEquals("LeNet-5", vm().specProperty().get().name());

        // ResNet-18 with an unsaved edit: the unsaved-changes question first; Cancel keeps it all
        fx(() -> {
            vm().openSample("resnet18_cifar.json");
            vm().setNetworkName("ResNet-18 mine");
        });
        robot.clickOn("#convert-reversible");
        robot.clickOn("Cancel");
        assertEquals("ResNet-18 mine", vm().specProperty().get().name());
        assertNull(window.conversionReport());

        // without unsaved edits it converts at once, opens the result unsaved, and reports
        fx(() -> vm().openSample("resnet18_cifar.json"));
        robot.clickOn("#convert-reversible");
        assertEquals("ResNet-18 (CIFAR 32x32) (reversible)", vm().specProperty().get().name());
        assertTrue(vm().dirtyProperty().get());
        assertNull(vm().fileProperty().get());
        assertTrue(window.stage().getTitle().endsWith("(converted from ResNet-18 (CIFAR 32x32)) \u2022 edited"),
                window.stage().getTitle());
        var report = window.conversionReport();
        assertTrue(report.isShowing());
        assertEquals("Converted ResNet-18 (CIFAR 32x32) into ResNet-18 (CIFAR 32x32) (reversible): 7 changes, "
                + "3 residual blocks kept as they are. It is not saved yet.", report.getHeaderText());
        List<String> lines = robot.from(report.getDialogPane()).lookup("#conversion-report .label")
                .queryAllAs(Label.class).stream().map(Label::getText).toList();
        assertTrue(lines.contains("KEPT AS THEY ARE, AND WHY"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("\u2022 layer1.1.conv1, layer1.1.bn1, ")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("\u2022 layer2.1.add: kept as it is: its branches change")),
                lines.toString());
        var log = robot.lookup("#log").queryAs(javafx.scene.control.ListView.class);
        assertTrue(log.getItems().stream().anyMatch(l -> l.toString().contains("  kept: layer2.1.add: kept as it is")),
                log.getItems().toString());
        assertEquals("baseline", window.run().modeProperty().get().id());
        robot.clickOn(ConversionDialog.USE_MODE);
        assertFalse(report.isShowing());
        assertEquals("reversible", window.run().modeProperty().get().id());
        assertFalse(robot.lookup("#run").queryAs(Button.class).isDisabled(), "ready to run");
    }

    private void snapshot(Path file) throws Exception {
        WritableImage shot = fxGet(() -> window.stage().getScene().snapshot(null));
        AtomicFiles.writeStream(file, out -> ImageIO.write(SwingFXUtils.fromFXImage(shot, null), "png", out));
        String keep = System.getProperty("memscope.keepSnapshots");
        if (keep != null) {
            Files.copy(file, Path.of(keep).resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertTrue(Files.size(file) > 10_000);
    }

    static void waitFor(Callable<Boolean> condition, int seconds) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> WaitForAsyncUtils.asyncFx(condition).get());
    }
}
