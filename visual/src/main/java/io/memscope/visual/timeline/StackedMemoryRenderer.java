package io.memscope.visual.timeline;

import io.fair_acc.chartfx.renderer.spi.AbstractRendererXY;
import io.fair_acc.chartfx.ui.css.DataSetNode;
import io.fair_acc.dataset.DataSet;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.render.Aggregate;
import io.memscope.trainer.render.OomMarker;
import io.memscope.trainer.render.PhaseInterval;
import io.memscope.trainer.render.PhaseKind;
import io.memscope.trainer.render.StepBoundary;
import io.memscope.trainer.render.TimelineColors;
import io.memscope.trainer.render.TimelineModel;
import io.memscope.visual.Palette;
import java.util.List;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;

/**
 * Draws the window's {@link TimelineModel} (the snapshot of its {@link TimelineModel.Live}, the model the
 * exported picture draws too) onto a ChartFX chart's canvas: phase bands along the top, step boundaries,
 * resident bytes stacked by category (one polygon per category over the model's {@link Aggregate} columns),
 * the budget line and OOM markers, and for a trace that has it (an imported PyTorch snapshot) reserved memory as
 * a stepped line over the stack. Only the visible range is aggregated, one column per pixel, so a frame costs
 * the same for a hundred events or millions.
 */
final class StackedMemoryRenderer extends AbstractRendererXY<StackedMemoryRenderer> {
    static final double BAND_HEIGHT = 14;
    private static final List<Category> CATEGORIES = TimelineModel.STACK_ORDER;
    private static final Font BAND_FONT = Font.font("System", 10);
    private static final Font LABEL_FONT = Font.font("System", FontWeight.BOLD, 11);

    private final TimelineModel.Live live;
    private TimelineModel model;
    private Aggregate columns;
    private MemoryUnit unit = MemoryUnit.MIB;
    private double[] xs = new double[0];
    private double[] ys = new double[0];
    private long lastSampleNanos;

    StackedMemoryRenderer(TimelineModel.Live live) {
        this.live = live;
    }

    /** The columns the last frame drew, null before any: the model's aggregate of the visible range. */
    Aggregate lastColumns() {
        return columns;
    }

    void setUnit(MemoryUnit unit) {
        this.unit = unit;
    }

    /** Time the last frame spent sampling and drawing, for the benchmark and the status line. */
    long lastFrameNanos() {
        return lastSampleNanos;
    }

    @Override
    protected StackedMemoryRenderer getThis() {
        return this;
    }

    @Override
    protected void render(GraphicsContext gc, DataSet ignored, DataSetNode style) {
        long t0 = System.nanoTime();
        double width = xAxis.getLength();
        double height = yAxis.getLength();
        model = live.snapshot();
        if (width < 2 || height < 2 || model.eventCount() == 0) {
            return;
        }
        long fromNs = (long) (xMin * 1e9);
        long toNs = Math.max(fromNs + 1, (long) (xMax * 1e9));
        int n = (int) Math.max(1, Math.ceil(width));
        if (xs.length != 2 * n + 2) {
            xs = new double[2 * n + 2];
            ys = new double[2 * n + 2];
        }
        gc.save();
        drawSteps(gc, fromNs, toNs, height);
        columns = model.aggregate(fromNs, toNs, n);
        drawStack(gc, n, width);
        if (model.hasReserved()) {
            drawReserved(gc, fromNs, toNs, n, width);
        }
        drawBands(gc, fromNs, toNs, width);
        drawBudget(gc, width);
        drawOoms(gc, fromNs, toNs, height);
        gc.restore();
        lastSampleNanos = System.nanoTime() - t0;
    }

    private double x(long ns) {
        return xAxis.getDisplayPosition(ns / 1e9);
    }

    private double y(long bytes) {
        return yAxis.getDisplayPosition(unit.of(bytes));
    }

