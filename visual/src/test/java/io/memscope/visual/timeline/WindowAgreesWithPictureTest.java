package io.memscope.visual.timeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.render.Aggregate;
import io.memscope.trainer.render.Canvas2D;
import io.memscope.trainer.render.TimelineColors;
import io.memscope.trainer.render.TimelineModel;
import io.memscope.trainer.render.TimelinePainter;
import io.memscope.trainer.render.Viewport;
import io.memscope.visual.SyntheticTrace;
import io.memscope.visual.lifetime.LifetimeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javafx.scene.Scene;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The window's memory chart, its lifetime view and the exported picture read the same trace alike: time counts
 * from the first event, in the same unit, with the same tick labels for the same range.
 */
@ExtendWith(ApplicationExtension.class)
class WindowAgreesWithPictureTest {
    /** The recorder's clock read half a second when the first event came. */
    private static final long FIRST_NS = 500_000_000L;
    private static final int WIDTH = 900;

    private final List<MemoryEvent> events = shifted(SyntheticTrace.steps(10, 8, 65536));
    private TimelineModel.Live model;
    private TimelineView view;
    private LifetimeView lifetimes;

    @Start
    void start(Stage stage) {
        model = new TimelineModel.Live(new TraceInfo("synthetic", "baseline", "cpu", 1, 0, Map.of()));
        view = new TimelineView(model);
        lifetimes = new LifetimeView(model);
        lifetimes.setPrefHeight(200);
        stage.setScene(new Scene(new VBox(view, lifetimes), WIDTH, 700));
        stage.show();
    }

