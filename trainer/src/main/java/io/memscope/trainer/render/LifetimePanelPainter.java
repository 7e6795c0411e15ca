package io.memscope.trainer.render;

import io.memscope.trainer.memory.Bytes;

/**
 * The lower panel, in the manner of PyTorch's memory_viz active-memory timeline: x is time, y is the address
 * in the arena, one block per tensor lifetime coloured by category, the arena's capacity as the top edge.
 * Stretches a tensor spent swapped out or compressed are hatched at the address it left.
 *
 * <p>Only segments overlapping the viewport are visited. Blocks at least two pixels wide are drawn as
 * rectangles; narrower ones go through a {@link CoverageRaster}. Order: off-device hatching, then the raster,
 * then resident blocks, so resident memory is never hidden behind memory that is elsewhere.
 */
final class LifetimePanelPainter {
    private final TimelineModel model;

    LifetimePanelPainter(TimelineModel model) {
        this.model = model;
    }

    /** Top of the address axis: the arena's capacity, or higher if a block reached beyond it. */
    long addressTop() {
        return Math.max(1, Math.max(model.info().budgetBytes(), model.addressEnd()));
    }

    void paint(Canvas2D c, TimelineLayout l, XScale xs, AxisTicks.Ticks xTicks) {
        Rect r = l.lifetimes();
        double u = l.u();
        long top = addressTop();
        AxisTicks.Ticks yTicks = AxisTicks.bytes(top, (int) Math.max(2, Math.min(8, r.h() / (2.6 * u))));
        Grid.paint(c, r, xs, xTicks, yTicks, v -> y(r, v, top), l);
        c.pushClip(r.x(), r.y(), r.w(), r.h());
        paintBlocks(c, r, xs, top, u);
        c.popClip();
        paintCapacity(c, l, r);
        c.fillText("Tensor lifetimes  ·  address in arena over time", r.x(),
                l.lifetimeTitle().y() + l.lifetimeTitle().h() / 2, u, true, Canvas2D.HAlign.LEFT,
                Canvas2D.VAlign.MIDDLE, TimelineColors.TITLE_TEXT);
    }

    private void paintBlocks(Canvas2D c, Rect r, XScale xs, long top, double u) {
        CoverageRaster raster = new CoverageRaster(r);
        double hatch = Math.max(4, Math.round(0.5 * u));
        model.forEachSegment(xs.x0(), xs.x1(), (start, end, offset, bytes, category, state) -> {
            Block b = block(r, xs, start, end, offset, bytes, top);
            boolean resident = state == LifetimeState.RESIDENT;
            if (!b.wide()) {
                raster.mark(b.x0, b.x1, b.y0, b.y1, TimelineModel.stackIndex(category), resident);
            } else if (!resident) {
                Hatching.fill(c, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0, TimelineColors.of(category), hatch);
            }
        });
        raster.paint(c);
        model.forEachSegment(xs.x0(), xs.x1(), (start, end, offset, bytes, category, state) -> {
            Block b = block(r, xs, start, end, offset, bytes, top);
            if (b.wide() && state == LifetimeState.RESIDENT) {
                int fill = TimelineColors.of(category);
                double w = b.x1 - b.x0;
                double h = b.y1 - b.y0;
                c.fillRect(b.x0, b.y0, w, h, fill);
                if (w >= 6 && h >= 6) {
                    outline(c, b, TimelineColors.darker(fill, 0.25));
                }
            }
        });
    }

    /** A segment's rectangle snapped to whole pixels, at least one pixel tall. */
    private record Block(double x0, double x1, double y0, double y1) {
        boolean wide() {
            return x1 - x0 >= 2;
        }
    }

    private static Block block(Rect r, XScale xs, long start, long end, long offset, long bytes, long top) {
        double x0 = Math.max(r.x() - 1, xs.px(start));
        double x1 = Math.min(r.right() + 1, xs.px(end));
        double y0 = Math.round(y(r, offset + bytes, top));
        double y1 = Math.max(y0 + 1, Math.round(y(r, offset, top)));
        double left = Math.round(x0);
        double right = Math.round(x1);
        return right - left >= 2 ? new Block(left, right, y0, y1) : new Block(x0, x1, y0, y1);
    }

    private static void outline(Canvas2D c, Block b, int argb) {
        double w = b.x1 - b.x0;
        double h = b.y1 - b.y0;
        c.fillRect(b.x0, b.y0, w, 1, argb);
        c.fillRect(b.x0, b.y1 - 1, w, 1, argb);
        c.fillRect(b.x0, b.y0 + 1, 1, h - 2, argb);
        c.fillRect(b.x1 - 1, b.y0 + 1, 1, h - 2, argb);
    }

    private void paintCapacity(Canvas2D c, TimelineLayout l, Rect r) {
        long budget = model.info().budgetBytes();
        if (budget <= 0) {
            return;
        }
        double u = l.u();
        double width = Pixels.lineWidth(u, 0.16);
        double yc = Pixels.crisp(y(r, budget, addressTop()), width);
        c.strokeDashedLine(r.x(), yc, r.right(), yc, width, Math.round(0.55 * u), TimelineColors.BUDGET);
        c.fillText("capacity " + Bytes.format(budget), r.right() - 0.4 * u, yc - width / 2 - 0.2 * u,
                l.tickFont(), true, Canvas2D.HAlign.RIGHT, Canvas2D.VAlign.BOTTOM, TimelineColors.BUDGET);
    }

    static double y(Rect r, double address, long top) {
        return r.bottom() - address / top * r.h();
    }
}
