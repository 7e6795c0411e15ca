package io.memscope.visual.timeline;

import io.fair_acc.chartfx.renderer.spi.AbstractRendererXY;
import io.fair_acc.chartfx.ui.css.DataSetNode;
import io.fair_acc.dataset.DataSet;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.render.PhaseKind;
import io.memscope.trainer.render.TimelineColors;
import io.memscope.visual.Palette;
import java.util.List;
import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;

/**
 * Draws a {@link TimelineModel} onto a ChartFX chart's canvas: phase bands along the top, step boundaries,
 * resident bytes stacked by category (one polygon per category over the level-of-detail columns), the budget
 * line and OOM markers. Only the visible time range is sampled, one column per pixel, so a frame costs the
 * same for a hundred events or millions.
 */
final class StackedMemoryRenderer extends AbstractRendererXY<StackedMemoryRenderer> {
    static final double BAND_HEIGHT = 14;
    private static final Category[] CATEGORIES = TimelineColumns.STACK_ORDER;
    private static final Font BAND_FONT = Font.font("System", 10);
    private static final Font LABEL_FONT = Font.font("System", FontWeight.BOLD, 11);

    private final TimelineModel model;
    private final TimelineColumns columns = new TimelineColumns(1);
    private MemoryUnit unit = MemoryUnit.MIB;
    private double[] xs = new double[0];
    private double[] ys = new double[0];
    private long lastSampleNanos;

    StackedMemoryRenderer(TimelineModel model) {
        this.model = model;
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
        if (width < 2 || height < 2 || model.isEmpty()) {
            return;
        }
        long fromNs = (long) (xMin * 1e9);
        long toNs = (long) (xMax * 1e9);
        int n = (int) Math.max(1, Math.ceil(width));
        if (columns.columns() != n) {
            columns.resize(n);
            xs = new double[2 * n + 2];
            ys = new double[2 * n + 2];
        }
        gc.save();
        drawSteps(gc, fromNs, toNs, height);
        model.sample(fromNs, toNs, columns);
        drawStack(gc, n, width);
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
        int last = -1;
        for (int c = 0; c < n; c++) {
            if (columns.present(c)) {
                last = c;
            }
        }
        if (last < 0) {
            return;
        }
        double colWidth = width / n;
        double base = y(0);
        // Top of each category band; drawn top-down so lower categories paint over the rest.
        for (int k = CATEGORIES.length - 1; k >= 0; k--) {
            int m = 0;
            boolean any = false;
            for (int c = 0; c <= last; c++) {
                long top = columns.present(c) ? columns.stackedTop(c, k) : 0;
                any |= columns.present(c) && columns.bytes(c, CATEGORIES[k]) > 0;
                double yTop = y(top);
                xs[m] = c * colWidth;
                ys[m++] = yTop;
                xs[m] = (c + 1) * colWidth;
                ys[m++] = yTop;
            }
            if (!any) {
                continue;
            }
            xs[m] = (last + 1) * colWidth;
            ys[m++] = base;
            xs[m] = 0;
            ys[m++] = base;
            gc.setFill(Palette.of(CATEGORIES[k]));
            gc.fillPolygon(xs, ys, m);
        }
        // The total's outline makes the envelope readable where categories are thin.
        gc.setStroke(Color.web("#2b2b2b", 0.55));
        gc.setLineWidth(1);
        gc.beginPath();
        boolean started = false;
        for (int c = 0; c <= last; c++) {
            if (!columns.present(c)) {
                continue;
            }
            double yTop = y(columns.max(c));
            if (!started) {
                gc.moveTo(c * colWidth, yTop);
                started = true;
            } else {
                gc.lineTo(c * colWidth, yTop);
            }
            gc.lineTo((c + 1) * colWidth, yTop);
        }
        gc.stroke();
    }

    private void drawSteps(GraphicsContext gc, long fromNs, long toNs, double height) {
        int first = model.firstStepAtOrAfter(fromNs);
        double lastX = Double.NEGATIVE_INFINITY;
        gc.setStroke(Color.web("#7f8c8d", 0.45));
        gc.setLineWidth(1);
        gc.setLineDashes(4, 3);
        gc.setFill(Color.web("#5f6b6d"));
        gc.setFont(BAND_FONT);
        gc.setTextAlign(TextAlignment.LEFT);
        gc.setTextBaseline(VPos.TOP);
        for (int i = first; i < model.steps(); i++) {
            long t = model.stepStartNs(i);
            if (t > toNs) {
                break;
            }
            double sx = Math.round(x(t)) + 0.5;
            if (sx - lastX < 3) {
                continue;
            }
            gc.strokeLine(sx, BAND_HEIGHT, sx, height);
            lastX = sx;
        }
        gc.setLineDashes();
    }

    private void drawBands(GraphicsContext gc, long fromNs, long toNs, double width) {
        List<TimelineModel.PhaseSpan> phases = model.phases();
        if (phases.isEmpty()) {
            return;
        }
        gc.setFill(Color.web("#f4f5f7"));
        gc.fillRect(0, 0, width, BAND_HEIGHT);
        int i = Math.max(0, model.firstPhaseAtOrAfter(fromNs) - 1);
        double drawnTo = Double.NEGATIVE_INFINITY;
        gc.setFont(BAND_FONT);
        gc.setTextBaseline(VPos.CENTER);
        gc.setTextAlign(TextAlignment.LEFT);
        for (; i < phases.size(); i++) {
            TimelineModel.PhaseSpan p = phases.get(i);
            if (p.startNs() > toNs) {
                break;
            }
            long endNs = i + 1 < phases.size() ? phases.get(i + 1).startNs() : model.lastNs();
            if (p.phase().equals("step") || endNs < fromNs) {
                continue;
            }
            double x0 = Math.max(0, x(p.startNs()));
            double x1 = Math.min(width, x(endNs));
            // Many phases in one pixel: the first one there stands for them all.
            if (x1 <= drawnTo) {
                continue;
            }
            x0 = Math.max(x0, drawnTo);
            double w = Math.max(1, x1 - x0);
            PhaseKind kind = PhaseKind.of(p.phase());
            gc.setFill(Palette.phase(kind));
            gc.fillRect(x0, 1, w, BAND_HEIGHT - 2);
            drawnTo = x0 + w;
            // the most that fits, as in the exported picture: the phase as named (which band of which
            // segment) with its layer, then the phase alone
            String named = p.phase().isEmpty() ? kind.label() : p.phase();
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
        long budget = model.budgetBytes();
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

    private void drawOoms(GraphicsContext gc, long fromNs, long toNs, double height) {
        gc.setFont(LABEL_FONT);
        gc.setTextAlign(TextAlignment.LEFT);
        gc.setTextBaseline(VPos.TOP);
        for (MemoryEvent e : model.ooms()) {
            if (e.timeNs() < fromNs || e.timeNs() > toNs) {
                continue;
            }
            double ox = Math.round(x(e.timeNs())) + 0.5;
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
            boolean left = ox + 6 + w > gc.getCanvas().getWidth() && ox - 6 - w >= 0;
            gc.setTextAlign(left ? TextAlignment.RIGHT : TextAlignment.LEFT);
            gc.fillText(text, left ? ox - 6 : ox + 6, BAND_HEIGHT + 12);
        }
        gc.setTextAlign(TextAlignment.LEFT);
    }
}
