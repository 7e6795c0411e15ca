package io.memscope.visual.lifetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.render.TensorLifetime;
import io.memscope.trainer.render.TimelineModel;
import io.memscope.visual.SyntheticTrace;
import java.util.Map;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Hovering a block tells about its tensor in two lines, with what the window knows beyond the trace. */
@ExtendWith(ApplicationExtension.class)
class LifetimeViewTest {
    private TimelineModel.Live model;
    private LifetimeView view;

    @Start
    void start(Stage stage) {
        model = new TimelineModel.Live(new TraceInfo("synthetic", "baseline", "cpu", 1, 0, Map.of()));
        view = new LifetimeView(model);
        stage.setScene(new Scene(view, 900, 400));
        stage.show();
    }

    @Test
    void hoverShowsTheTensorAndWhatTheResolversAdd(FxRobot robot) throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            model.append(SyntheticTrace.steps(2, 4, 1 << 20));
            TimelineModel m = model.snapshot();
            view.setTimeRange(m.xMin() / 1e9, m.xMax() / 1e9);
            view.setShapeResolver(name -> name.endsWith(".out") ? "1x4x16x16" : "");
            view.setDetailResolver(t -> t.name().equals("layer2.out") ? "rebuilt by layer3's inverse" : "");
        }).get();
        WaitForAsyncUtils.waitForFxEvents();
        TimelineModel m = view.model();
        TensorLifetime rebuilt = null;
        TensorLifetime other = null;
        for (int i = 0; i < m.lifetimeCount(); i++) {
            TensorLifetime t = m.lifetime(i);
            if (t.name().equals("layer2.out") && rebuilt == null) {
                rebuilt = t;
            } else if (t.name().equals("layer1.out") && other == null) {
                other = t;
            }
        }
        TensorLifetime target = rebuilt;
        robot.moveTo(view.localToScreen(view.centerOf(target)));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(target, view.hoveredProperty().get());
        String[] lines = view.detailsProperty().get().split("\n");
        assertEquals(2, lines.length, view.detailsProperty().get());
        assertTrue(lines[0].startsWith("layer2.out  \u00b7  layer layer2  \u00b7  Activations  \u00b7  1x4x16x16  \u00b7  1.0 MiB at +"),
                lines[0]);
        assertTrue(lines[1].matches("alloc .*, free .*  \u00b7  step 1  \u00b7  rebuilt by layer3's inverse"), lines[1]);

        TensorLifetime plain = other;
        robot.moveTo(view.localToScreen(view.centerOf(plain)));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(view.detailsProperty().get().endsWith("step 1"), view.detailsProperty().get());

        // a selection keeps its details after the cursor leaves, and follows what the resolver learns later
        WaitForAsyncUtils.asyncFx(() -> {
            view.select(target);
            view.setDetailResolver(t -> t == target ? "measured" : "");
        }).get();
        robot.moveTo(view.localToScreen(2, 2));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(view.detailsProperty().get().endsWith("step 1  \u00b7  measured"), view.detailsProperty().get());
    }

    @Test
    void aBlockPendingFreeIsDrawnPalerAndSaysWhenItsFreeWasRequested(FxRobot robot) throws Exception {
        long mib = 1 << 20;
        java.util.List<io.memscope.trainer.memory.MemoryEvent> events = java.util.List.of(
                event(0, 0, io.memscope.trainer.memory.Action.ALLOC, 0, 4 * mib),
                event(1, 1_000_000, io.memscope.trainer.memory.Action.FREE_REQUESTED, 0, 4 * mib),
                event(2, 9_000_000, io.memscope.trainer.memory.Action.FREE, 0, 4 * mib),
                event(3, 10_000_000, io.memscope.trainer.memory.Action.ALLOC, 1, mib));
        WaitForAsyncUtils.asyncFx(() -> {
            model.append(events);
            view.setTimeRange(0, 0.01);
        }).get();
        WaitForAsyncUtils.waitForFxEvents();
        TensorLifetime block = view.model().lifetime(0);
        String life = view.describe(block).split("\n")[1];
        assertTrue(life.matches("alloc 0.* ms, free requested 1.* ms, free 9.* ms"), life);
        // sampled in the middle of the stretch pending free: the category's paler shade
        var at = view.localToScreen(view.centerOf(block).getX() + 150, view.centerOf(block).getY());
        var image = WaitForAsyncUtils.asyncFx(() -> view.snapshot(null, null)).get();
        var local = view.screenToLocal(at);
        javafx.scene.paint.Color c = image.getPixelReader().getColor((int) local.getX(), (int) local.getY());
        javafx.scene.paint.Color pale = io.memscope.visual.Palette.pendingFree(io.memscope.trainer.memory.Category.ACTIVATION);
        assertTrue(Math.abs(c.getRed() - pale.getRed()) < 0.03 && Math.abs(c.getGreen() - pale.getGreen()) < 0.03,
                "pixel " + c + ", pending free is " + pale);
    }

    private static io.memscope.trainer.memory.MemoryEvent event(long seq, long ns,
                                                                io.memscope.trainer.memory.Action a, long id,
                                                                long bytes) {
        return new io.memscope.trainer.memory.MemoryEvent(seq, ns, a, id, "t" + id, "",
                io.memscope.trainer.memory.Category.ACTIVATION, 0, bytes, -1, "", -1, -1, -1);
    }

    @Test
    void hostCopiesHaveALaneOfTheirOwnAndSayWhoseCopyTheyAre(FxRobot robot) throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            model.append(SyntheticTrace.outOfCore(2, 4, 1 << 20));
            TimelineModel m = model.snapshot();
            view.setTimeRange(m.xMin() / 1e9, m.xMax() / 1e9);
            view.setShapeResolver(name -> name.equals("layer1.out") ? "1x4x16x16" : "");
        }).get();
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(view.hostLaneVisible());
        TimelineModel m = view.model();
        TensorLifetime copy = null;
        for (int i = 0; i < m.hostLifetimeCount() && copy == null; i++) {
            if (m.hostLifetime(i).name().equals("layer1.out@host")) {
                copy = m.hostLifetime(i);
            }
        }
        TensorLifetime hostCopy = copy;
        var device = view.centerOf(m.lifetime(4)); // a parameter block: the device plot
        var host = view.centerOf(hostCopy);
        assertTrue(host.getY() > device.getY(), "the host lane lies under the device addresses");
        robot.moveTo(view.localToScreen(host));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(hostCopy, view.hoveredProperty().get());
        String[] lines = view.detailsProperty().get().split("\n");
        assertTrue(lines[0].startsWith("layer1.out@host  \u00b7  host copy of layer1.out  \u00b7  layer layer1  \u00b7  "
                + "Host memory  \u00b7  1x4x16x16  \u00b7  1.0 MiB at host +1.0 MiB"), lines[0]);

        TensorLifetime swapped = null;
        TensorLifetime freedWhileOut = null;
        for (int i = 0; i < m.lifetimeCount(); i++) {
            TensorLifetime t = m.lifetime(i);
            if (t.name().equals("layer1.out") && swapped == null) {
                swapped = t;
            } else if (t.name().equals("layer0.out") && t.wasSwappedOut()) {
                freedWhileOut = t;
            }
        }
        assertTrue(view.describe(swapped).split("\n")[1].matches("alloc .*, free .*, swapped out to host .*, back .*"),
                view.describe(swapped));
        assertTrue(view.describe(freedWhileOut).contains(", freed there"), view.describe(freedWhileOut));
    }
}
