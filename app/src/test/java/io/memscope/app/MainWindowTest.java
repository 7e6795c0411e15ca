package io.memscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.app.plan.PlanResult;
import io.memscope.app.run.RunState;
import io.memscope.app.task.FxBackground;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.modes.ReversibleMode;
import io.memscope.trainer.modes.compressed.CompressedMode;
import io.memscope.trainer.render.PhaseKind;
import io.memscope.trainer.render.PngExporter;
import io.memscope.trainer.render.SvgExporter;
import io.memscope.trainer.render.TimelineColors;
import io.memscope.trainer.render.TimelineModel;
import io.memscope.trainer.render.Viewport;
import io.memscope.visual.Palette;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The real window, headless: the sample is loaded, plans, trains a few steps, draws and exports. */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {
    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = new MainWindow(stage, new FxBackground());
        window.show();
    }

    @Test
    void opensWithTheSampleReadyPlansRunsAndExports(FxRobot robot, @TempDir Path dir) throws Exception {
        assertNotNull(window.run().networkProperty().get(), "LeNet-5 is loaded");
        assertEquals("", window.run().problemProperty().get());
        Button run = robot.lookup("#run").queryAs(Button.class);
        assertFalse(run.isDisabled(), "one click on Run is all it takes");

        // The plan arrives by itself, off the UI thread.
        waitFor(() -> window.plan().resultProperty().get() != null, 20);
        assertTrue(window.plan().resultProperty().get().plan().fits());
        assertTrue(window.plan().resultProperty().get().maxBatch() > 32);

        WaitForAsyncUtils.asyncFx(() -> {
            window.run().batchProperty().set(16);
            window.run().stepsProperty().set(5);
        }).get();
        robot.clickOn("#run");
        waitFor(() -> window.run().stateProperty().get() == RunState.FINISHED
                || window.run().stateProperty().get() == RunState.FAILED, 60);
        assertEquals(RunState.FINISHED, window.run().stateProperty().get(), window.run().outcomeProperty().get());
        assertEquals(5, window.run().history().size());
        assertTrue(window.recording().timeline().eventCount() > 100, "the timeline holds the run's events");
        assertTrue(window.recording().timeline().peakBytes() > 0);
        assertTrue(window.recording().timeline().lifetimeCount() > 20);
        assertEquals(5, window.charts().points());
        // after the run the view shows its last training steps, not the evaluation it ended with
        var tm = window.recording().timeline();
        long evalStart = tm.phases().stream().filter(p -> p.name().startsWith("eval")).mapToLong(p -> p.start())
                .min().orElseThrow();
        assertFalse(window.timeline().followLiveProperty().get());
        assertTrue(window.timeline().visibleTo() * 1e9 < evalStart + (evalStart - tm.steps().get(1).x()) * 0.05,
                "view ends at " + window.timeline().visibleTo() + " s, evaluation starts at " + evalStart / 1e9);
        assertTrue(window.timeline().visibleFrom() * 1e9 <= tm.steps().get(1).x() + 1);
        WaitForAsyncUtils.asyncFx(() -> window.timeline().followLiveProperty().set(true)).get(); // the whole trace again
        waitFor(() -> window.layerTable().rows().stream().anyMatch(r -> r.measuredPeak() > 0), 20);
        assertTrue(window.layerTable().rows().stream().allMatch(r -> r.measuredPeak() < 0 || r.difference() == 0),
                "planned and measured per-layer peaks agree");

        Path png = dir.resolve("timeline.png");
        WaitForAsyncUtils.asyncFx(() -> window.exportPng(png, 1280, 720)).get();
        assertTrue(Files.exists(png));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1280, image.getWidth());
        assertEquals(720, image.getHeight());
        assertTrue(count(image, Palette.of(Category.ACTIVATION)) > 200, "activations drawn in their colour");
        assertTrue(count(image, Palette.of(Category.PARAMETER)) > 200, "parameters drawn in their colour");
        // Block outlines, a darker shade of the category, are drawn only in the tensor-lifetime panel.
        int outline = TimelineColors.darker(TimelineColors.of(Category.ACTIVATION), 0.25);
        assertTrue(count(image, Color.rgb((outline >> 16) & 0xFF, (outline >> 8) & 0xFF, outline & 0xFF)) > 200,
                "activation lifetimes drawn as outlined blocks");
        // Following the run, the whole trace: the picture `memscope export TRACE --png` draws.
        TimelineModel model = TimelineModel.of(window.recording().info(), window.recording().events());
        assertEquals(0, differing(image, PngExporter.render(model, 1280, 720, null)), "the command line's picture");

        // File ▸ Export ▸ Timeline SVG: the same picture as `memscope export TRACE --svg`, and a failure is a message.
        MenuBar menus = robot.lookup(".menu-bar").queryAs(MenuBar.class);
        Menu export = (Menu) menus.getMenus().get(0).getItems().stream()
                .filter(i -> "_Export".equals(i.getText())).findFirst().orElseThrow();
        assertEquals(List.of("Timeline PNG\u2026", "Timeline SVG\u2026", "Perfetto JSON\u2026", "MemScope trace JSON\u2026"),
                export.getItems().stream().map(MenuItem::getText).toList());
        Path svg = dir.resolve("timeline.svg");
        WaitForAsyncUtils.asyncFx(() -> window.exportSvg(svg, 1280, 720)).get();
        assertEquals(SvgExporter.render(model, 1280, 720, null), Files.readString(svg), "the command line's SVG");
        Label message = robot.lookup("#message").queryAs(Label.class);
        assertFalse(message.getParent().isVisible(), "the message bar is hidden: " + message.getText());
        Path tooSmall = dir.resolve("small.svg");
        WaitForAsyncUtils.asyncFx(() -> window.exportSvg(tooSmall, 100, 720)).get();
        assertTrue(message.getParent().isVisible(), "the message bar shows the failure");
        assertTrue(message.getText().startsWith("image width 100 px is out of range"), message.getText());
        assertFalse(Files.exists(tooSmall));
        WaitForAsyncUtils.asyncFx(() -> window.exportSvg(dir, 1280, 720)).get();
        assertTrue(message.getText().startsWith("file error: "), message.getText());

        // Zoomed in on step 2, the export shows step 2.
        long from = model.steps().get(2).x();
        long to = model.steps().get(3).x();
        WaitForAsyncUtils.asyncFx(() -> window.timeline().showRange(from / 1e9, to / 1e9)).get();
        Path zoomedPng = dir.resolve("step2.png");
        WaitForAsyncUtils.asyncFx(() -> window.exportPng(zoomedPng, 1280, 720)).get();
        BufferedImage zoomed = ImageIO.read(zoomedPng.toFile());
        int pixels = 1280 * 720;
        int offStep2 = differing(zoomed, PngExporter.render(model, 1280, 720, new Viewport(from, to)));
        assertTrue(offStep2 < pixels / 500, offStep2 + " pixels differ from step 2's picture");
        assertTrue(differing(zoomed, image) > pixels / 20, "the zoomed export is not the whole trace");

        // Save the run's trace, then replay it without training: the same events come back on screen.
        long recorded = window.recording().timeline().eventCount();
        Path trace = dir.resolve("run.json.gz");
        WaitForAsyncUtils.asyncFx(() -> window.saveTrace(trace)).get();
        waitFor(() -> Files.exists(trace), 20);
        WaitForAsyncUtils.asyncFx(() -> window.openTrace(trace)).get();
        waitFor(() -> window.replay().activeProperty().get(), 20);
        assertEquals(0, window.recording().timeline().eventCount(), "a replay starts empty, ready to play");
        WaitForAsyncUtils.asyncFx(() -> window.replay().showAll()).get();
        waitFor(() -> window.replay().isComplete(), 20);
        assertEquals(recorded, window.recording().timeline().eventCount());
    }

    @Test
    void replayingATraceWithHostMemoryShowsTheHostLanes(FxRobot robot, @TempDir Path dir) throws Exception {
        assertFalse(window.timeline().hostLane().isVisible(), "no host lane before a trace with host memory");
        Path trace = dir.resolve("out-of-core.json.gz");
        io.memscope.trainer.export.TraceFile.write(trace, OutOfCoreTrace.INFO, OutOfCoreTrace.events(3));
        WaitForAsyncUtils.asyncFx(() -> window.openTrace(trace)).get();
        waitFor(() -> window.replay().activeProperty().get(), 20);
        WaitForAsyncUtils.asyncFx(() -> window.replay().showAll()).get();
        waitFor(() -> window.replay().isComplete(), 20);
        WaitForAsyncUtils.asyncFx(() -> window.timeline().zoomToFit()).get();
        WaitForAsyncUtils.waitForFxEvents();

        TimelineModel m = window.recording().timeline();
        assertTrue(m.hasHostEvents());
        assertTrue(m.hostPeakBytes() > 1L << 20, "host peak " + m.hostPeakBytes());
        assertTrue(window.timeline().hostLane().isVisible(), "the host lane shows under the memory chart");
        assertTrue(robot.lookup("#legend-host").query().isVisible());
        assertTrue(robot.lookup(".timeline-peak").queryAs(Label.class).getText().contains("host peak "));
        var lane = WaitForAsyncUtils.asyncFx(() -> window.timeline().hostLane().snapshot(null, null)).get();
        assertTrue(countNear(lane, Palette.of(Category.HOST)) > 500, "host bytes drawn in the lane");
        assertTrue(window.lifetimes().hostLaneVisible(), "and the lifetime view has its host lane");

        // a host block's details say whose copy it is; the tensor's say when it went to the host
        var copy = m.hostLifetime(0);
        WaitForAsyncUtils.asyncFx(() -> {
            window.tabs().getSelectionModel().select(0);
            window.lifetimes().select(copy);
        }).get();
        WaitForAsyncUtils.waitForFxEvents();
        String details = robot.lookup("#lifetime-details").queryAs(Label.class).getText();
        assertTrue(details.startsWith("conv1.out@host  \u00b7  host copy of conv1.out  \u00b7  "), details);
        var conv1 = m.lifetime(java.util.stream.IntStream.range(0, m.lifetimeCount())
                .filter(i -> m.lifetime(i).name().equals("conv1.out")).findFirst().orElseThrow());
        assertTrue(window.lifetimes().describe(conv1).contains("swapped out to host "),
                window.lifetimes().describe(conv1));

        // the export draws the host lane too: the command line's picture, host colour under the device chart
        Path png = dir.resolve("host.png");
        WaitForAsyncUtils.asyncFx(() -> window.exportPng(png, 1280, 720)).get();
        BufferedImage image = ImageIO.read(png.toFile());
        TimelineModel model = TimelineModel.of(window.recording().info(), window.recording().events());
        assertEquals(0, differing(image, PngExporter.render(model, 1280, 720, null)), "the command line's picture");
        assertTrue(count(image, Palette.of(Category.HOST)) > 2000, "the host lane in the exported picture");
    }

    /** Pixels of a JavaFX snapshot within a few levels of {@code c}. */
    static int countNear(javafx.scene.image.Image image, Color c) {
        var reader = image.getPixelReader();
        int n = 0;
        for (int y = 0; y < (int) image.getHeight(); y++) {
            for (int x = 0; x < (int) image.getWidth(); x++) {
                Color p = reader.getColor(x, y);
                if (Math.abs(p.getRed() - c.getRed()) < 0.03 && Math.abs(p.getGreen() - c.getGreen()) < 0.03
                        && Math.abs(p.getBlue() - c.getBlue()) < 0.03) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void aRefusedRunDrawsItsPlannedStepCrossingTheBudget(FxRobot robot) throws Exception {
        settleOnARunThatDoesNotFit(window);
        robot.clickOn("#run");
        waitFor(() -> window.run().stateProperty().get() == RunState.FAILED, 60);

        var m = window.recording().timeline();
        assertEquals("meta (planned)", window.recording().info().backend());
        assertEquals(2L << 20, m.info().budgetBytes());
        assertTrue(m.peakBytes() > m.info().budgetBytes(), "the planned step crosses the budget line: " + m.peakBytes());
        assertEquals(1, m.ooms().size());
        assertEquals("relu1.out", m.ooms().get(0).tensorName());
        assertTrue(window.recording().timeline().lifetimeCount() > 20, "the planned tensors' lifetimes are drawn");
        assertTrue(window.run().outcomeProperty().get().contains("Batch 22 fits"), window.run().outcomeProperty().get());

        // each suggestion is a button that sets the controls
        List<String> offered = robot.lookup("#apply-advice .button").queryAllAs(Button.class).stream()
                .map(Button::getText).toList();
        assertEquals("Batch 22", offered.get(0), offered.toString());
        assertTrue(offered.stream().anyMatch(t -> t.startsWith("Row-centric mode, Bands ")), offered.toString());
        assertTrue(offered.get(offered.size() - 1).startsWith("Budget "), offered.toString());
        robot.clickOn("Row-centric mode" + offered.stream().filter(t -> t.startsWith("Row-centric mode")).findFirst()
                .orElseThrow().substring("Row-centric mode".length()));
        assertEquals("row-centric", window.run().modeProperty().get().id());
        assertEquals(44, window.run().batchProperty().get(), "the batch stays");
        waitFor(() -> window.plan().resultProperty().get() != null
                && window.plan().resultProperty().get().plan().program().mode().equals("row-centric")
                && window.plan().resultProperty().get().batch() == 44, 20);
        assertTrue(window.plan().resultProperty().get().plan().fits(), "what was offered fits");
        WaitForAsyncUtils.asyncFx(() -> window.run().modeProperty().set(
                io.memscope.trainer.modes.Modes.get("baseline"))).get();

        // the Plan tab's button draws a plan that fits just the same
        WaitForAsyncUtils.asyncFx(() -> window.run().batchProperty().set(8)).get();
        waitFor(() -> window.plan().resultProperty().get() != null && window.plan().resultProperty().get().batch() == 8,
                20);
        WaitForAsyncUtils.asyncFx(() -> window.showPlanned(window.plan().resultProperty().get().plan())).get();
        assertTrue(window.recording().timeline().ooms().isEmpty());
        assertTrue(window.recording().timeline().peakBytes() <= 2L << 20);
    }

    @Test
    void aReversibleRunRebuildsItsInputsAndTheWindowSaysWhichAndHowWell(FxRobot robot) throws Exception {
        settleOnAReversibleRun(window, "revnet38.json", 8, 3);
        PlanResult planned = window.plan().resultProperty().get();
        assertEquals(15, planned.reversibility().invertedLayers().size());

        // the Plan tab: the count, one marker per layer, and why the others keep their input
        WaitForAsyncUtils.asyncFx(() -> window.tabs().getSelectionModel().select(2)).get();
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("15 of 21 layers rebuild their input from their output in backward.",
                robot.lookup("#plan-reversible-summary").queryAs(Label.class).getText());
        assertEquals(21, robot.lookup("#plan-layer-markers .layer-marker").queryAll().size());
        assertEquals(15, robot.lookup("#plan-layer-markers .rebuilt").queryAll().size());
        Label conv1 = robot.lookup("#plan-layer-markers .kept").queryAllAs(Label.class).stream()
                .filter(l -> l.getText().equals("conv1")).findFirst().orElseThrow();
        assertEquals("conv1 (conv2d) keeps its input for backward: conv2d is not invertible",
                conv1.getTooltip().getText());
        List<String> kept = robot.lookup("#plan-kept .label").queryAllAs(Label.class).stream().map(Label::getText)
                .toList();
        assertEquals("conv1, stage2.down, stage3.down: conv2d is not invertible", kept.get(0), kept.toString());

        robot.clickOn("#run");
        waitFor(() -> window.run().stateProperty().get() == RunState.FINISHED
                || window.run().stateProperty().get() == RunState.FAILED, 120);
        assertEquals(RunState.FINISHED, window.run().stateProperty().get(), window.run().outcomeProperty().get());
        TimelineModel m = window.recording().timeline();
        assertTrue(m.phases().stream().filter(p -> p.kind() == PhaseKind.RECOMPUTE).count() >= 3 * 15,
                "each step rebuilds 15 inputs in recompute phases");
        // measured at the first step and the last, handed over by the frame loop
        var latest = window.recording().reconstructions().latestByLayer();
        assertEquals(planned.reversibility().invertedLayers().stream().sorted().toList(),
                latest.keySet().stream().sorted().toList());
        assertTrue(latest.values().stream().allMatch(r -> r.step() == 2 && r.snrDb() > 60), latest.toString());

        // the rebuilt block of stage1.rev2's output says which inverse rebuilt it, and how well
        int rebuilt = -1;
        for (int i = 0; i < m.lifetimeCount() && rebuilt < 0; i++) {
            var t = m.lifetime(i);
            var at = m.phasesIn(t.start(), t.start());
            if (t.name().equals("stage1.rev2.out") && at.get(at.size() - 1).kind() == PhaseKind.RECOMPUTE) {
                rebuilt = i;
            }
        }
        assertTrue(rebuilt >= 0, "stage1.rev2.out is rebuilt in a recompute phase");
        var block = m.lifetime(rebuilt);
        WaitForAsyncUtils.asyncFx(() -> {
            window.tabs().getSelectionModel().select(0);
            window.lifetimes().select(block);
        }).get();
        WaitForAsyncUtils.waitForFxEvents();
        String details = robot.lookup("#lifetime-details").queryAs(Label.class).getText();
        assertTrue(details.matches("(?s)stage1\\.rev2\\.out .*\\n.* step 1  \u00b7  rebuilt by stage1\\.rev3's inverse  "
                + "\u00b7  SNR \\d+\\.\\d dB, max error \\d\\.\\de-\\d\\d \\(measured at step 1\\)"), details);
        // its forward block, freed after forward, was not rebuilt
        int forward = m.lifetimeCount() - 1;
        for (int i = 0; i < m.lifetimeCount(); i++) {
            if (m.lifetime(i).name().equals("stage1.rev2.out")) {
                forward = i;
                break;
            }
        }
        assertFalse(window.lifetimes().describe(forward).contains("rebuilt"), window.lifetimes().describe(forward));

        // the Layers tab: rebuilt or kept, and the latest SNR of what each inverse rebuilt
        WaitForAsyncUtils.asyncFx(() -> window.tabs().getSelectionModel().select(1)).get();
        waitFor(() -> window.layerTable().rows().stream().anyMatch(r -> r.measuredPeak() > 0), 20);
        var rows = window.layerTable().rows();
        var rev3 = rows.stream().filter(r -> r.layer().equals("stage1.rev3")).findFirst().orElseThrow();
        assertTrue(rev3.reversible().inverted());
        assertEquals(latest.get("stage1.rev3"), rev3.rebuilt());
        var fc = rows.stream().filter(r -> r.layer().equals("fc")).findFirst().orElseThrow();
        assertFalse(fc.reversible().inverted());
        assertEquals(null, fc.rebuilt());
        var columns = window.layerTable().table().getColumns();
        assertTrue(columns.stream().filter(c -> List.of("Input", "SNR").contains(c.getText()))
                .allMatch(javafx.scene.control.TableColumn::isVisible), "the reversible columns show");
        assertTrue(robot.lookup("#layer-table .input-rebuilt").queryAll().size() > 0);
        assertTrue(rows.stream().allMatch(r -> r.measuredPeak() < 0 || r.difference() == 0),
                "planned and measured per-layer peaks agree in reversible mode too");

        // the log has a line per measured step
        var log = robot.lookup("#log").queryAs(javafx.scene.control.ListView.class);
        assertTrue(log.getItems().stream().anyMatch(l -> l.toString().contains("Step 3: 15 tensors rebuilt by inverses; "
                + "worst SNR ")), log.getItems().toString());

        // back in baseline mode, the table has no reversible columns
        WaitForAsyncUtils.asyncFx(() -> window.run().modeProperty().set(window.run().modes().get(0))).get();
        waitFor(() -> window.plan().resultProperty().get() != null
                && window.plan().resultProperty().get().reversibility() == null, 20);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(columns.stream().filter(c -> List.of("Input", "SNR").contains(c.getText()))
                .noneMatch(javafx.scene.control.TableColumn::isVisible));
    }

    @Test
    void aCompressedRunHoldsWhatBackwardReadsCompressedAndPeaksBelowBaseline(FxRobot robot) throws Exception {
        // the same settings in baseline mode first: its measured peak is the one to beat
        long baseline = runToTheEnd(window, "vgg_small.json", "baseline", 16, 2);
        long compressedPeak = runToTheEnd(window, "vgg_small.json", CompressedMode.ID, 16, 2);
        assertTrue(compressedPeak < baseline, "compressed " + compressedPeak + " B, baseline " + baseline + " B");

        TimelineModel m = window.recording().timeline();
        assertTrue(m.allocatedBytes(Category.COMPRESSED) > 0, "the streams are COMPRESSED blocks");
        long[] heldCompressed = {0};
        m.forEachSegment(m.xMin(), m.xMax(), (start, end, offset, bytes, category, state) -> {
            if (state == io.memscope.trainer.render.LifetimeState.COMPRESSED) {
                heldCompressed[0]++;
            }
        });
        assertTrue(heldCompressed[0] > 0, "tensors are drawn held compressed between forward and backward");
        // the plan said so before the run, and the log says what was compressed after it
        PlanResult planned = window.plan().resultProperty().get();
        assertTrue(planned.note().contains("calibration step"), planned.note());
        var log = robot.lookup("#log").queryAs(javafx.scene.control.ListView.class);
        assertTrue(log.getItems().stream().anyMatch(l -> l.toString().matches("(?s).*Step 2: \\d+ tensors: .+ held as "
                + ".+ \\(\\d+\\.\\dx smaller\\), error bounds? .*")), log.getItems().toString());
    }

    /** Opens a sample in a mode, runs it for a few steps and returns the run's measured peak. */
    static long runToTheEnd(MainWindow window, String sample, String mode, int batch, int steps) throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            window.editor().openSample(sample);
            window.run().modeProperty().set(window.run().modes().stream().filter(x -> x.id().equals(mode))
                    .findFirst().orElseThrow());
            window.run().batchProperty().set(batch);
            window.run().stepsProperty().set(steps);
        }).get();
        waitFor(() -> window.plan().resultProperty().get() != null
                && window.plan().resultProperty().get().plan().program().mode().equals(mode)
                && window.plan().resultProperty().get().batch() == batch, 30);
        WaitForAsyncUtils.asyncFx(() -> window.run().run()).get();
        waitFor(() -> window.run().stateProperty().get() == RunState.FINISHED
                || window.run().stateProperty().get() == RunState.FAILED, 120);
        assertEquals(RunState.FINISHED, window.run().stateProperty().get(), window.run().outcomeProperty().get());
        return window.recording().timeline().peakBytes();
    }

    @Test
    void budgetPresetsTheHeapCannotHoldSayWhyInTheList(FxRobot robot) throws Exception {
        WaitForAsyncUtils.asyncFx(() -> window.run().maxDeviceBytesProperty().set(1L << 30)).get();
        robot.clickOn("#budget .arrow-button");
        WaitForAsyncUtils.waitForFxEvents();
        var unavailable = robot.lookup(".preset-unavailable").queryAllAs(javafx.scene.control.ListCell.class);
        List<String> texts = unavailable.stream().map(c -> c.getText()).sorted().toList();
        assertEquals(List.of("2 GiB  \u2014 too large here", "4 GiB  \u2014 too large here",
                "8 GiB  \u2014 too large here"), texts);
        assertTrue(unavailable.iterator().next().getTooltip().getText().contains("Java heap")
                || unavailable.iterator().next().getTooltip().getText().contains("8 GiB"));
        robot.type(javafx.scene.input.KeyCode.ESCAPE);
    }

    @Test
    void anEventIndexAxisCountsEventsInEveryViewAndInTheExport(@TempDir Path dir) throws Exception {
        MainWindowTest.waitFor(() -> window.plan().resultProperty().get() != null, 20);
        var plan = window.plan().resultProperty().get().plan();
        WaitForAsyncUtils.asyncFx(() -> window.showPlanned(plan)).get();
        int events = plan.timeline().size();
        long timeSpan = window.recording().timeline().xMax() - window.recording().timeline().xMin();

        WaitForAsyncUtils.asyncFx(() -> window.setAxis(io.memscope.trainer.render.XAxis.EVENT_INDEX)).get();
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(events - 1, window.recording().timeline().xMax(), "x is the event number");
        assertEquals(events, window.recording().timeline().eventCount());
        String[] labels = window.timeline().timeAxis().tickLabels();
        assertTrue(labels.length > 1, java.util.Arrays.toString(labels));
        assertEquals(window.timeline().timeAxis().getName(), window.lifetimes().timeTicks().title());
        assertTrue(window.timeline().timeAxis().getName().contains("event"), window.timeline().timeAxis().getName());

        Path png = dir.resolve("events.png");
        WaitForAsyncUtils.asyncFx(() -> window.exportPng(png, 1280, 720)).get();
        TimelineModel byEvent = TimelineModel.of(window.recording().info(), window.recording().events(),
                io.memscope.trainer.render.XAxis.EVENT_INDEX);
        assertEquals(0, differing(ImageIO.read(png.toFile()), PngExporter.render(byEvent, 1280, 720, null)),
                "the export counts events too");

        WaitForAsyncUtils.asyncFx(() -> window.setAxis(io.memscope.trainer.render.XAxis.TIME_NS)).get();
        assertEquals(timeSpan, window.recording().timeline().xMax() - window.recording().timeline().xMin(),
                "back on the time axis, the times return");
    }

    @Test
    void smallThingsReadRight(FxRobot robot) {
        // sample names keep their underscores; the loss axis has no empty unit; developer timings stay hidden
        var menuItems = robot.lookup(".menu-bar").queryAs(javafx.scene.control.MenuBar.class).getMenus().get(0)
                .getItems();
        var samples = (javafx.scene.control.Menu) menuItems.stream().filter(i -> "Open _sample".equals(i.getText()))
                .findFirst().orElseThrow();
        assertTrue(samples.getItems().stream().anyMatch(i -> i.getText().equals("vgg_small") && !i.isMnemonicParsing()));
        var y = (io.fair_acc.chartfx.axes.spi.DefaultNumericAxis) window.charts().lossChart().getYAxis();
        assertEquals("Loss", y.getName());
        assertTrue(y.getUnit() == null, "no unit, so no \"Loss []\"");
        assertTrue(robot.lookup(".status-bar .label").queryAll().stream()
                .filter(javafx.scene.Node::isVisible).noneMatch(n -> ((javafx.scene.control.Label) n).getText()
                        .contains("frame ")));
        // a disabled Run still says why: its slot carries the tooltip
        var slot = robot.lookup("#run-slot").query();
        var tip = (javafx.scene.control.Tooltip) slot.getProperties().get("javafx.scene.control.Tooltip");
        assertNotNull(tip, "the slot around Run has a tooltip");
        assertEquals(robot.lookup("#run").queryAs(Button.class).getTooltip().getText(), tip.getText());
    }

    static int differing(BufferedImage a, BufferedImage b) {
        int n = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if ((a.getRGB(x, y) & 0xFFFFFF) != (b.getRGB(x, y) & 0xFFFFFF)) {
                    n++;
                }
            }
        }
        return n;
    }

    static int count(BufferedImage image, Color c) {
        int r = (int) Math.round(c.getRed() * 255);
        int g = (int) Math.round(c.getGreen() * 255);
        int b = (int) Math.round(c.getBlue() * 255);
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                if (Math.abs(((p >> 16) & 255) - r) < 8 && Math.abs(((p >> 8) & 255) - g) < 8 && Math.abs((p & 255) - b) < 8) {
                    n++;
                }
            }
        }
        return n;
    }

    /** LeNet-5 at batch 44 in 2 MiB, baseline: set, and planned (it does not fit), so Run will be refused. */
    static void settleOnARunThatDoesNotFit(MainWindow window) throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            window.run().batchProperty().set(44);
            window.run().budgetTextProperty().set("2 MiB");
        }).get();
        waitFor(() -> window.plan().resultProperty().get() != null
                && window.plan().resultProperty().get().batch() == 44
                && !window.plan().resultProperty().get().plan().fits(), 20);
    }

    /** A sample in reversible mode at a small batch for a few steps: set, and planned. */
    static void settleOnAReversibleRun(MainWindow window, String sample, int batch, int steps) throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            window.editor().openSample(sample);
            window.run().modeProperty().set(window.run().modes().stream()
                    .filter(m -> m.id().equals(ReversibleMode.ID)).findFirst().orElseThrow());
            window.run().batchProperty().set(batch);
            window.run().stepsProperty().set(steps);
        }).get();
        waitFor(() -> window.plan().resultProperty().get() != null
                && window.plan().resultProperty().get().reversibility() != null
                && window.plan().resultProperty().get().batch() == batch, 20);
    }

    static void waitFor(Callable<Boolean> condition, int seconds) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> WaitForAsyncUtils.asyncFx(condition).get());
    }
}
