package io.memscope.trainer.render;

import io.memscope.trainer.memory.Bytes;

/**
 * A panel's limit (the budget, the arena's capacity): a dashed red line labelled at its left end when it lies
 * on the scale (OOM labels sit at the right end of a run, where most OOMs happen), otherwise a note with an
 * arrow at the panel's top right, saying the limit is higher than shown.
 */
final class LimitMarker {
    private static final int LABEL_BACKGROUND = 0xD9FFFFFF;

    private LimitMarker() {}

    /** Draws the limit named {@code name} ("budget", "capacity"). */
    static void paint(Canvas2D c, TimelineLayout l, Rect r, ByteScale s, String name) {
        if (s.limit() <= 0) {
            return;
        }
        double u = l.u();
        double font = l.tickFont();
        if (s.limitAbove()) {
            label(c, u, font, name + " " + Bytes.format(s.limit()) + " \u2191", r.right() - 0.5 * u,
                    r.y() + 0.3 * u, Canvas2D.HAlign.RIGHT, Canvas2D.VAlign.TOP);
            return;
        }
        double width = Pixels.lineWidth(u, 0.16);
        double y = Pixels.crisp(s.py(s.limit()), width);
        c.strokeDashedLine(r.x(), y, r.right(), y, width, Math.round(0.55 * u), TimelineColors.BUDGET);
        double x = r.x() + 0.5 * u;
        double above = y - width / 2 - 0.2 * u;
        String text = name + " " + Bytes.format(s.limit());
        // Above the line, unless the line runs so close to the top edge that the label would leave the panel.
        if (above - font * 1.1 >= r.y()) {
            label(c, u, font, text, x, above, Canvas2D.HAlign.LEFT, Canvas2D.VAlign.BOTTOM);
        } else {
            label(c, u, font, text, x, y + width / 2 + 0.2 * u, Canvas2D.HAlign.LEFT, Canvas2D.VAlign.TOP);
        }
    }

    /** Bold red text on a pale box, so it stays readable over the data. */
    private static void label(Canvas2D c, double u, double font, String text, double x, double y, Canvas2D.HAlign h,
                              Canvas2D.VAlign v) {
        double tw = c.textWidth(text, font, true);
        double left = h == Canvas2D.HAlign.LEFT ? x : x - tw;
        double boxTop = v == Canvas2D.VAlign.BOTTOM ? y - font * 1.05 : y - font * 0.05;
        c.fillRect(left - 0.25 * u, boxTop, tw + 0.5 * u, font * 1.1, LABEL_BACKGROUND);
        c.fillText(text, x, y, font, true, h, v, TimelineColors.BUDGET);
    }
}
