package io.memscope.trainer.render;

import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.Category;

/**
 * The host lane under the resident panel, drawn only for a trace with host memory (the out-of-core mode's
 * swapped-out copies): bytes held in host memory over the same x, on a scale of its own fitted to the host
 * bytes in view, since host memory is no part of the device's budget. Like the resident panel it draws one
 * {@link Aggregate} column per pixel, the envelope of the column maxima.
 */
final class HostLanePainter {
    private final TimelineModel model;

    HostLanePainter(TimelineModel model) {
        this.model = model;
    }

    /** The lane's value axis for the part of the trace {@code xs} shows, given its columns. */
    static ByteScale scale(Rect r, Aggregate agg) {
        long max = 0;
        for (int col = 0; col < agg.columns(); col++) {
            max = Math.max(max, agg.totalMax(col));
        }
        return ByteScale.fit(r, max, 0, false);
    }

    void paint(Canvas2D c, TimelineLayout l, XScale xs, AxisTicks.Ticks xTicks) {
        if (!l.hasHostLane()) {
            return;
        }
        Rect r = l.hostLane();
        double u = l.u();
        Aggregate agg = model.hostAggregate(xs.x0(), xs.x1(), (int) Math.max(1, Math.round(r.w())));
        ByteScale s = scale(r, agg);
        AxisTicks.Ticks yTicks = AxisTicks.bytes(s.top(), (int) Math.max(2, Math.min(4, r.h() / (2.6 * u))));
        Grid.paint(c, r, xs, xTicks, yTicks, s::py, l);
        paintArea(c, r, agg, s);
        Rect title = l.hostTitle();
        double mid = title.y() + title.h() / 2;
        String name = "Host memory";
        c.fillText(name, r.x(), mid, u, true, Canvas2D.HAlign.LEFT, Canvas2D.VAlign.MIDDLE, TimelineColors.TITLE_TEXT);
        String note = "  ·  copies swapped out of the device, peak " + Bytes.format(model.hostPeakBytes());
        c.fillText(note, r.x() + c.textWidth(name, u, true), mid, 0.9 * u, false, Canvas2D.HAlign.LEFT,
                Canvas2D.VAlign.MIDDLE, TimelineColors.SUBTLE_TEXT);
    }

    private static void paintArea(Canvas2D c, Rect r, Aggregate agg, ByteScale s) {
        int columns = agg.columns();
        double[] px = new double[2 * columns + 2];
        double[] py = new double[2 * columns + 2];
        double colWidth = r.w() / columns;
        int n = 0;
        for (int col = 0; col < columns; col++) {
            double y = s.py(agg.totalMax(col));
            px[n] = r.x() + col * colWidth;
            py[n++] = y;
            px[n] = r.x() + (col + 1) * colWidth;
            py[n++] = y;
        }
        px[n] = r.right();
        py[n++] = r.bottom();
        px[n] = r.x();
        py[n++] = r.bottom();
        c.fillPolygon(px, py, n, TimelineColors.of(Category.HOST));
    }
}
