package io.memscope.trainer.render;

import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.Category;
import java.util.List;

/**
 * The upper panel: resident bytes stacked by category, with the budget as a dashed red line. The curve is
 * drawn from one {@link Aggregate} column per pixel, each band as the envelope of its column maxima so that a
 * short peak stays visible however far the view is zoomed out.
 */
final class ResidentPanelPainter {
    private final TimelineModel model;

    ResidentPanelPainter(TimelineModel model) {
        this.model = model;
    }

    /** Top of the value axis: room above the peak and the budget for the budget's label. */
    long valueTop() {
        long top = Math.max(1, Math.max(model.peakBytes(), model.info().budgetBytes()));
        return top + top / 12;
    }

    void paint(Canvas2D c, TimelineLayout l, XScale xs, AxisTicks.Ticks xTicks) {
        Rect r = l.area();
        double u = l.u();
        long top = valueTop();
        AxisTicks.Ticks yTicks = AxisTicks.bytes(top, (int) Math.max(2, Math.min(8, r.h() / (2.6 * u))));
        Grid.paint(c, r, xs, xTicks, yTicks, v -> y(r, v, top), l);
        if (model.eventCount() > 0) {
            paintStack(c, r, xs, top);
        }
        paintBudget(c, l, r, top);
        c.fillText("Resident memory by category", r.x(), l.areaTitle().y() + l.areaTitle().h() / 2, u, true,
                Canvas2D.HAlign.LEFT, Canvas2D.VAlign.MIDDLE, TimelineColors.TITLE_TEXT);
    }

    private void paintStack(Canvas2D c, Rect r, XScale xs, long top) {
        int columns = (int) Math.max(1, Math.round(r.w()));
        Aggregate agg = model.aggregate(xs.x0(), xs.x1(), columns);
        double[] px = new double[2 * columns + 2];
        double[] py = new double[2 * columns + 2];
        double colWidth = r.w() / columns;
        List<Category> order = TimelineModel.STACK_ORDER;
        // Painted from the top band down, each from zero: neighbours then share no antialiased seam.
        for (int k = order.size() - 1; k >= 0; k--) {
            if (!model.categoriesPresent().contains(order.get(k))) {
                continue;
            }
            int n = 0;
            for (int col = 0; col < columns; col++) {
                double yv = y(r, agg.stackedMax(col, k), top);
                px[n] = r.x() + col * colWidth;
                py[n++] = yv;
                px[n] = r.x() + (col + 1) * colWidth;
                py[n++] = yv;
            }
            px[n] = r.right();
            py[n++] = r.bottom();
            px[n] = r.x();
            py[n++] = r.bottom();
            c.fillPolygon(px, py, n, TimelineColors.of(order.get(k)));
        }
    }

    private void paintBudget(Canvas2D c, TimelineLayout l, Rect r, long top) {
        long budget = model.info().budgetBytes();
        if (budget <= 0) {
            return;
        }
        double u = l.u();
        double width = Pixels.lineWidth(u, 0.16);
        double yb = Pixels.crisp(y(r, budget, top), width);
        c.strokeDashedLine(r.x(), yb, r.right(), yb, width, Math.round(0.55 * u), TimelineColors.BUDGET);
        // Left end: OOM labels sit at the right end of a run, where most OOMs happen.
        String label = "budget " + Bytes.format(budget);
        double font = l.tickFont();
        double tw = c.textWidth(label, font, true);
        double lx = r.x() + 0.5 * u;
        double ly = yb - width / 2 - 0.2 * u;
        c.fillRect(lx - 0.25 * u, ly - font * 1.05, tw + 0.5 * u, font * 1.1, 0xD9FFFFFF);
        c.fillText(label, lx, ly, font, true, Canvas2D.HAlign.LEFT, Canvas2D.VAlign.BOTTOM, TimelineColors.BUDGET);
    }

    static double y(Rect r, double value, long top) {
        return r.bottom() - value / top * r.h();
    }
}
