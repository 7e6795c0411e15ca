package io.memscope.app.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.app.MainWindow;
import io.memscope.app.network.Samples;
import io.memscope.app.task.FxBackground;
import io.memscope.trainer.export.TraceFile;
import io.memscope.trainer.render.TensorLifetime;
import io.memscope.trainer.render.TimelineModel;
import io.memscope.trainer.render.XAxis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import javafx.scene.control.Label;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** File ▸ Open PyTorch snapshot in the real window, headless. */
@ExtendWith(ApplicationExtension.class)
class SnapshotWindowTest {
    private static final Path SNAPSHOTS = Samples.root().resolve("trainer/src/test/resources/pytorch");
    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = new MainWindow(stage, new FxBackground());
        window.show();
    }

    private void open(Path file) throws Exception {
        WaitForAsyncUtils.asyncFx(() -> window.openSnapshot(file)).get();
        waitFor(() -> window.replay().activeProperty().get() && window.replay().isComplete()
                && window.recording().timeline().eventCount() > 0
                && file.getFileName().toString().startsWith(window.recording().info().network()), 30);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void theFileMenuOpensASnapshotAndTheViewsShowItsReservedMemoryStacksAndStreams(FxRobot robot,
                                                                                   @TempDir Path dir) throws Exception {
        MenuBar menus = robot.lookup(".menu-bar").queryAs(MenuBar.class);
        List<String> file = menus.getMenus().get(0).getItems().stream().map(MenuItem::getText).toList();
        int trace = file.indexOf("Open _trace\u2026 (replay)");
        assertEquals("Open P_yTorch snapshot\u2026", file.get(trace + 1), file.toString());

        open(SNAPSHOTS.resolve("v2_6_expandable_p5.pickle"));
        TimelineModel m = window.recording().timeline();
        assertEquals(14, m.eventCount());
        assertEquals(12L << 20, m.reservedPeakBytes());
        assertEquals(XAxis.TIME_NS, window.timeline().axis(), "time_us is a clock");
        assertTrue(robot.lookup("#legend-reserved").query().isVisible());
        assertTrue(robot.lookup(".timeline-peak").queryAs(Label.class).getText().contains("reserved peak 12.0 MiB"));
        assertTrue(window.recording().title().startsWith("v2_6_expandable_p5  \u00b7  PyTorch snapshot  \u00b7  cuda:0"),
                window.recording().title());

        // the optimizer's block: its stream, its frames, and that it still waits for its free
        TensorLifetime pending = IntStream.range(0, m.lifetimeCount()).mapToObj(m::lifetime)
                .filter(t -> t.pendingFreeSince().isPresent() && t.openEnd()).findFirst().orElseThrow();
        WaitForAsyncUtils.asyncFx(() -> {
            window.tabs().getSelectionModel().select(0);
            window.lifetimes().select(pending);
        }).get();
        WaitForAsyncUtils.waitForFxEvents();
        String details = robot.lookup("#lifetime-details").queryAs(Label.class).getText();
        assertTrue(details.startsWith("_single_tensor_adam (optim/adam.py:350)  \u00b7  Optimizer state  \u00b7  1.0 MiB"),
                details);
        assertTrue(details.contains("free requested "), details);
        assertTrue(details.contains("not yet free"), details);
        assertTrue(details.contains("stream 0x7a00  \u00b7  from _single_tensor_adam (optim/adam.py:350) \u2190 step "
                + "(optim/adam.py:141) \u2190 wrapper (optim/optimizer.py:280)"), details);

        // saved and opened again as a MemScope trace, it keeps its stacks and streams
        Path saved = dir.resolve("snap.json");
        WaitForAsyncUtils.asyncFx(() -> window.saveTrace(saved)).get();
        waitFor(() -> Files.exists(saved), 20);
        assertEquals(window.recording().details(), TraceFile.read(saved).details());

        // a snapshot without time_us counts trace entries along x
        open(SNAPSHOTS.resolve("v2_1_blocks_p3.pickle"));
        assertEquals(XAxis.ENTRY_ORDER, window.timeline().axis());
        assertEquals(XAxis.ENTRY_ORDER, window.recording().axis());
        assertEquals("trace entry", window.timeline().timeAxis().ticksFor(0, 15e-9, 800).title());
    }

    @Test
    void aSnapshotOfSeveralDevicesAsksWhichOne() throws Exception {
        AtomicReference<List<Integer>> offered = new AtomicReference<>();
        AtomicReference<Integer> suggested = new AtomicReference<>();
        window.setDeviceChooser((devices, busiest) -> {
            offered.set(devices.stream().map(d -> d.device()).toList());
            suggested.set(busiest);
            return Optional.of(0);
        });
        open(SNAPSHOTS.resolve("v2_2_devices_p4.pickle"));
        assertEquals(List.of(0, 1), offered.get());
        assertEquals(1, suggested.get(), "the busiest device is the one first chosen");
        assertEquals("cuda:0", window.recording().info().backend());
        assertEquals(2, window.recording().timeline().eventCount());
    }

    @Test
    void aHostileFileLeavesTheWindowAsItWasAndSaysWhy(FxRobot robot) throws Exception {
        open(SNAPSHOTS.resolve("v2_1_blocks_p3.pickle"));
        long before = window.recording().timeline().eventCount();
        WaitForAsyncUtils.asyncFx(() -> window.openSnapshot(SNAPSHOTS.resolve("hostile/global_reduce.pickle"))).get();
        Label message = robot.lookup("#message").queryAs(Label.class);
        waitFor(() -> message.getParent().isVisible(), 20);
        assertTrue(message.getText().startsWith("Could not open global_reduce.pickle: "), message.getText());
        assertTrue(message.getText().contains("opcode GLOBAL (0x63): it would import os.system"), message.getText());
        assertEquals(before, window.recording().timeline().eventCount(), "the snapshot on screen stays");
    }

    static void waitFor(Callable<Boolean> condition, int seconds) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> WaitForAsyncUtils.asyncFx(condition).get());
    }
}