    private void drawStack(GraphicsContext gc, int n, double width) {
        // Columns after the last event show nothing.
        long end = model.xMax();
        int last = -1;
        for (int c = 0; c < n; c++) {
            if (columns.columnStart(c) <= end) {
                last = c;
            }
        }
        if (last < 0) {
            return;
        }
        double colWidth = width / n;
        double base = y(0);
        // Top of each category band; drawn top-down so lower categories paint over the rest.
        for (int k = CATEGORIES.size() - 1; k >= 0; k--) {
            if (!model.categoriesPresent().contains(CATEGORIES.get(k))) {
                continue;
            }
            int m = 0;
            for (int c = 0; c <= last; c++) {
                double yTop = y(columns.stackedMax(c, k));
                xs[m] = c * colWidth;
                ys[m++] = yTop;
                xs[m] = (c + 1) * colWidth;
                ys[m++] = yTop;
            }
            xs[m] = (last + 1) * colWidth;
            ys[m++] = base;
            xs[m] = 0;
            ys[m++] = base;
            gc.setFill(Palette.of(CATEGORIES.get(k)));
            gc.fillPolygon(xs, ys, m);
        }
        // The total's outline makes the envelope readable where categories are thin.
        gc.setStroke(Color.web("#2b2b2b", 0.55));
        gc.setLineWidth(1);
        gc.beginPath();
        for (int c = 0; c <= last; c++) {
            double yTop = y(columns.totalMax(c));
            if (c == 0) {
                gc.moveTo(0, yTop);
            } else {
                gc.lineTo(c * colWidth, yTop);
            }
            gc.lineTo((c + 1) * colWidth, yTop);
        }
        gc.stroke();
    }

    /** Reserved bytes, each column at its highest, as a stepped line (the exported picture's). */
    private void drawReserved(GraphicsContext gc, long fromNs, long toNs, int n, double width) {
        Aggregate reserved = model.reservedAggregate(fromNs, toNs, n);
        long end = model.xMax();
        double colWidth = width / n;
        gc.setStroke(Palette.RESERVED);
        gc.setLineWidth(1.5);
        gc.beginPath();
        boolean started = false;
        for (int c = 0; c < n && reserved.columnStart(c) <= end; c++) {
            double y = y(reserved.totalMax(c));
            if (!started) {
                gc.moveTo(c * colWidth, y);
                started = true;
            } else {
                gc.lineTo(c * colWidth, y);
            }
            gc.lineTo((c + 1) * colWidth, y);
        }
        gc.stroke();
    }

    private void drawSteps(GraphicsContext gc, long fromNs, long toNs, double height) {
        double lastX = Double.NEGATIVE_INFINITY;
        gc.setStroke(Color.web("#7f8c8d", 0.45));
        gc.setLineWidth(1);
        gc.setLineDashes(4, 3);
        gc.setFill(Color.web("#5f6b6d"));
        gc.setFont(BAND_FONT);
        gc.setTextAlign(TextAlignment.LEFT);
        gc.setTextBaseline(VPos.TOP);
        for (StepBoundary step : model.stepsIn(fromNs, toNs)) {
            double sx = Math.round(x(step.x())) + 0.5;
            if (sx - lastX < 3) {
                continue;
            }
            gc.strokeLine(sx, BAND_HEIGHT, sx, height);
            lastX = sx;
        }
        gc.setLineDashes();
    }

    private void drawBands(GraphicsContext gc, long fromNs, long toNs, double width) {
        if (model.phases().isEmpty()) {
            return;
        }
        gc.setFill(Color.web("#f4f5f7"));
        gc.fillRect(0, 0, width, BAND_HEIGHT);
        double drawnTo = Double.NEGATIVE_INFINITY;
        gc.setFont(BAND_FONT);
        gc.setTextBaseline(VPos.CENTER);
        gc.setTextAlign(TextAlignment.LEFT);
        for (PhaseInterval p : model.phasesIn(fromNs, toNs)) {
            double x0 = Math.max(0, x(p.start()));
            double x1 = Math.min(width, x(p.end()));
            // Many phases in one pixel: the first one there stands for them all.
            if (x1 <= drawnTo) {
                continue;
            }
            x0 = Math.max(x0, drawnTo);
            double w = Math.max(1, x1 - x0);
            PhaseKind kind = p.kind();
            gc.setFill(Palette.phase(kind));
            gc.fillRect(x0, 1, w, BAND_HEIGHT - 2);
            drawnTo = x0 + w;
            // the most that fits, as in the exported picture: the phase as named (which band of which
            // segment) with its layer, then the phase alone
            String named = p.name().isEmpty() ? kind.label() : p.name();
            String label = p.layer().isEmpty() ? named : named + " \u00b7 " + p.layer();
            if (w <= label.length() * 6 + 6) {
                label = named;
            }
            if (w > label.length() * 6 + 6) {
                gc.setFill(PHASE_TEXT.get(kind));
                gc.fillText(label, x0 + 3, BAND_HEIGHT / 2);
            }
        }
    }

