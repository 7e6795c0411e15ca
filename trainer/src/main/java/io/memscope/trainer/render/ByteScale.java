package io.memscope.trainer.render;

/**
 * The vertical axis of a byte-valued panel: from 0 at the bottom to {@code top}, fitted to the data in view,
 * and where the panel's limit (the budget, the arena's capacity) falls.
 *
 * <p>A run that uses 2.5 MiB of a 512 MiB budget scaled to the budget is a flat line on the floor. So the
 * scale follows the data, with {@link #HEADROOM} above its maximum, and takes the limit in only when the limit
 * is close ({@link #LIMIT_REACH} times the data) or when the picture is about the limit: an OOM is in view.
 * A limit off the scale is annotated at the top edge instead of drawn.
 *
 * @param bottom        pixel row of 0 bytes (the panel's bottom edge)
 * @param height        the panel's height in pixels
 * @param top           bytes at the panel's top edge
 * @param limit         the limit in bytes, 0 when there is none
 * @param limitOnScale  whether the limit lies within {@code [0, top]} and is drawn as a line
 */
record ByteScale(double bottom, double height, long top, long limit, boolean limitOnScale) {
    /** Room above the highest value in view, so the curve's peak does not touch the frame. */
    static final double HEADROOM = 1.08;
    /** A limit at most this many times the data's maximum still joins the scale. */
    static final double LIMIT_REACH = 1.3;

    /**
     * The scale for data whose maximum in view is {@code dataMax}; {@code limitRequired} forces the limit onto
     * the scale however far above the data it is.
     */
    static ByteScale fit(Rect r, long dataMax, long limit, boolean limitRequired) {
        long data = Math.max(0, dataMax);
        boolean onScale = limit > 0 && (limitRequired || data == 0 || limit <= data * LIMIT_REACH);
        long reach = onScale ? Math.max(data, limit) : data;
        long top = Math.max(1, (long) Math.ceil(reach * HEADROOM));
        return new ByteScale(r.bottom(), r.h(), top, Math.max(0, limit), onScale);
    }

    /** Whether there is a limit and it lies above the top edge. */
    boolean limitAbove() {
        return limit > 0 && !limitOnScale;
    }

    /** Pixel row of a byte value. */
    double py(double bytes) {
        return bottom - bytes / top * height;
    }

    /** Byte value at a pixel row. */
    double bytesAt(double py) {
        return (bottom - py) / height * top;
    }
}
