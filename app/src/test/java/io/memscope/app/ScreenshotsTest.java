package io.memscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.app.network.Samples;
import io.memscope.app.run.RunState;
import io.memscope.app.task.FxBackground;
import io.memscope.trainer.io.AtomicFiles;
import io.memscope.trainer.render.TensorLifetime;
import io.memscope.trainer.render.TimelineModel;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Makes the README's screenshots with the real window, headless: {@code docs/screenshots/main-window.png}
 * mid-run, {@code docs/screenshots/timeline.png} through File ▸ Export ▸ Timeline PNG, and
 * {@code docs/screenshots/refused-run.png}: a run that does not fit, drawn as planned, and
 * {@code docs/screenshots/reversible.png}: RevNet-38's backward in reversible mode around a rebuilt tensor, the
 * recompute phases in the timeline and the tensor's details under the lifetime view, and
 * {@code docs/screenshots/host-lane.png} with {@code host-lane-timeline.png}: a made-up out-of-core trace
 * ({@link OutOfCoreTrace}) replayed, its host lanes under the memory chart and the device addresses, and its
 * exported picture. Runs only when asked:
 * {@code mvn -pl app test -Dtest=ScreenshotsTest -Dmemscope.screenshots=true}.
 */
@EnabledIfSystemProperty(named = "memscope.screenshots", matches = "true")
@ExtendWith(ApplicationExtension.class)
class ScreenshotsTest {
    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = new MainWindow(stage, new FxBackground());
        window.show();
        stage.setWidth(1440);
        stage.setHeight(900);
    }

    @Test
    void mainWindowMidRunAndExportedTimeline() throws Exception {
        Path dir = Samples.root().resolve("docs").resolve("screenshots");
        Files.createDirectories(dir);
        MainWindowTest.waitFor(() -> window.plan().resultProperty().get() != null, 20);
        WaitForAsyncUtils.asyncFx(() -> {
            window.run().batchProperty().set(32);
            window.run().stepsProperty().set(400);
            window.run().run();
        }).get();
        MainWindowTest.waitFor(() -> window.run().history().size() >= 14, 120);
        WaitForAsyncUtils.asyncFx(() -> window.run().pause()).get();
        MainWindowTest.waitFor(() -> window.session() != null && window.session().trainer().isPaused(), 10);
        Thread.sleep(600);
        WaitForAsyncUtils.waitForFxEvents();
        WaitForAsyncUtils.asyncFx(() -> {
            window.tabs().getSelectionModel().select(0);
            window.editor().selectedProperty().set(3); // conv2: its settings show under the layer table
        }).get();
        Thread.sleep(300);
        WaitForAsyncUtils.waitForFxEvents();
        Path main = dir.resolve("main-window.png");
        WritableImage shot = WaitForAsyncUtils.asyncFx(() -> window.stage().getScene().snapshot(null)).get();
        AtomicFiles.writeStream(main, out -> ImageIO.write(SwingFXUtils.fromFXImage(shot, null), "png", out));

        WaitForAsyncUtils.asyncFx(() -> window.run().stop()).get();
        MainWindowTest.waitFor(() -> window.run().stateProperty().get() == RunState.FINISHED, 60);
        Path timeline = dir.resolve("timeline.png");
        WaitForAsyncUtils.asyncFx(() -> window.exportPng(timeline, 1920, 1080)).get();
        assertTrue(Files.size(main) > 10_000);
        assertEquals(1920, ImageIO.read(timeline.toFile()).getWidth());
    }

    @Test
    void aReversibleStepWithARebuiltTensor() throws Exception {
        Path dir = Samples.root().resolve("docs").resolve("screenshots");
        Files.createDirectories(dir);
        MainWindowTest.settleOnAReversibleRun(window, "revnet38.json", 16, 400);
        WaitForAsyncUtils.asyncFx(() -> window.run().run()).get();
        MainWindowTest.waitFor(() -> window.run().history().size() >= 4, 120);
        WaitForAsyncUtils.asyncFx(() -> window.run().pause()).get();
        MainWindowTest.waitFor(() -> window.session() != null && window.session().trainer().isPaused(), 20);
        Thread.sleep(600);
        WaitForAsyncUtils.waitForFxEvents();
        TimelineModel m = window.recording().timeline();
        long stepStart = m.steps().get(2).x();
        long stepEnd = m.steps().get(3).x();
        TensorLifetime rebuilt = null;
        for (int i = 0; i < m.lifetimeCount() && rebuilt == null; i++) {
            TensorLifetime t = m.lifetime(i);
            if (t.name().equals("stage2.rev1.out") && t.start() > stepStart && t.end() < stepEnd
                    && window.lifetimes().describe(t).contains("rebuilt by")) {
                rebuilt = t;
            }
        }
        assertTrue(rebuilt != null, "step 3 rebuilds stage2.rev1.out");
        TensorLifetime shown = rebuilt;
        // around its life in step 3's backward: rebuilt in stage2.rev2's recompute phase, freed after the one of stage2.rev1
        long around = (rebuilt.end() - rebuilt.start()) / 3;
        long from = rebuilt.start() - around;
        long to = rebuilt.end() + around;
        WaitForAsyncUtils.asyncFx(() -> {
            window.timeline().followLiveProperty().set(false);
            window.timeline().showRange(from / 1e9, to / 1e9);
            window.tabs().getSelectionModel().select(0);
            window.editor().selectedProperty().set(9); // stage2.rev2, the coupling whose inverse rebuilt it
            window.lifetimes().select(shown);
        }).get();
        Thread.sleep(600);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(window.lifetimes().detailsProperty().get().contains("SNR"), window.lifetimes().detailsProperty().get());
        Path file = dir.resolve("reversible.png");
        WritableImage shot = WaitForAsyncUtils.asyncFx(() -> window.stage().getScene().snapshot(null)).get();
        AtomicFiles.writeStream(file, out -> ImageIO.write(SwingFXUtils.fromFXImage(shot, null), "png", out));
        WaitForAsyncUtils.asyncFx(() -> window.run().stop()).get();
        assertTrue(Files.size(file) > 10_000);
    }

    @Test
    void anOutOfCoreTraceWithItsHostLanes(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path dir = Samples.root().resolve("docs").resolve("screenshots");
        Files.createDirectories(dir);
        Path trace = tmp.resolve("out-of-core.json.gz");
        io.memscope.trainer.export.TraceFile.write(trace, OutOfCoreTrace.INFO, OutOfCoreTrace.events(6));
        MainWindowTest.waitFor(() -> window.plan().resultProperty().get() != null, 20);
        WaitForAsyncUtils.asyncFx(() -> window.openTrace(trace)).get();
        MainWindowTest.waitFor(() -> window.replay().activeProperty().get(), 20);
        WaitForAsyncUtils.asyncFx(() -> window.replay().showAll()).get();
        MainWindowTest.waitFor(() -> window.replay().isComplete(), 20);
        TimelineModel m = window.recording().timeline();
        long from = m.steps().get(2).x();
        long to = m.steps().get(4).x();
        TensorLifetime copy = null;
        for (int i = 0; i < m.hostLifetimeCount() && copy == null; i++) {
            TensorLifetime t = m.hostLifetime(i);
            if (t.name().equals("pool1.out@host") && t.start() > from) {
                copy = t;
            }
        }
        TensorLifetime shown = copy;
        WaitForAsyncUtils.asyncFx(() -> {
            window.timeline().showRange(from / 1e9, to / 1e9);
            window.tabs().getSelectionModel().select(0);
            window.lifetimes().select(shown);
        }).get();
        Thread.sleep(600);
        WaitForAsyncUtils.waitForFxEvents();
        Path file = dir.resolve("host-lane.png");
        WritableImage shot = WaitForAsyncUtils.asyncFx(() -> window.stage().getScene().snapshot(null)).get();
        AtomicFiles.writeStream(file, out -> ImageIO.write(SwingFXUtils.fromFXImage(shot, null), "png", out));
        Path picture = dir.resolve("host-lane-timeline.png");
        WaitForAsyncUtils.asyncFx(() -> window.exportPng(picture, 1600, 1000)).get();
        assertTrue(window.lifetimes().detailsProperty().get().contains("host copy of pool1.out"));
        assertTrue(Files.size(file) > 10_000);
        assertEquals(1600, ImageIO.read(picture.toFile()).getWidth());
    }

    @Test
    void aRefusedRunDrawnAsPlanned() throws Exception {
        Path dir = Samples.root().resolve("docs").resolve("screenshots");
        Files.createDirectories(dir);
        MainWindowTest.settleOnARunThatDoesNotFit(window);
        WaitForAsyncUtils.asyncFx(() -> window.run().run()).get();
        MainWindowTest.waitFor(() -> window.run().stateProperty().get() == RunState.FAILED, 60);
        WaitForAsyncUtils.asyncFx(() -> window.tabs().getSelectionModel().select(2)).get(); // the plan
        Thread.sleep(600);
        WaitForAsyncUtils.waitForFxEvents();
        Path refused = dir.resolve("refused-run.png");
        WritableImage shot = WaitForAsyncUtils.asyncFx(() -> window.stage().getScene().snapshot(null)).get();
        AtomicFiles.writeStream(refused, out -> ImageIO.write(SwingFXUtils.fromFXImage(shot, null), "png", out));
        assertTrue(Files.size(refused) > 10_000);
    }
}