    /** Text on a phase band: a dark shade of its colour, as in the exported picture. */
    private static final java.util.Map<PhaseKind, Color> PHASE_TEXT = new java.util.EnumMap<>(PhaseKind.class);

    static {
        for (PhaseKind k : PhaseKind.values()) {
            int argb = TimelineColors.darker(TimelineColors.of(k), 0.62);
            PHASE_TEXT.put(k, Color.rgb((argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF));
        }
    }

    private void drawBudget(GraphicsContext gc, double width) {
        long budget = model.info().budgetBytes();
        if (budget <= 0) {
            return;
        }
        double by = y(budget);
        gc.setFont(LABEL_FONT);
        gc.setTextAlign(TextAlignment.RIGHT);
        if (by < BAND_HEIGHT) {
            // Off the top of the scale: say so rather than squash the data to show the line.
            gc.setFill(Palette.BUDGET);
            gc.setTextBaseline(VPos.TOP);
            gc.fillText("budget " + Bytes.format(budget) + " \u2191", width - 6, BAND_HEIGHT + 4);
            return;
        }
        gc.setStroke(Palette.BUDGET);
        gc.setLineWidth(1.5);
        gc.setLineDashes(8, 4);
        gc.strokeLine(0, by, width, by);
        gc.setLineDashes();
        gc.setFill(Palette.BUDGET);
        gc.setTextBaseline(VPos.BOTTOM);
        gc.fillText("budget " + Bytes.format(budget), width - 6, by - 3);
    }

    /** True when an OOM label of {@code width} pixels at marker {@code x} would pass the right edge, and fits left. */
    static boolean labelGoesLeft(double x, double width, double canvasWidth) {
        return x + 6 + width > canvasWidth && x - 6 - width >= 0;
    }

    private void drawOoms(GraphicsContext gc, long fromNs, long toNs, double height) {
        gc.setFont(LABEL_FONT);
        gc.setTextAlign(TextAlignment.LEFT);
        gc.setTextBaseline(VPos.TOP);
        for (OomMarker e : model.oomsIn(fromNs, toNs)) {
            double ox = Math.round(x(e.x())) + 0.5;
            gc.setStroke(Palette.OOM);
            gc.setLineWidth(2);
            gc.strokeLine(ox, BAND_HEIGHT, ox, height);
            gc.setFill(Palette.OOM);
            gc.fillPolygon(new double[] {ox - 6, ox + 6, ox}, new double[] {BAND_HEIGHT, BAND_HEIGHT, BAND_HEIGHT + 9}, 3);
            // the label reads to the right of the marker, or to its left where the right edge would clip it
            String text = OomText.of(e);
            javafx.scene.text.Text probe = new javafx.scene.text.Text(text);
            probe.setFont(LABEL_FONT);
            double w = probe.getLayoutBounds().getWidth();
            boolean left = labelGoesLeft(ox, w, gc.getCanvas().getWidth());
            gc.setTextAlign(left ? TextAlignment.RIGHT : TextAlignment.LEFT);
            gc.fillText(text, left ? ox - 6 : ox + 6, BAND_HEIGHT + 12);
        }
        gc.setTextAlign(TextAlignment.LEFT);
    }
}
