package io.memscope.trainer.render;

import java.util.Arrays;
import java.util.List;

/**
 * The thin strip above the memory curve that says what the trainer was doing: one muted colour per phase kind,
 * a hairline where one layer's phase hands over to the next when there is room to see it, and the phase's
 * name where a run of one kind is wide enough to hold it.
 *
 * <p>Each pixel column is coloured by how long each kind ran inside it, mixed. Zoomed in, a column lies
 * within one phase and gets that phase's colour; zoomed out over thousands of steps, each column blends
 * forward, backward and update in their true proportions instead of flickering between them.
 */
final class PhaseStripPainter {
    private static final PhaseKind[] KINDS = PhaseKind.values();

    private final TimelineModel model;

    PhaseStripPainter(TimelineModel model) {
        this.model = model;
    }

    void paint(Canvas2D c, TimelineLayout l, XScale xs) {
        Rect r = l.phaseStrip();
        int columns = (int) Math.max(1, Math.round(r.w()));
        List<PhaseInterval> phases = model.phasesIn(xs.x0(), xs.x1());
        int[] colour = new int[columns];
        PhaseKind[] dominant = new PhaseKind[columns];
        int[] soleInterval = new int[columns];
        blendColumns(r, xs, phases, colour, dominant, soleInterval);

        int runStart = 0;
        for (int col = 1; col <= columns; col++) {
            if (col == columns || colour[col] != colour[runStart]) {
                c.fillRect(r.x() + runStart, r.y(), col - runStart, r.h(), colour[runStart]);
                runStart = col;
            }
        }
        paintLayerBoundaries(c, r, xs, phases);
        runStart = 0;
        for (int col = 1; col <= columns; col++) {
            if (col == columns || dominant[col] != dominant[runStart]) {
                if (dominant[runStart] != null) {
                    paintLabel(c, l, r, runStart, col, dominant[runStart], sole(phases, soleInterval, runStart, col));
                }
                runStart = col;
            }
        }
    }

    /**
     * Per column: the time-weighted mix of phase colours, the kind that fills more than half of it (or null),
     * and the one interval covering it entirely (or -1).
     */
    private static void blendColumns(Rect r, XScale xs, List<PhaseInterval> phases, int[] colour,
                                     PhaseKind[] dominant, int[] soleInterval) {
        double[] weight = new double[KINDS.length];
        int p = 0;
        for (int col = 0; col < colour.length; col++) {
            double xa = xs.xAt(r.x() + col);
            double xb = xs.xAt(r.x() + col + 1);
            Arrays.fill(weight, 0);
            while (p < phases.size() && phases.get(p).end() <= xa) {
                p++;
            }
            soleInterval[col] = -1;
            for (int i = p; i < phases.size() && phases.get(i).start() < xb; i++) {
                PhaseInterval ph = phases.get(i);
                double overlap = Math.min(ph.end(), xb) - Math.max(ph.start(), xa);
                if (overlap > 0) {
                    weight[ph.kind().ordinal()] += overlap;
                }
                if (ph.start() <= xa && ph.end() >= xb) {
                    soleInterval[col] = i;
                }
            }
            double width = xb - xa;
            double red = 0;
            double green = 0;
            double blue = 0;
            double covered = 0;
            dominant[col] = null;
            for (PhaseKind k : KINDS) {
                double f = weight[k.ordinal()] / width;
                if (f <= 0) {
                    continue;
                }
                int argb = TimelineColors.of(k);
                red += f * ((argb >> 16) & 0xFF);
                green += f * ((argb >> 8) & 0xFF);
                blue += f * (argb & 0xFF);
                covered += f;
                if (f > 0.5) {
                    dominant[col] = k;
                }
            }
            double rest = Math.max(0, 1 - covered);
            int none = TimelineColors.NO_PHASE;
            red += rest * ((none >> 16) & 0xFF);
            green += rest * ((none >> 8) & 0xFF);
            blue += rest * (none & 0xFF);
            colour[col] = 0xFF000000 | (clamp(red) << 16) | (clamp(green) << 8) | clamp(blue);
        }
    }

    /** The single interval a run of columns lies in, or null when it spans several. */
    private static PhaseInterval sole(List<PhaseInterval> phases, int[] soleInterval, int from, int to) {
        int first = soleInterval[from];
        for (int col = from; col < to; col++) {
            if (soleInterval[col] != first || first < 0) {
                return null;
            }
        }
        return phases.get(first);
    }

    private static void paintLabel(Canvas2D c, TimelineLayout l, Rect r, int from, int to, PhaseKind kind,
                                   PhaseInterval only) {
        double font = 0.78 * l.u();
        double room = to - from - 0.8 * l.u();
        // the most that fits: the phase as named (a row-centric band says which band of which segment) with
        // its layer, the phase alone, its kind
        String label = kind.label();
        if (only != null) {
            String name = only.name().isEmpty() ? label : only.name();
            for (String candidate : only.layer().isEmpty() ? new String[] {name}
                    : new String[] {name + " · " + only.layer(), name}) {
                if (c.textWidth(candidate, font, false) <= room) {
                    label = candidate;
                    break;
                }
            }
        }
        if (c.textWidth(label, font, false) <= room) {
            c.fillText(label, r.x() + (from + to) / 2.0, r.y() + r.h() / 2, font, false, Canvas2D.HAlign.CENTER,
                    Canvas2D.VAlign.MIDDLE, TimelineColors.darker(TimelineColors.of(kind), 0.62));
        }
    }

    /** A hairline at each phase start wide enough (four pixels) that the line does not turn into noise. */
    private static void paintLayerBoundaries(Canvas2D c, Rect r, XScale xs, List<PhaseInterval> phases) {
        int line = 0xB3FFFFFF;
        for (int i = 1; i < phases.size(); i++) {
            PhaseInterval before = phases.get(i - 1);
            PhaseInterval p = phases.get(i);
            double x = xs.px(p.start());
            if (x <= r.x() || x >= r.right() || before.end() < p.start()) {
                continue;
            }
            if (xs.px(p.end()) - x >= 4 && x - xs.px(before.start()) >= 4) {
                double cx = Pixels.crisp(x, 1);
                c.strokeLine(cx, r.y(), cx, r.bottom(), 1, line);
            }
        }
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
