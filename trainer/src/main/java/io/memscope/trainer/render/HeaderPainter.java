package io.memscope.trainer.render;

import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.TraceInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The title, the line of run facts under it, and the legend. */
final class HeaderPainter {
    private final TimelineModel model;
    private final List<LegendItem> legend;

    HeaderPainter(TimelineModel model, List<LegendItem> legend) {
        this.model = model;
        this.legend = legend;
    }

    void paint(Canvas2D c, TimelineLayout l) {
        double u = l.u();
        double left = l.pad();
        double maxWidth = l.width() - 2 * left;
        c.fillText(fit(c, title(), 1.3 * u, true, maxWidth), left, l.titleY(), 1.3 * u, true,
                Canvas2D.HAlign.LEFT, Canvas2D.VAlign.TOP, TimelineColors.TITLE_TEXT);
        c.fillText(fit(c, subtitle(), 0.95 * u, false, maxWidth), left, l.subtitleY(), 0.95 * u, false,
                Canvas2D.HAlign.LEFT, Canvas2D.VAlign.TOP, TimelineColors.SUBTLE_TEXT);
        paintLegend(c, l, left, maxWidth);
    }

    private String title() {
        TraceInfo info = model.info();
        List<String> parts = new ArrayList<>();
        if (!blank(info.network())) {
            parts.add(info.network());
        }
        if (!blank(info.mode())) {
            parts.add(info.mode());
        }
        return parts.isEmpty() ? "Device memory timeline" : String.join("  ·  ", parts);
    }

    private String subtitle() {
        TraceInfo info = model.info();
        List<String> parts = new ArrayList<>();
        if (!blank(info.backend())) {
            parts.add(info.backend());
        }
        if (info.batch() > 0) {
            parts.add("batch " + info.batch());
        }
        if (info.budgetBytes() > 0) {
            parts.add("budget " + Bytes.format(info.budgetBytes()));
        }
        parts.add("peak " + Bytes.format(model.peakBytes()) + " at " + where(model.peakX()));
        if (model.hasHostEvents()) {
            parts.add("host peak " + Bytes.format(model.hostPeakBytes()));
        }
        if (model.hasReserved()) {
            parts.add("reserved peak " + Bytes.format(model.reservedPeakBytes()));
        }
        parts.add(String.format(Locale.ROOT, "%,d events", model.eventCount()));
        int ooms = model.ooms().size();
        if (ooms > 0) {
            parts.add(ooms == 1 ? "1 OOM" : ooms + " OOMs");
        }
        return String.join("  ·  ", parts);
    }

    private String where(long x) {
        return switch (model.axis()) {
            case TIME_NS -> String.format(Locale.ROOT, "%,.1f ms", (x - model.xOrigin()) / 1e6);
            case EVENT_INDEX -> String.format(Locale.ROOT, "event %,d", x);
            case ENTRY_ORDER -> String.format(Locale.ROOT, "entry %,d", x);
        };
    }

    /**
     * Rows break where the layout's estimate put them (so the layout's height holds), but entries within a
     * row are spaced by their measured width: the estimate runs wide, and even gaps read as one legend.
     */
    private void paintLegend(Canvas2D c, TimelineLayout l, double left, double maxWidth) {
        if (l.legendRows() == 0) {
            return;
        }
        double u = l.u();
        double font = l.legendFont();
        double sw = Math.round(0.95 * u);
        double[] positions = TimelineLayout.legendPositions(legend, maxWidth, u);
        double rowY = l.legendY() - l.legendRowHeight();
        double x = left;
        for (int i = 0; i < legend.size(); i++) {
            LegendItem item = legend.get(i);
            if (positions[i] == 0) {
                rowY += l.legendRowHeight();
                x = left;
            } else if (item.group() != legend.get(i - 1).group()) {
                x += 0.8 * u;
            }
            double sx = Math.round(x);
            double mid = rowY + l.legendRowHeight() / 2;
            paintSwatch(c, item, sx, Math.round(mid - sw / 2), sw);
            c.fillText(item.label(), sx + sw + 0.45 * u, mid, font, false, Canvas2D.HAlign.LEFT,
                    Canvas2D.VAlign.MIDDLE, TimelineColors.AXIS_TEXT);
            x = sx + sw + 0.45 * u + c.textWidth(item.label(), font, false) + 1.2 * u;
        }
    }

    private static void paintSwatch(Canvas2D c, LegendItem item, double x, double y, double size) {
        switch (item.swatch()) {
            case SOLID -> c.fillRect(x, y, size, size, item.argb());
            case STRIP -> c.fillRect(x, y + size * 0.25, size, size * 0.5, item.argb());
            case HATCHED -> Hatching.fill(c, x, y, size, size, item.argb(), Math.max(3, size / 3));
            case LINE -> c.fillRect(x, y + size * 0.5 - Math.max(1, size / 8), size, Math.max(2, size / 4),
                    item.argb());
            case PALE -> c.fillRect(x, y, size, size, item.argb());
        }
    }

    /** The text, shortened with an ellipsis until it fits {@code maxWidth}. */
    static String fit(Canvas2D c, String text, double size, boolean bold, double maxWidth) {
        if (c.textWidth(text, size, bold) <= maxWidth) {
            return text;
        }
        String s = text;
        while (s.length() > 1 && c.textWidth(s + "…", size, bold) > maxWidth) {
            s = s.substring(0, s.length() - 1);
        }
        return s.strip() + "…";
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
