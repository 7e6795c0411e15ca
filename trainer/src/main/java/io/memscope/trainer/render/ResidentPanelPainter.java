package io.memscope.trainer.render;

import io.memscope.trainer.memory.Category;
import java.util.List;

/**
 * The upper panel: resident bytes stacked by category, with the budget (see {@link LimitMarker}) and, for a
 * trace that has it, reserved memory as a line over the stack. The curve is
 * drawn from one {@link Aggregate} column per pixel, each band as the envelope of its column maxima so that a
 * short peak stays visible however far the view is zoomed out. The value axis fits the data in view (see
 * {@link ByteScale}); the same columns give the maximum it fits, so the cost stays O(columns).
 */
final class ResidentPanelPainter {
    private final TimelineModel model;

    ResidentPanelPainter(TimelineModel model) {
        this.model = model;
    }

    /** The value axis for the part of the trace {@code xs} shows, given its columns. */
    ByteScale scale(Rect r, XScale xs, Aggregate agg) {
        long max = 0;
        for (int col = 0; col < agg.columns(); col++) {
            max = Math.max(max, agg.totalMax(col));
        }
        if (model.hasReserved()) {
            Aggregate reserved = model.reservedAggregate(xs.x0(), xs.x1(), agg.columns());
            for (int col = 0; col < reserved.columns(); col++) {
                max = Math.max(max, reserved.totalMax(col));
            }
        }
        boolean oomInView = !model.oomsIn(xs.x0(), xs.x1()).isEmpty();
        return ByteScale.fit(r, max, model.info().budgetBytes(), oomInView);
    }

    /** One column per pixel of the panel. */
    Aggregate columns(Rect r, XScale xs) {
        return model.aggregate(xs.x0(), xs.x1(), (int) Math.max(1, Math.round(r.w())));
    }

    void paint(Canvas2D c, TimelineLayout l, XScale xs, AxisTicks.Ticks xTicks) {
        Rect r = l.area();
        double u = l.u();
        Aggregate agg = columns(r, xs);
        ByteScale s = scale(r, xs, agg);
        AxisTicks.Ticks yTicks = AxisTicks.bytes(s.top(), (int) Math.max(2, Math.min(8, r.h() / (2.6 * u))));
        Grid.paint(c, r, xs, xTicks, yTicks, s::py, l);
        if (model.eventCount() > 0) {
            paintStack(c, r, agg, s);
            if (model.hasReserved()) {
                paintReserved(c, r, xs, agg.columns(), s, u);
            }
        }
        LimitMarker.paint(c, l, r, s, "budget");
        c.fillText("Resident memory by category", r.x(), l.areaTitle().y() + l.areaTitle().h() / 2, u, true,
                Canvas2D.HAlign.LEFT, Canvas2D.VAlign.MIDDLE, TimelineColors.TITLE_TEXT);
    }

    /** Reserved bytes as a stepped line, each column at its highest, clipped to the panel. */
    private void paintReserved(Canvas2D c, Rect r, XScale xs, int columns, ByteScale s, double u) {
        Aggregate reserved = model.reservedAggregate(xs.x0(), xs.x1(), columns);
        double width = Pixels.lineWidth(u, 0.1);
        double colWidth = r.w() / columns;
        c.pushClip(r.x(), r.y(), r.w(), r.h());
        // one horizontal run per level, joined by vertical steps
        double runX = r.x();
        double runY = Double.NaN;
        double end = r.x();
        for (int col = 0; col < columns && reserved.columnStart(col) <= model.xMax(); col++) {
            double y = s.py(reserved.totalMax(col));
            double x0 = r.x() + col * colWidth;
            if (Double.isNaN(runY)) {
                runY = y;
            } else if (y != runY) {
                c.strokeLine(runX, runY, x0, runY, width, TimelineColors.RESERVED);
                c.strokeLine(x0, runY, x0, y, width, TimelineColors.RESERVED);
                runX = x0;
                runY = y;
            }
            end = x0 + colWidth;
        }
        if (!Double.isNaN(runY)) {
            c.strokeLine(runX, runY, end, runY, width, TimelineColors.RESERVED);
        }
        c.popClip();
    }

    private void paintStack(Canvas2D c, Rect r, Aggregate agg, ByteScale s) {
        int columns = agg.columns();
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
                double yv = s.py(agg.stackedMax(col, k));
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
}
