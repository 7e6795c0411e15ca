package io.memscope.trainer.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** {@link Canvas2D} on a {@link Graphics2D}; works headless (a BufferedImage needs no display). */
public final class Java2DCanvas implements Canvas2D {
    /** Stands for "no clip" in the clip stack, which cannot hold null. */
    private static final Shape NO_CLIP = new Rectangle2D.Double();

    private final Graphics2D g;
    private final Deque<Shape> clips = new ArrayDeque<>();
    private final Map<FontKey, Font> fonts = new HashMap<>();
    private final Line2D.Double line = new Line2D.Double();
    private final Rectangle2D.Double rect = new Rectangle2D.Double();
    private Color lastColor = Color.BLACK;

    /** Draws through {@code g}, switching antialiasing and fractional text metrics on. */
    public Java2DCanvas(Graphics2D g) {
        this.g = g;
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        // Pure strokes put a line exactly where it is asked for; the painter snaps lines to pixel centres itself.
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    }

    @Override
    public void fillRect(double x, double y, double w, double h, int argb) {
        g.setColor(color(argb));
        rect.setRect(x, y, w, h);
        g.fill(rect);
    }

    @Override
    public void strokeLine(double x1, double y1, double x2, double y2, double width, int argb) {
        g.setColor(color(argb));
        g.setStroke(new BasicStroke((float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
        line.setLine(x1, y1, x2, y2);
        g.draw(line);
    }

    @Override
    public void strokeDashedLine(double x1, double y1, double x2, double y2, double width, double dash, int argb) {
        g.setColor(color(argb));
        g.setStroke(new BasicStroke((float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {(float) dash, (float) dash}, 0f));
        line.setLine(x1, y1, x2, y2);
        g.draw(line);
    }

    @Override
    public void fillPolygon(double[] xs, double[] ys, int count, int argb) {
        if (count < 3) {
            return;
        }
        Path2D.Double path = new Path2D.Double(Path2D.WIND_NON_ZERO, count);
        path.moveTo(xs[0], ys[0]);
        for (int i = 1; i < count; i++) {
            path.lineTo(xs[i], ys[i]);
        }
        path.closePath();
        g.setColor(color(argb));
        g.fill(path);
    }

    @Override
    public void fillText(String text, double x, double y, double size, boolean bold, HAlign h, VAlign v, int argb) {
        Font font = font(size, bold);
        g.setFont(font);
        g.setColor(color(argb));
        FontMetrics fm = g.getFontMetrics(font);
        double width = fm.getStringBounds(text, g).getWidth();
        double left = switch (h) {
            case LEFT -> x;
            case CENTER -> x - width / 2;
            case RIGHT -> x - width;
        };
        g.drawString(text, (float) left, (float) baseline(fm, y, v));
    }

    /** The baseline {@link #fillText} draws at for an anchor {@code y} (shared with {@link SvgCanvas}). */
    double baseline(double y, double size, boolean bold, VAlign v) {
        return baseline(g.getFontMetrics(font(size, bold)), y, v);
    }

    private static double baseline(FontMetrics fm, double y, VAlign v) {
        return switch (v) {
            case TOP -> y + fm.getAscent();
            case MIDDLE -> y + (fm.getAscent() - fm.getDescent()) / 2.0;
            case BASELINE -> y;
            case BOTTOM -> y - fm.getDescent();
        };
    }

    @Override
    public double textWidth(String text, double size, boolean bold) {
        Font font = font(size, bold);
        return g.getFontMetrics(font).getStringBounds(text, g).getWidth();
    }

    @Override
    public void pushClip(double x, double y, double w, double h) {
        clips.push(g.getClip() == null ? NO_CLIP : g.getClip());
        g.clip(new Rectangle2D.Double(x, y, w, h));
    }

    @Override
    public void popClip() {
        Shape previous = clips.pop();
        g.setClip(previous == NO_CLIP ? null : previous);
    }

    private record FontKey(double size, boolean bold) {}

    private Font font(double size, boolean bold) {
        return fonts.computeIfAbsent(new FontKey(size, bold),
                k -> new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, 1).deriveFont((float) size));
    }

    /** Reuses the previous colour object: long runs of rectangles share one colour. */
    private Color color(int argb) {
        if (lastColor.getRGB() != argb) {
            lastColor = new Color(argb, true);
        }
        return lastColor;
    }
}
