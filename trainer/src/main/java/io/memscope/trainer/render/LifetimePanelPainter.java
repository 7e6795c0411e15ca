package io.memscope.trainer.render;

/**
 * The lower panel, in the manner of PyTorch's memory_viz active-memory timeline: x is time, y is the address
 * in the arena, one block per tensor lifetime coloured by category. The address axis runs to the highest
 * address in use in the viewport (see {@link ByteScale}); the arena's capacity is a dashed line when it is
 * near, a note at the top edge when it is far above. Stretches a tensor spent swapped out or compressed are
 * hatched at the address it left; a stretch pending free (FREE_REQUESTED before its FREE) is the block's colour,
 * paler.
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

    /** The address axis for the part of the trace {@code xs} shows, drawn into {@code r}. */
    ByteScale scale(Rect r, XScale xs) {
        boolean oomInView = !model.oomsIn(xs.x0(), xs.x1()).isEmpty();
        return ByteScale.fit(r, model.addressEndIn(xs.x0(), xs.x1()), model.info().budgetBytes(), oomInView);
    }

    void paint(Canvas2D c, TimelineLayout l, XScale xs, AxisTicks.Ticks xTicks) {
        Rect r = l.lifetimes();
        double u = l.u();
        ByteScale s = scale(r, xs);
        AxisTicks.Ticks yTicks = AxisTicks.bytes(s.top(), (int) Math.max(2, Math.min(8, r.h() / (2.6 * u))));
        Grid.paint(c, r, xs, xTicks, yTicks, s::py, l);
        c.pushClip(r.x(), r.y(), r.w(), r.h());
        paintBlocks(c, r, xs, s, u);
        c.popClip();
        LimitMarker.paint(c, l, r, s, "capacity");
        c.fillText("Tensor lifetimes  ·  address in arena over time", r.x(),
                l.lifetimeTitle().y() + l.lifetimeTitle().h() / 2, u, true, Canvas2D.HAlign.LEFT,
                Canvas2D.VAlign.MIDDLE, TimelineColors.TITLE_TEXT);
    }

    private void paintBlocks(Canvas2D c, Rect r, XScale xs, ByteScale s, double u) {
        CoverageRaster raster = new CoverageRaster(r);
        double hatch = Math.max(4, Math.round(0.5 * u));
        model.forEachSegment(xs.x0(), xs.x1(), (start, end, offset, bytes, category, state) -> {
            Block b = block(r, xs, start, end, offset, bytes, s);
            boolean resident = state.onDevice();
            if (!b.wide()) {
                raster.mark(b.x0, b.x1, b.y0, b.y1, TimelineModel.stackIndex(category), resident);
            } else if (!resident) {
                Hatching.fill(c, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0, TimelineColors.of(category), hatch);
            }
        });
        raster.paint(c);
        model.forEachSegment(xs.x0(), xs.x1(), (start, end, offset, bytes, category, state) -> {
            Block b = block(r, xs, start, end, offset, bytes, s);
            if (b.wide() && state.onDevice()) {
                int fill = state == LifetimeState.PENDING_FREE
                        ? TimelineColors.lighter(TimelineColors.of(category), TimelineColors.PENDING_FREE_LIGHTER)
                        : TimelineColors.of(category);
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

    private static Block block(Rect r, XScale xs, long start, long end, long offset, long bytes, ByteScale s) {
        double x0 = Math.max(r.x() - 1, xs.px(start));
        double x1 = Math.min(r.right() + 1, xs.px(end));
        double y0 = Math.round(s.py(offset + bytes));
        double y1 = Math.max(y0 + 1, Math.round(s.py(offset)));
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
}