    @Test
    void theWindowCountsTimeFromTheFirstEventAsThePictureDoes() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            model.append(events);
            view.zoomToFit();
        }).get();
        WaitForAsyncUtils.waitForFxEvents();
        WaitForAsyncUtils.asyncFx(() -> lifetimes.setTimeRange(view.visibleFrom(), view.visibleTo())).get();
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals(FIRST_NS / 1e9, view.visibleFrom(), 1e-12, "ranges stay seconds of the trace's clock");
        String[] window = WaitForAsyncUtils.asyncFx(() -> view.timeAxis().tickLabels()).get();
        assertEquals(0.0, Double.parseDouble(window[0]), "the chart's time starts at 0, not at 0.5 s: " + window[0]);
        assertEquals("time (ms)", view.timeAxis().getName());

        // The picture of the same range, as File > Export > Timeline PNG converts it.
        Viewport viewport = new Viewport((long) Math.floor(view.visibleFrom() * 1e9),
                (long) Math.ceil(view.visibleTo() * 1e9));
        io.memscope.trainer.render.TimelineModel picture = io.memscope.trainer.render.TimelineModel.of(
                new TraceInfo("synthetic", "baseline", "cpu", 1, 0, Map.of()), events);
        Labels drawn = new Labels();
        new TimelinePainter(picture).paint(drawn, WIDTH, 500, viewport);
        assertEquals("time (ms)", drawn.title);
        assertTrue(drawn.ticks.size() >= 4, "the picture labels its axis: " + drawn.ticks);
        assertArrayEquals(drawn.ticks.toArray(String[]::new), window, "window and picture label the axis alike");

        assertArrayEquals(window, lifetimes.timeTicks().labels(), "the lifetime view labels time as the chart");
        assertEquals("time (ms)", lifetimes.timeTicks().title());
    }

    @Test
    void theReadoutAndTheTensorDetailsCountFromTheFirstEvent() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            model.append(events);
            view.zoomToFit();
        }).get();
        WaitForAsyncUtils.waitForFxEvents();
        String readout = WaitForAsyncUtils.asyncFx(() -> {
            view.updateReadout(view.timeAxis().getDisplayPosition(view.visibleFrom()) + 0.5);
            return view.readoutProperty().get();
        }).get();
        assertTrue(readout.startsWith("t = 0.0"), readout);
        assertTrue(readout.contains(" ms "), readout);

        WaitForAsyncUtils.asyncFx(() -> lifetimes.setTimeRange(view.visibleFrom(), view.visibleTo())).get();
        WaitForAsyncUtils.waitForFxEvents();
        String first = WaitForAsyncUtils.asyncFx(() -> lifetimes.describe(0)).get();
        assertTrue(first.contains("alloc 0.0") && first.contains(" ms, "), first);
    }

    @Test
    void theChartDrawsTheModelThePictureIsDrawnFrom() throws Exception {
        List<MemoryEvent> trace = new ArrayList<>(events);
        MemoryEvent last = trace.get(trace.size() - 1);
        trace.add(SyntheticTrace.oom(last.seq() + 1, last.timeNs() + 5_000, "big.out", 1 << 20, 500, 400));
        WaitForAsyncUtils.asyncFx(() -> {
            model.append(trace);
            view.zoomToFit();
        }).get();
        WaitForAsyncUtils.waitForFxEvents();
        WaitForAsyncUtils.asyncFx(() -> view.chart().drawNow()).get();
        Aggregate drawn = WaitForAsyncUtils.asyncFx(() -> view.drawnColumns()).get();
        assertNotNull(drawn, "the chart drew");
        assertTrue(drawn.columns() > WIDTH / 2 && drawn.columns() <= WIDTH, "a column per pixel: " + drawn.columns());

        TimelineModel shown = view.model();
        assertSame(model.snapshot(), shown, "the chart reads the live model's snapshot, not a copy of its own");
        assertSame(shown, lifetimes.model(), "the lifetime view reads the same snapshot");
        TimelineModel picture = TimelineModel.of(new TraceInfo("synthetic", "baseline", "cpu", 1, 0, Map.of()),
                trace);
        Aggregate expected = picture.aggregate(drawn.x0(), drawn.x1(), drawn.columns());
        for (int c = 0; c < drawn.columns(); c++) {
            for (int k = 0; k < TimelineModel.STACK_ORDER.size(); k++) {
                assertEquals(expected.stackedMax(c, k), drawn.stackedMax(c, k), "column " + c + ", level " + k);
                assertEquals(expected.stackedMin(c, k), drawn.stackedMin(c, k), "column " + c + ", level " + k);
            }
        }
        assertEquals(picture.peakBytes(), shown.peakBytes());
        assertEquals(picture.peakX(), shown.peakX());
        assertEquals(picture.steps(), shown.steps());
        assertEquals(picture.phases(), shown.phases());
        assertEquals(picture.ooms(), shown.ooms());
        assertEquals(1, shown.ooms().size());
        assertTrue(OomText.of(shown.ooms().get(0)).contains("requested 1.0 MiB"), OomText.of(shown.ooms().get(0)));
    }

    /** The trace with its clock starting at {@link #FIRST_NS} and 5 µs between events. */
    private static List<MemoryEvent> shifted(List<MemoryEvent> in) {
        List<MemoryEvent> out = new ArrayList<>();
        for (MemoryEvent e : in) {
            out.add(new MemoryEvent(e.seq(), FIRST_NS + e.seq() * 5_000, e.action(), e.tensorId(), e.tensorName(),
                    e.layer(), e.category(), e.offset(), e.bytes(), e.step(), e.phase(), e.requestedBytes(),
                    e.freeBytes(), e.largestFreeBytes()));
        }
        return out;
    }

    /** Remembers the x axis' tick labels and title as the painter writes them. */
    private static final class Labels implements Canvas2D {
        final List<String> ticks = new ArrayList<>();
        String title = "";

        @Override
        public void fillText(String text, double x, double y, double size, boolean bold, HAlign h, VAlign v, int argb) {
            if (h == HAlign.CENTER && v == VAlign.TOP && argb == TimelineColors.AXIS_TEXT) {
                ticks.add(text);
            } else if (h == HAlign.CENTER && v == VAlign.TOP && argb == TimelineColors.SUBTLE_TEXT) {
                title = text;
            }
        }

        @Override
        public double textWidth(String text, double size, boolean bold) {
            return 0.55 * size * text.length();
        }

        @Override
        public void fillRect(double x, double y, double w, double h, int argb) {}

        @Override
        public void strokeLine(double x1, double y1, double x2, double y2, double width, int argb) {}

        @Override
        public void strokeDashedLine(double x1, double y1, double x2, double y2, double width, double dash, int argb) {}

        @Override
        public void fillPolygon(double[] xs, double[] ys, int count, int argb) {}

        @Override
        public void pushClip(double x, double y, double w, double h) {}

        @Override
        public void popClip() {}
    }
}
