package io.memscope.trainer.render;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws into an image like the PNG export and remembers every label (with an approximate glyph box and the
 * call as made) and every dashed line, and counts the other calls, so a test can ask what was written where.
 */
final class RecordingCanvas implements Canvas2D {
    /** A label as drawn: its text, box {@code [left, top, right, bottom]} and colour. */
    record Text(String text, double left, double top, double right, double bottom, int argb) {
        double centerY() {
            return (top + bottom) / 2;
        }
    }

    /** A dashed line as drawn. */
    record Dashed(double x1, double y1, double x2, double y2, int argb) {}

    /** A {@code fillText} call as made, with the baseline the PNG draws it at. */
    record TextCall(String text, double x, double y, double size, boolean bold, HAlign h, VAlign v, int argb,
                    double baseline) {}

    final BufferedImage image;
    final List<Text> texts = new ArrayList<>();
    final List<Dashed> dashed = new ArrayList<>();
    final List<TextCall> textCalls = new ArrayList<>();
    /** Calls that draw something: rectangles of positive size, lines of positive width, polygons of 3+ points. */
    int rects;
    double rectArea;
    int lines;
    int polygons;
    int clips;
    private final Graphics2D g;
    private final Java2DCanvas real;

    RecordingCanvas(int width, int height) {
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        g = image.createGraphics();
        real = new Java2DCanvas(g);
    }

    /** Paints the whole picture of {@code model} in {@code viewport} and returns this canvas. */
    static RecordingCanvas paint(TimelineModel model, int width, int height, Viewport viewport) {
        RecordingCanvas c = new RecordingCanvas(width, height);
        new TimelinePainter(model).paint(c, width, height, viewport);
        c.g.dispose();
        return c;
    }

    /** Labels whose text starts with {@code prefix}. */
    List<Text> textsStartingWith(String prefix) {
        return texts.stream().filter(t -> t.text().startsWith(prefix)).toList();
    }

    @Override
    public void fillRect(double x, double y, double w, double h, int argb) {
        if (w > 0 && h > 0 && argb >>> 24 != 0) {
            rects++;
            rectArea += w * h;
        }
        real.fillRect(x, y, w, h, argb);
    }

    @Override
    public void strokeLine(double x1, double y1, double x2, double y2, double width, int argb) {
        lines += width > 0 && argb >>> 24 != 0 ? 1 : 0;
        real.strokeLine(x1, y1, x2, y2, width, argb);
    }

    @Override
    public void strokeDashedLine(double x1, double y1, double x2, double y2, double width, double dash, int argb) {
        dashed.add(new Dashed(x1, y1, x2, y2, argb));
        lines += width > 0 && argb >>> 24 != 0 ? 1 : 0;
        real.strokeDashedLine(x1, y1, x2, y2, width, dash, argb);
    }

    @Override
    public void fillPolygon(double[] xs, double[] ys, int count, int argb) {
        polygons += count >= 3 && argb >>> 24 != 0 ? 1 : 0;
        real.fillPolygon(xs, ys, count, argb);
    }

    @Override
    public void fillText(String text, double x, double y, double size, boolean bold, HAlign ha, VAlign va,
                         int argb) {
        double tw = real.textWidth(text, size, bold);
        double left = ha == HAlign.LEFT ? x : ha == HAlign.CENTER ? x - tw / 2 : x - tw;
        // Glyph box approximated as 0.75 of the size above the baseline and 0.2 below.
        double baseline = switch (va) {
            case TOP -> y + size * 0.93;
            case MIDDLE -> y + size * 0.36;
            case BASELINE -> y;
            case BOTTOM -> y - size * 0.23;
        };
        texts.add(new Text(text, left, baseline - size * 0.75, left + tw, baseline + size * 0.2, argb));
        textCalls.add(new TextCall(text, x, y, size, bold, ha, va, argb, real.baseline(y, size, bold, va)));
        real.fillText(text, x, y, size, bold, ha, va, argb);
    }

    @Override
    public double textWidth(String text, double size, boolean bold) {
        return real.textWidth(text, size, bold);
    }

    @Override
    public void pushClip(double x, double y, double w, double h) {
        clips++;
        real.pushClip(x, y, w, h);
    }

    @Override
    public void popClip() {
        real.popClip();
    }
}
