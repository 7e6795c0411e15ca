package io.memscope.trainer.render;

/**
 * The look of memory that a tensor has left (swapped out or compressed): a pale fill of its category colour
 * crossed by diagonal lines, so it reads as "this belongs here but is not resident" in colour and in print.
 */
final class Hatching {
    private Hatching() {}

    static void fill(Canvas2D c, double x, double y, double w, double h, int argb, double spacing) {
        c.fillRect(x, y, w, h, TimelineColors.lighter(argb, 0.72));
        c.pushClip(x, y, w, h);
        int line = TimelineColors.lighter(argb, 0.15);
        for (double d = -h; d < w; d += spacing) {
            c.strokeLine(x + d, y + h, x + d + h, y, 1, line);
        }
        c.popClip();
    }
}
