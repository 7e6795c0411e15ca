package io.memscope.visual.timeline;

import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.render.Aggregate;
import io.memscope.trainer.render.TimelineModel;
import io.memscope.visual.Palette;
import io.memscope.visual.chart.Ticks;
import java.util.Locale;
import java.util.function.DoubleConsumer;
import javafx.geometry.Bounds;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;

/**
 * The host lane under the memory chart: bytes held in host memory (the out-of-core mode's swapped-out copies)
 * over the chart's time range, on an axis of its own, since host memory is no part of the device or its
 * budget. It draws the same snapshot as the chart, one {@link TimelineModel#hostAggregate} column per pixel,
 * lined up with the chart's plot area; the timeline shows it only for a trace with host memory.
 */
public final class HostMemoryLane extends Region {
    static final double PREF_HEIGHT = 96;
    private static final double TITLE = 18;
    private static final double BOTTOM = 6;
    private static final Font FONT = Font.font("System", 10);
    private static final Font TITLE_FONT = Font.font("System", FontWeight.BOLD, 11);

    private final TimelineModel.Live live;
    private final TraceTimeAxis xAxis;
    private final Node plot;
    private final Canvas canvas = new Canvas();
    private Aggregate columns;
    private long top = 1;

    /** {@code plot} is the chart's canvas, whose left edge and width the lane's plot takes. */
    HostMemoryLane(TimelineModel.Live live, TraceTimeAxis xAxis, Node plot, DoubleConsumer onHover) {
        this.live = live;
        this.xAxis = xAxis;
        this.plot = plot;
        getStyleClass().add("host-memory-lane");
        setId("host-lane");
        getChildren().add(canvas);
        setPrefHeight(PREF_HEIGHT);
        setMinHeight(PREF_HEIGHT);
        setMaxHeight(PREF_HEIGHT);
        canvas.setOnMouseMoved(e -> onHover.accept(e.getX() - plotLeft()));
        xAxis.minProperty().addListener((o, a, b) -> redraw());
        xAxis.maxProperty().addListener((o, a, b) -> redraw());
        // the chart's plot moves when its value axis widens or narrows; the lane follows it
        plot.localToSceneTransformProperty().addListener((o, a, b) -> redraw());
        plot.boundsInLocalProperty().addListener((o, a, b) -> redraw());
    }

    /** The host columns the last redraw drew (the snapshot's host aggregate of the range in view), or null. */
    public Aggregate drawnColumns() {
        return columns;
    }

    /** Bytes at the top of the lane's axis as last drawn. */
    public long scaleTop() {
        return top;
    }

    @Override
    protected void layoutChildren() {
        double w = snapSizeX(getWidth());
        double h = snapSizeY(getHeight());
        if (canvas.getWidth() != w || canvas.getHeight() != h) {
            canvas.setWidth(w);
            canvas.setHeight(h);
        }
        redraw();
    }

    /** The chart's plot area's left edge in the lane's coordinates. */
    private double plotLeft() {
        if (plot.getScene() == null || getScene() == null) {
            return 0;
        }
        Bounds b = sceneToLocal(plot.localToScene(plot.getBoundsInLocal()));
        return b == null ? 0 : b.getMinX();
    }

    /** Draws the lane for the snapshot and the chart's range now. */
    void redraw() {
        GraphicsContext gc = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        gc.setFill(Color.WHITE);
        gc.fillRect(0, 0, w, h);
        TimelineModel model = live.snapshot();
        double left = plotLeft();
        double width = Math.min(xAxis.getLength(), w - left);
        double laneTop = TITLE;
        double laneHeight = h - TITLE - BOTTOM;
        if (!model.hasHostEvents() || width < 2 || laneHeight < 8) {
            columns = null;
            return;
        }
        long fromNs = (long) (xAxis.getMin() * 1e9);
        long toNs = Math.max(fromNs + 1, (long) (xAxis.getMax() * 1e9));
        int n = (int) Math.max(1, Math.ceil(width));
        columns = model.hostAggregate(fromNs, toNs, n);
        // columns after the last event show nothing, as in the chart
        int last = -1;
        long max = 0;
        for (int c = 0; c < n; c++) {
            if (columns.columnStart(c) <= model.xMax()) {
                last = c;
                max = Math.max(max, columns.totalMax(c));
            }
        }
        top = Math.max(1, (long) Math.ceil(Math.max(max, 1) * 1.12));
        MemoryUnit unit = MemoryUnit.forMaximum(top);

        gc.setFont(TITLE_FONT);
        gc.setFill(Color.web("#1f1f1f"));
        gc.setTextAlign(TextAlignment.LEFT);
        gc.setTextBaseline(VPos.CENTER);
        String name = "Host memory";
        gc.fillText(name, left, TITLE / 2);
        Text probe = new Text(name);
        probe.setFont(TITLE_FONT);
        gc.setFont(FONT);
        gc.setFill(Color.web("#6a6f75"));
        gc.fillText("  \u00b7  copies swapped out of the device, peak " + Bytes.format(model.hostPeakBytes()),
                left + probe.getLayoutBounds().getWidth(), TITLE / 2);

        double step = Ticks.step(unit.of(top), 2);
        gc.setStroke(Color.web("#e6e8eb"));
        gc.setLineWidth(1);
        gc.setFill(Color.web("#4a4f55"));
        gc.setTextAlign(TextAlignment.RIGHT);
        for (double v = 0; v <= unit.of(top); v += step) {
            double y = Math.round(y(v * unit.bytes(), laneTop, laneHeight)) + 0.5;
            gc.strokeLine(left, y, left + width, y);
            gc.fillText(String.format(Locale.ROOT, step >= 1 ? "%.0f %s" : "%.1f %s", v, unit.symbol()), left - 6, y);
        }
        if (last >= 0) {
            double colWidth = width / n;
            double[] xs = new double[2 * (last + 1) + 2];
            double[] ys = new double[xs.length];
            int m = 0;
            for (int c = 0; c <= last; c++) {
                double yTop = y(columns.totalMax(c), laneTop, laneHeight);
                xs[m] = left + c * colWidth;
                ys[m++] = yTop;
                xs[m] = left + (c + 1) * colWidth;
                ys[m++] = yTop;
            }
            xs[m] = left + (last + 1) * colWidth;
            ys[m++] = laneTop + laneHeight;
            xs[m] = left;
            ys[m++] = laneTop + laneHeight;
            gc.setFill(Palette.of(Category.HOST));
            gc.fillPolygon(xs, ys, m);
        }
        gc.setStroke(Color.web("#b0b6bd"));
        gc.strokeRect(left + 0.5, laneTop + 0.5, width - 1, laneHeight - 1);
    }

    private double y(double bytes, double laneTop, double laneHeight) {
        return laneTop + laneHeight - bytes / top * laneHeight;
    }
}
