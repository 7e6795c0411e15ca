package io.memscope.visual.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.render.TimelineModel;
import io.memscope.visual.Palette;
import io.memscope.visual.SyntheticTrace;
import java.util.Map;
import javafx.scene.Scene;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

@ExtendWith(ApplicationExtension.class)
class TimelineViewTest {
    private TimelineModel.Live model;
    private TimelineView view;

    @Start
    void start(Stage stage) {
        model = new TimelineModel.Live(new TraceInfo("synthetic", "baseline", "cpu", 1, 0, Map.of()));
        view = new TimelineView(model);
        stage.setScene(new Scene(view, 900, 500));
        stage.show();
    }

    @Test
    void drawsTheStackInCategoryColours() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            model.setBudget(24 * 4096 + 8 * 65536);
            model.append(SyntheticTrace.steps(6, 8, 65536));
            view.zoomToFit();
        }).get();
        WaitForAsyncUtils.waitForFxEvents();
        WritableImage image = WaitForAsyncUtils.asyncFx(() -> view.snapshot(null, null)).get();
        assertTrue(countNear(image, Palette.of(Category.ACTIVATION)) > 500, "activation area drawn");
        assertTrue(countNear(image, Palette.of(Category.PARAMETER)) > 100, "parameter area drawn");
        assertFalse(view.followLiveProperty().get());
    }

    @Test
    void aTraceWithHostMemoryGetsAHostLaneUnderTheChart(org.testfx.api.FxRobot robot) throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            model.append(SyntheticTrace.steps(3, 4, 65536));
            view.zoomToFit();
        }).get();
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(view.hostLane().isVisible(), "no host memory, no lane");
        assertFalse(robot.lookup("#legend-host").query().isVisible());

        WaitForAsyncUtils.asyncFx(() -> {
            model.clear();
            model.append(SyntheticTrace.outOfCore(3, 4, 65536));
            view.zoomToFit();
        }).get();
        WaitForAsyncUtils.waitForFxEvents();
        TimelineModel m = model.snapshot();
        assertTrue(view.hostLane().isVisible());
        assertTrue(robot.lookup("#legend-host").query().isVisible(), "the legend names host memory");
        assertTrue(view.hostLane().getHeight() > 40, "the lane has room: " + view.hostLane().getHeight());
        assertTrue(view.hostLane().localToScene(0, 0).getY() >= view.chart().localToScene(0, 0).getY()
                + view.chart().getHeight() - 1, "the lane lies under the chart");
        var columns = view.hostLane().drawnColumns();
        long max = 0;
        for (int c = 0; c < columns.columns(); c++) {
            max = Math.max(max, columns.totalMax(c));
        }
        assertEquals(m.hostPeakBytes(), max, "the lane draws the host series' columns");
        assertEquals(3 * 65536, m.hostPeakBytes());
        long top = view.hostLane().scaleTop();
        assertTrue(top >= m.hostPeakBytes() && top < m.hostPeakBytes() * 1.2,
                "the lane's axis fits host memory, not the device: " + top);
        long deviceMax = 0;
        for (int c = 0; c < view.drawnColumns().columns(); c++) {
            deviceMax = Math.max(deviceMax, view.drawnColumns().totalMax(c));
        }
        assertEquals(m.peakBytes(), deviceMax, "the chart's stack holds device memory alone");
        WritableImage lane = WaitForAsyncUtils.asyncFx(() -> view.hostLane().snapshot(null, null)).get();
        assertTrue(countNear(lane, Palette.of(Category.HOST)) > 300, "host bytes drawn in their colour");
        WritableImage chart = WaitForAsyncUtils.asyncFx(() -> view.chart().snapshot(null, null)).get();
        assertEquals(0, countNear(chart, Palette.of(Category.HOST)), "and not in the device chart");

        var at = view.hostLane().localToScreen(view.hostLane().getWidth() * 0.4, view.hostLane().getHeight() * 0.7);
        robot.moveTo(at);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(view.readoutProperty().get().contains("Host memory"), view.readoutProperty().get());
    }

    @Test
    void theLegendShowsThePhaseKindsOfTheTrace(org.testfx.api.FxRobot robot) throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            model.append(SyntheticTrace.steps(3, 4, 1024));
            view.refresh();
        }).get();
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#legend-phase-forward").query().isVisible());
        assertTrue(robot.lookup("#legend-phase-backward").query().isVisible());
        assertFalse(robot.lookup("#legend-phase-recompute").query().isVisible(), "no recompute phase in this trace");
        assertEquals(Palette.phase("forward band 2/4 of segment 1"), Palette.phase("forward"),
                "a band's phase has its kind's colour");
        assertFalse(Palette.phase("recompute band 2/4").equals(Palette.phase("backward band 2/4")));
    }

    @Test
    void followsUntilTheUserZooms() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            model.append(SyntheticTrace.steps(10, 4, 1024));
            view.refresh();
        }).get();
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(view.followLiveProperty().get());
        double to = view.visibleTo();
        assertTrue(to >= model.snapshot().xMax() / 1e9, "the newest event is in view");
        WaitForAsyncUtils.asyncFx(() -> view.chart().getXAxis().set(0, 1e-5)).get();
        assertFalse(view.followLiveProperty().get(), "a user's zoom stops following");
        assertEquals(1e-5, view.visibleTo(), 1e-12);
    }

    static int countNear(WritableImage image, Color c) {
        PixelReader r = image.getPixelReader();
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                Color p = r.getColor(x, y);
                if (Math.abs(p.getRed() - c.getRed()) < 0.03 && Math.abs(p.getGreen() - c.getGreen()) < 0.03
                        && Math.abs(p.getBlue() - c.getBlue()) < 0.03) {
                    n++;
                }
            }
        }
        return n;
    }
}
