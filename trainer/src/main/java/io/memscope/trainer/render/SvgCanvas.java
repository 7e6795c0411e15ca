package io.memscope.trainer.render;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Objects;

/**
 * {@link Canvas2D} that writes an SVG 1.1 document, for pictures that print at any size. Text is measured and
 * placed with the same AWT font metrics as {@link Java2DCanvas}, so the layout (label collisions, truncation)
 * and every label's anchor and baseline are those of the PNG; labels are anchored at the end their alignment
 * names ({@code text-anchor}), so a viewer with a different sans-serif font keeps them flush. Clips become
 * nested groups with a clip path each.
 *
 * <p>Output stays compact: coordinates have at most two decimals, a rectangle that continues the previous one
 * (same colour, sharing a whole edge) is merged into it, and polygon points on a straight horizontal or vertical
 * run are dropped. The document streams to the writer as it is drawn; call {@link #finish()} once at the end. A
 * failing writer surfaces as {@link UncheckedIOException}.
 */
public final class SvgCanvas implements Canvas2D {
    private static final int FLUSH_CHARS = 1 << 15;

    private final Writer out;
    private final StringBuilder buf = new StringBuilder(FLUSH_CHARS + 1024);
    /** Measures text; its image is never drawn into. */
    private final Java2DCanvas metrics;
    private final Graphics2D metricsGraphics;
    private int clipDepth;
    private int nextClipId;
    private boolean finished;

    // The rectangle not yet written, which the next one may extend.
    private boolean pending;
    private double px;
    private double py;
    private double pw;
    private double ph;
    private int pargb;

    private long rects;
    private long mergedRects;

