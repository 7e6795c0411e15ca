package io.memscope.trainer.render;

/**
 * The few drawing operations the timeline needs, so one painter can draw into a PNG (Java2D) and, through an
 * adapter in the UI module, onto a JavaFX canvas. Coordinates are pixels from the top-left corner; colours are
 * {@code 0xAARRGGBB}. Text is in the logical "SansSerif" family, {@code size} in pixels.
 */
public interface Canvas2D {
    enum HAlign { LEFT, CENTER, RIGHT }

    enum VAlign { TOP, MIDDLE, BASELINE, BOTTOM }

    void fillRect(double x, double y, double w, double h, int argb);

    void strokeLine(double x1, double y1, double x2, double y2, double width, int argb);

    /** A line drawn as dashes of {@code dash} pixels separated by gaps of the same length. */
    void strokeDashedLine(double x1, double y1, double x2, double y2, double width, double dash, int argb);

    /** Fills the closed polygon through the first {@code count} points. */
    void fillPolygon(double[] xs, double[] ys, int count, int argb);

    /** Draws one line of text; {@code (x, y)} is the anchor that {@code h} and {@code v} refer to. */
    void fillText(String text, double x, double y, double size, boolean bold, HAlign h, VAlign v, int argb);

    double textWidth(String text, double size, boolean bold);

    /** Restricts drawing to a rectangle (intersected with the current clip) until the matching {@link #popClip}. */
    void pushClip(double x, double y, double w, double h);

    void popClip();
}
