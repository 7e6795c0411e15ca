package io.memscope.trainer.render;

import java.util.List;

/**
 * Where everything goes for one image size. Every length is a multiple of the text unit {@code u}, which grows
 * with the image, so an 800x500 thumbnail and a 4K slide keep the same proportions. The layout depends only on
 * the size, the legend's labels (widths are estimated, not measured) and whether there is a host lane, so a UI
 * can map a mouse position to the model with the same numbers the painter used.
 *
 * <p>A trace with host memory gets a host lane ({@code hostTitle}, {@code hostLane}) between the resident panel
 * and the lifetime panel, its height taken from both; without one the two are null and every other rectangle is
 * where it always was.
 */
record TimelineLayout(double width, double height, double u, double titleY, double subtitleY, double legendY,
                      int legendRows, double legendRowHeight, Rect areaTitle, Rect stepLabels, Rect phaseStrip,
                      Rect area, Rect hostTitle, Rect hostLane, Rect lifetimeTitle, Rect lifetimes, double xLabelY,
                      double xTitleY) {
    /** Share of the plots' height the host lane takes when there is one. */
    static final double HOST_LANE_SHARE = 0.14;

    /** Average glyph width of SansSerif relative to its size, rounded up so estimated rows never run short. */
    private static final double CHAR_WIDTH = 0.62;

    static TimelineLayout of(double width, double height, List<LegendItem> legend) {
        return of(width, height, legend, false);
    }

    static TimelineLayout of(double width, double height, List<LegendItem> legend, boolean hostLane) {
        double u = Math.max(10, Math.min(64, Math.sqrt(width * height) / 80));
        double pad = padFor(u);
        double left = Math.round(pad + 6.6 * u);
        double plotWidth = Math.max(20, Math.floor(width - pad - 0.4 * u - left));

        double y = pad;
        double titleY = y;
        y += 1.55 * u;
        double subtitleY = y;
        y += 1.3 * u + 0.55 * u;
        double legendY = y;
        double rowHeight = 1.5 * u;
        double bottomFixed = 1.5 * u + 1.5 * u + 0.6 * pad;
        double lifetimeHeader = 1.2 * u + 1.4 * u;
        double panelHeader = 1.4 * u + 1.15 * u + 1.25 * u + 0.25 * u;
        double hostHeader = hostLane ? 1.2 * u + 1.4 * u : 0;
        int rows = legendRows(legend, width - 2 * pad, u);
        // A very small picture keeps its plots and gives up the legend.
        if (height - y - rows * rowHeight - 0.7 * u - panelHeader - hostHeader - lifetimeHeader - bottomFixed
                < 12 * u) {
            rows = 0;
        }
        y += rows * rowHeight + (rows > 0 ? 0.7 * u : 0);
        Rect areaTitle = new Rect(left, y, plotWidth, 1.4 * u);
        y += 1.4 * u;
        Rect stepLabels = new Rect(left, y, plotWidth, 1.15 * u);
        y += 1.15 * u;
        Rect strip = new Rect(left, Math.round(y), plotWidth, Math.round(1.25 * u));
        y = strip.bottom() + Math.round(0.25 * u);
        double available = Math.max(40, height - y - lifetimeHeader - hostHeader - bottomFixed);
        double hostHeight = hostLane ? Math.max(Math.round(3 * u), Math.round(available * HOST_LANE_SHARE)) : 0;
        double areaHeight = Math.round((available - hostHeight) * 0.55);
        Rect area = new Rect(left, Math.round(y), plotWidth, areaHeight);
        y = area.bottom();
        Rect hostTitle = null;
        Rect host = null;
        if (hostLane) {
            y += 1.2 * u;
            hostTitle = new Rect(left, y, plotWidth, 1.4 * u);
            y += 1.4 * u;
            host = new Rect(left, Math.round(y), plotWidth, hostHeight);
            y = host.bottom();
        }
        y += 1.2 * u;
        Rect lifetimeTitle = new Rect(left, y, plotWidth, 1.4 * u);
        y += 1.4 * u;
        Rect lifetimes = new Rect(left, Math.round(y), plotWidth, Math.max(20, available - hostHeight - areaHeight));
        double xLabelY = lifetimes.bottom() + 0.45 * u;
        double xTitleY = xLabelY + 1.5 * u;
        return new TimelineLayout(width, height, u, titleY, subtitleY, legendY, rows, rowHeight, areaTitle,
                stepLabels, strip, area, hostTitle, host, lifetimeTitle, lifetimes, xLabelY, xTitleY);
    }

    boolean hasHostLane() {
        return hostLane != null;
    }

    /** Margin around the whole picture. */
    double pad() {
        return padFor(u);
    }

    private static double padFor(double u) {
        return Math.round(1.2 * u);
    }

    double tickFont() {
        return 0.85 * u;
    }

    double legendFont() {
        return 0.9 * u;
    }

    /** Estimated width of one legend entry: swatch, gap, label, spacing to the next entry. */
    static double legendItemWidth(String label, double u) {
        return 1.0 * u + 0.45 * u + label.length() * CHAR_WIDTH * 0.9 * u + 1.4 * u;
    }

    private static int legendRows(List<LegendItem> legend, double available, double u) {
        if (legend.isEmpty()) {
            return 0;
        }
        double[] left = legendPositions(legend, available, u);
        int rows = 1;
        for (int i = 1; i < legend.size(); i++) {
            if (left[i] == 0) {
                rows++;
            }
        }
        return rows;
    }

    /**
     * Left edge of each legend entry within its row (0 starts a new row), from estimated widths. Entries flow
     * left to right; a group (categories, off-device states, phases) that would be split across rows starts
     * a row of its own.
     */
    static double[] legendPositions(List<LegendItem> legend, double available, double u) {
        double[] left = new double[legend.size()];
        double x = 0;
        for (int i = 0; i < legend.size(); i++) {
            LegendItem item = legend.get(i);
            double w = legendItemWidth(item.label(), u);
            boolean groupStart = i > 0 && item.group() != legend.get(i - 1).group();
            if (groupStart) {
                double groupWidth = 0;
                for (int j = i; j < legend.size() && legend.get(j).group() == item.group(); j++) {
                    groupWidth += legendItemWidth(legend.get(j).label(), u);
                }
                if (x + groupWidth > available && groupWidth <= available) {
                    x = 0;
                }
            }
            if (x > 0 && x + w > available) {
                x = 0;
            }
            left[i] = x;
            x += w;
        }
        return left;
    }
}
