package io.memscope.trainer.render;

/** Tick labels under the lower panel and the axis title; a label that would touch its neighbour is left out. */
final class XAxisLabels {
    private XAxisLabels() {}

    static void paint(Canvas2D c, TimelineLayout l, XScale xs, AxisTicks.Ticks ticks) {
        Rect r = l.lifetimes();
        double font = l.tickFont();
        double freeFrom = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < ticks.values().length; i++) {
            double x = xs.px(ticks.values()[i]);
            String label = ticks.labels()[i];
            double w = c.textWidth(label, font, false);
            double left = Math.max(x - w / 2, r.x() - w / 2);
            if (x < r.x() - 0.5 || x > r.right() + 0.5 || left < freeFrom || left + w > l.width()) {
                continue;
            }
            double tick = Pixels.crisp(x, 1);
            c.strokeLine(tick, r.bottom(), tick, r.bottom() + 0.3 * l.u(), 1, TimelineColors.FRAME);
            c.fillText(label, x, l.xLabelY(), font, false, Canvas2D.HAlign.CENTER, Canvas2D.VAlign.TOP,
                    TimelineColors.AXIS_TEXT);
            freeFrom = left + w + 0.8 * l.u();
        }
        c.fillText(ticks.title(), r.x() + r.w() / 2, l.xTitleY(), font, false, Canvas2D.HAlign.CENTER,
                Canvas2D.VAlign.TOP, TimelineColors.SUBTLE_TEXT);
    }
}