    /** Starts a {@code width} x {@code height} document on {@code out}. */
    public SvgCanvas(Writer out, double width, double height) {
        this.out = Objects.requireNonNull(out, "out");
        metricsGraphics = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB).createGraphics();
        metrics = new Java2DCanvas(metricsGraphics);
        buf.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        buf.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"");
        num(width).append("\" height=\"");
        num(height).append("\" viewBox=\"0 0 ");
        num(width).append(' ');
        num(height).append("\" font-family=\"sans-serif\">\n");
    }

    /** Closes any clip left open and the document, and flushes the writer (which stays open). */
    public void finish() {
        if (finished) {
            return;
        }
        flushRect();
        while (clipDepth > 0) {
            popClip();
        }
        buf.append("</svg>\n");
        finished = true;
        metricsGraphics.dispose();
        drain();
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rectangles written, after merging. */
    public long rectCount() {
        flushRect();
        return rects;
    }

    /** Rectangles that were drawn as part of the one before them. */
    public long mergedRectCount() {
        return mergedRects;
    }

    @Override
    public void fillRect(double x, double y, double w, double h, int argb) {
        if (!(w > 0 && h > 0) || !finite(x, y, w, h) || alpha(argb) == 0) {
            return;
        }
        if (pending && argb == pargb) {
            if (y == py && h == ph && x == px + pw) {
                pw = x + w - px;
                mergedRects++;
                return;
            }
            if (x == px && w == pw && y == py + ph) {
                ph = y + h - py;
                mergedRects++;
                return;
            }
        }
        flushRect();
        pending = true;
        px = x;
        py = y;
        pw = w;
        ph = h;
        pargb = argb;
    }

    @Override
    public void strokeLine(double x1, double y1, double x2, double y2, double width, int argb) {
        line(x1, y1, x2, y2, width, 0, argb);
    }

    @Override
    public void strokeDashedLine(double x1, double y1, double x2, double y2, double width, double dash, int argb) {
        line(x1, y1, x2, y2, width, dash, argb);
    }

    private void line(double x1, double y1, double x2, double y2, double width, double dash, int argb) {
        if (!(width > 0) || !finite(x1, y1, x2, y2) || alpha(argb) == 0) {
            return;
        }
        flushRect();
        buf.append("<line x1=\"");
        num(x1).append("\" y1=\"");
        num(y1).append("\" x2=\"");
        num(x2).append("\" y2=\"");
        num(y2).append('"');
        paint("stroke", argb);
        if (width != 1) {
            buf.append(" stroke-width=\"");
            num(width).append('"');
        }
        if (dash > 0) {
            buf.append(" stroke-dasharray=\"");
            num(dash).append('"');
        }
        buf.append("/>\n");
        maybeDrain();
    }

    @Override
    public void fillPolygon(double[] xs, double[] ys, int count, int argb) {
        if (count < 3 || alpha(argb) == 0) {
            return;
        }
        for (int i = 0; i < count; i++) {
            if (!finite(xs[i], ys[i], 0, 0)) {
                return;
            }
        }
        flushRect();
        buf.append("<polygon points=\"");
        int written = 0;
        for (int i = 0; i < count; i++) {
            // A point in the middle of a horizontal or vertical run changes nothing.
            if (i > 0 && i < count - 1 && onAxisRun(xs[i - 1], ys[i - 1], xs[i], ys[i], xs[i + 1], ys[i + 1])) {
                continue;
            }
            if (written++ > 0) {
                buf.append(' ');
            }
            num(xs[i]).append(',');
            num(ys[i]);
        }
        buf.append('"');
        paint("fill", argb);
        buf.append("/>\n");
        maybeDrain();
    }

    private static boolean onAxisRun(double x0, double y0, double x1, double y1, double x2, double y2) {
        return (y0 == y1 && y1 == y2 && (x1 - x0) * (x2 - x1) >= 0)
                || (x0 == x1 && x1 == x2 && (y1 - y0) * (y2 - y1) >= 0);
    }

    @Override
    public void fillText(String text, double x, double y, double size, boolean bold, HAlign h, VAlign v, int argb) {
        flushRect();
        buf.append("<text x=\"");
        num(x).append("\" y=\"");
        num(metrics.baseline(y, size, bold, v)).append("\" font-size=\"");
        num(size).append('"');
        if (bold) {
            buf.append(" font-weight=\"bold\"");
        }
        if (h == HAlign.CENTER) {
            buf.append(" text-anchor=\"middle\"");
        } else if (h == HAlign.RIGHT) {
            buf.append(" text-anchor=\"end\"");
        }
        if (needsPreservedSpace(text)) {
            buf.append(" xml:space=\"preserve\"");
        }
        paint("fill", argb);
        buf.append('>');
        escape(text);
        buf.append("</text>\n");
        maybeDrain();
    }

    @Override
    public double textWidth(String text, double size, boolean bold) {
        return metrics.textWidth(text, size, bold);
    }

    @Override
    public void pushClip(double x, double y, double w, double h) {
        flushRect();
        String id = "c" + nextClipId++;
        buf.append("<clipPath id=\"").append(id).append("\"><rect x=\"");
        num(x).append("\" y=\"");
        num(y).append("\" width=\"");
        num(Math.max(0, w)).append("\" height=\"");
        num(Math.max(0, h)).append("\"/></clipPath>\n<g clip-path=\"url(#").append(id).append(")\">\n");
        clipDepth++;
        maybeDrain();
    }

    @Override
    public void popClip() {
        if (clipDepth == 0) {
            throw new IllegalStateException("popClip without pushClip");
        }
        flushRect();
        buf.append("</g>\n");
        clipDepth--;
        maybeDrain();
    }

    private void flushRect() {
        if (!pending) {
            return;
        }
        pending = false;
        rects++;
        buf.append("<rect x=\"");
        num(px).append("\" y=\"");
        num(py).append("\" width=\"");
        num(pw).append("\" height=\"");
        num(ph).append('"');
        paint("fill", pargb);
        buf.append("/>\n");
        maybeDrain();
    }

    // ---- output --------------------------------------------------------------------------------------------

    /** Java2D draws nothing for a shape with a coordinate that is not a number; neither does this. */
    private static boolean finite(double a, double b, double c, double d) {
        return Double.isFinite(a) && Double.isFinite(b) && Double.isFinite(c) && Double.isFinite(d);
    }

    private static int alpha(int argb) {
        return argb >>> 24;
    }

    /** {@code fill="#rrggbb"} (or stroke), with an opacity when the colour is not opaque. */
    private void paint(String attribute, int argb) {
        buf.append(' ').append(attribute).append("=\"#");
        int r = (argb >> 16) & 0xFF;
        int g = (argb >> 8) & 0xFF;
        int b = argb & 0xFF;
        if (r % 17 == 0 && g % 17 == 0 && b % 17 == 0) {
            buf.append(hex(r / 17)).append(hex(g / 17)).append(hex(b / 17));
        } else {
            hex2(r);
            hex2(g);
            hex2(b);
        }
        buf.append('"');
        int a = alpha(argb);
        if (a < 255) {
            buf.append(' ').append(attribute).append("-opacity=\"");
            long thousandths = Math.round(a * 1000 / 255.0);
            buf.append("0.");
            String digits = Long.toString(1000 + thousandths).substring(1);
            int end = digits.length();
            while (end > 1 && digits.charAt(end - 1) == '0') {
                end--;
            }
            buf.append(digits, 0, end).append('"');
        }
    }

    private void hex2(int v) {
        buf.append(hex(v >> 4)).append(hex(v & 0xF));
    }

    private static char hex(int v) {
        return (char) (v < 10 ? '0' + v : 'a' + v - 10);
    }

    /** Appends {@code v} rounded to two decimals, without trailing zeros (0 for a value that is not a number). */
    private StringBuilder num(double v) {
        if (!Double.isFinite(v)) {
            return buf.append('0');
        }
        long hundredths = Math.round(v * 100);
        if (hundredths < 0) {
            buf.append('-');
            hundredths = -hundredths;
        }
        buf.append(hundredths / 100);
        int frac = (int) (hundredths % 100);
        if (frac != 0) {
            buf.append('.').append((char) ('0' + frac / 10));
            if (frac % 10 != 0) {
                buf.append((char) ('0' + frac % 10));
            }
        }
        return buf;
    }

    /** XML would collapse runs of spaces and drop leading or trailing ones. */
    private static boolean needsPreservedSpace(String text) {
        return text.startsWith(" ") || text.endsWith(" ") || text.contains("  ");
    }

    /**
     * Escapes markup characters; characters XML 1.0 cannot hold at all (control characters, unpaired
     * surrogates) become U+FFFD.
     */
    private void escape(String text) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '<' -> buf.append("&lt;");
                case '>' -> buf.append("&gt;");
                case '&' -> buf.append("&amp;");
                case '\t', '\n', '\r' -> buf.append(' ');
                default -> {
                    if (Character.isHighSurrogate(ch) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        buf.append(ch).append(text.charAt(++i));
                    } else if (ch < 0x20 || Character.isSurrogate(ch) || ch == 0xFFFE || ch == 0xFFFF) {
                        buf.append('\uFFFD');
                    } else {
                        buf.append(ch);
                    }
                }
            }
        }
    }

    private void maybeDrain() {
        if (buf.length() >= FLUSH_CHARS) {
            drain();
        }
    }

    private void drain() {
        try {
            out.append(buf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buf.setLength(0);
    }
}
