package io.memscope.trainer.render;

import java.util.function.DoubleUnaryOperator;

/** Grid lines, value labels and edges of one plot. */
final class Grid {
    private Grid() {}

    /** Grid lines and value labels; drawn first so the data covers them. */
    static void paint(Canvas2D c, Rect r, XScale xs, AxisTicks.Ticks xTicks, AxisTicks.Ticks yTicks,
                      DoubleUnaryOperator yOf, TimelineLayout l) {
        double u = l.u();
        for (double v : xTicks.values()) {
            double x = Pixels.crisp(xs.px(v), 1);
            if (x >= r.x() && x <= r.right()) {
                c.strokeLine(x, r.y(), x, r.bottom(), 1, TimelineColors.GRID);
            }
        }
        for (int i = 0; i < yTicks.values().length; i++) {
            double y = Pixels.crisp(yOf.applyAsDouble(yTicks.values()[i]), 1);
            if (i > 0) {
                c.strokeLine(r.x(), y, r.right(), y, 1, TimelineColors.GRID);
            }
            c.fillText(yTicks.labels()[i], r.x() - 0.5 * u, y, l.tickFont(), false, Canvas2D.HAlign.RIGHT,
                    Canvas2D.VAlign.MIDDLE, TimelineColors.AXIS_TEXT);
        }
    }

    /** The plot's left and bottom edges, drawn after the data so the data does not cover them. */
    static void frame(Canvas2D c, Rect r) {
        double bottom = Pixels.crisp(r.bottom(), 1);
        c.strokeLine(r.x(), bottom, r.right(), bottom, 1, TimelineColors.FRAME);
        double left = Pixels.crisp(r.x(), 1);
        c.strokeLine(left, r.y(), left, r.bottom(), 1, TimelineColors.FRAME);
    }
}
