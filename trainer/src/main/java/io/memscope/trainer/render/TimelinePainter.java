package io.memscope.trainer.render;

import java.util.List;
import java.util.Optional;

/**
 * Draws a {@link TimelineModel} onto any {@link Canvas2D}: title and legend, the stacked resident-memory
 * panel with its phase strip, the host lane when the trace has host memory, and the tensor-lifetime panel,
 * sharing one x axis. The cost depends on the
 * picture's size and on the lifetimes in view, not on the trace's length.
 */
public final class TimelinePainter {
    private final TimelineModel model;
    private final List<LegendItem> legend;
    private final HeaderPainter header;
    private final PhaseStripPainter phases;
    private final ResidentPanelPainter resident;
    private final HostLanePainter host;
    private final LifetimePanelPainter lifetimes;
    private final MarkerPainter markers;

    public TimelinePainter(TimelineModel model) {
        this.model = model;
        this.legend = LegendItem.of(model);
        this.header = new HeaderPainter(model, legend);
        this.phases = new PhaseStripPainter(model);
        this.resident = new ResidentPanelPainter(model);
        this.host = new HostLanePainter(model);
        this.lifetimes = new LifetimePanelPainter(model);
        this.markers = new MarkerPainter(model);
    }

    public TimelineModel model() {
        return model;
    }

    /** Draws the whole trace into a {@code width} x {@code height} pixel area at the canvas origin. */
    public void paint(Canvas2D canvas, double width, double height) {
        paint(canvas, width, height, Viewport.of(model));
    }

    /** Draws the part of the trace in {@code viewport}. */
    public void paint(Canvas2D canvas, double width, double height, Viewport viewport) {
        TimelineLayout l = layout(width, height);
        XScale xs = new XScale(l.area().x(), l.area().w(), viewport.x0(), viewport.x1());
        AxisTicks.Ticks xTicks = AxisTicks.x(model.axis(), model.xOrigin(), viewport.x0(), viewport.x1(),
                AxisTicks.xTarget(l.area().w(), l.u()));

        canvas.fillRect(0, 0, width, height, TimelineColors.BACKGROUND);
        header.paint(canvas, l);
        phases.paint(canvas, l, xs);
        resident.paint(canvas, l, xs, xTicks);
        host.paint(canvas, l, xs, xTicks);
        lifetimes.paint(canvas, l, xs, xTicks);
        markers.paint(canvas, l, xs);
        Grid.frame(canvas, l.area());
        if (l.hasHostLane()) {
            Grid.frame(canvas, l.hostLane());
        }
        Grid.frame(canvas, l.lifetimes());
        XAxisLabels.paint(canvas, l, xs, xTicks);
        if (model.eventCount() == 0) {
            canvas.fillText("no events recorded", l.area().x() + l.area().w() / 2, l.area().y() + l.area().h() / 2,
                    l.u(), false, Canvas2D.HAlign.CENTER, Canvas2D.VAlign.MIDDLE, TimelineColors.SUBTLE_TEXT);
        }
    }

    /**
     * The tensor under a pixel of a picture painted with the same size and viewport (for hover and click in a
     * UI), or empty when the pixel is outside the lifetime panel or over free memory.
     */
    public Optional<TensorLifetime> lifetimeAt(double px, double py, double width, double height, Viewport viewport) {
        TimelineLayout l = layout(width, height);
        Rect r = l.lifetimes();
        if (!r.contains(px, py)) {
            return Optional.empty();
        }
        XScale xs = new XScale(r.x(), r.w(), viewport.x0(), viewport.x1());
        ByteScale s = lifetimes.scale(r, xs);
        double pixel = Math.floor(px);
        long x0 = (long) Math.floor(xs.xAt(pixel));
        long x1 = (long) Math.ceil(xs.xAt(pixel + 1));
        long a1 = (long) Math.ceil(s.bytesAt(Math.floor(py)));
        long a0 = (long) Math.floor(s.bytesAt(Math.floor(py) + 1));
        return model.lifetimeIn(x0, x1, Math.max(0, a0), Math.max(0, a1 - 1));
    }

    private TimelineLayout layout(double width, double height) {
        return TimelineLayout.of(width, height, legend, model.hasHostEvents());
    }
}
