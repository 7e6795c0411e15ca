package io.memscope.trainer.render;

import io.memscope.trainer.memory.Steps;

import io.memscope.trainer.memory.Bytes;
import java.util.List;

/**
 * Marks drawn over the panels (and the host lane, when there is one): step boundaries (hairlines, labelled
 * "step N" where labels do not collide) and OOMs (a red line, a triangle and the requested size).
 */
final class MarkerPainter {
    private final TimelineModel model;

    MarkerPainter(TimelineModel model) {
        this.model = model;
    }

    void paint(Canvas2D c, TimelineLayout l, XScale xs) {
        paintSteps(c, l, xs);
        paintOoms(c, l, xs);
    }

    /**
     * Step lines and labels at round step numbers. With room, every step gets a line; when steps crowd
     * together, only labelled steps (every 2nd, 5th, 10th...) keep their line, so the lines read as a grid
     * rather than hatching over the data.
     */
    private void paintSteps(Canvas2D c, TimelineLayout l, XScale xs) {
        List<StepBoundary> steps = model.stepsIn(xs.x0(), xs.x1());
        if (steps.isEmpty()) {
            return;
        }
        Rect area = l.area();
        Rect life = l.lifetimes();
        Rect row = l.stepLabels();
        double u = l.u();
        double font = 0.8 * u;
        StepBoundary first = steps.get(0);
        StepBoundary last = steps.get(steps.size() - 1);
        double pxPerStep = last.step() > first.step()
                ? (xs.px(last.x()) - xs.px(first.x())) / (last.step() - first.step())
                : Double.MAX_VALUE;
        double labelWidth = c.textWidth("step " + Steps.shown(last.step()), font, false) + 1.1 * u;
        int labelStride = stride(labelWidth / pxPerStep);
        int lineStride = pxPerStep >= Math.max(6, 0.5 * u) ? 1 : labelStride;
        double lastLine = Double.NEGATIVE_INFINITY;
        double labelsFreeFrom = Double.NEGATIVE_INFINITY;
        for (StepBoundary s : steps) {
            double x = Pixels.crisp(xs.px(s.x()), 1);
            int shown = Steps.shown(s.step());
            if (Math.floorMod(shown, lineStride) != 0 || x - lastLine < 3 || x < area.x() || x > area.right()) {
                continue;
            }
            lastLine = x;
            c.strokeLine(x, l.phaseStrip().y(), x, area.bottom(), 1, TimelineColors.STEP_LINE);
            c.strokeLine(x, life.y(), x, life.bottom(), 1, TimelineColors.STEP_LINE);
            if (l.hasHostLane()) {
                c.strokeLine(x, l.hostLane().y(), x, l.hostLane().bottom(), 1, TimelineColors.STEP_LINE);
            }
            String label = "step " + shown;
            double w = c.textWidth(label, font, false);
            if (Math.floorMod(shown, labelStride) == 0 && x >= labelsFreeFrom
                    && x + 0.3 * u + w <= row.right()) {
                c.strokeLine(x, row.y() + row.h() * 0.25, x, l.phaseStrip().y(), 1, TimelineColors.STEP_LINE);
                c.fillText(label, x + 0.3 * u, row.y() + row.h() * 0.55, font, false, Canvas2D.HAlign.LEFT,
                        Canvas2D.VAlign.MIDDLE, TimelineColors.SUBTLE_TEXT);
                labelsFreeFrom = x + 0.3 * u + w + 0.8 * u;
            }
        }
    }

    /** The smallest of 1, 2, 5, 10, 20, 50... that is at least {@code ratio}. */
    private static int stride(double ratio) {
        return ratio <= 1 ? 1 : (int) Math.min(1 << 30, AxisTicks.niceStep(ratio));
    }

    private void paintOoms(Canvas2D c, TimelineLayout l, XScale xs) {
        Rect area = l.area();
        Rect life = l.lifetimes();
        double u = l.u();
        double width = Pixels.lineWidth(u, 0.12);
        double font = l.tickFont();
        double size = Math.round(0.65 * u);
        double labelsFreeFrom = Double.NEGATIVE_INFINITY;
        for (OomMarker oom : model.oomsIn(xs.x0(), xs.x1())) {
            double x = Pixels.crisp(xs.px(oom.x()), width);
            c.strokeLine(x, area.y(), x, area.bottom(), width, TimelineColors.OOM);
            c.strokeLine(x, life.y(), x, life.bottom(), width, TimelineColors.OOM);
            if (l.hasHostLane()) {
                c.strokeLine(x, l.hostLane().y(), x, l.hostLane().bottom(), width, TimelineColors.OOM);
            }
            double[] triangleX = {x - size, x + size, x};
            double[] triangleY = {area.y(), area.y(), area.y() + size * 1.4};
            c.fillPolygon(triangleX, triangleY, 3, TimelineColors.OOM);
            String label = "OOM " + Bytes.format(oom.requestedBytes());
            double w = c.textWidth(label, font, true);
            double gap = size + 0.3 * u;
            double lx = x + gap + w <= area.right() ? x + gap : x - gap - w;
            if (lx < labelsFreeFrom) {
                continue;
            }
            double ly = area.y() + 0.35 * u;
            c.fillRect(lx - 0.25 * u, ly - 0.1 * u, w + 0.5 * u, font * 1.3, 0xE6FFFFFF);
            c.fillText(label, lx, ly, font, true, Canvas2D.HAlign.LEFT, Canvas2D.VAlign.TOP, TimelineColors.OOM);
            labelsFreeFrom = lx + w + u;
        }
    }
}
