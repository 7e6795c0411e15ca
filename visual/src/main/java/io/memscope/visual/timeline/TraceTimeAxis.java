package io.memscope.visual.timeline;

import io.fair_acc.chartfx.axes.spi.AxisRange;
import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.dataset.spi.fastutil.DoubleArrayList;
import io.memscope.trainer.render.AxisTicks;
import io.memscope.trainer.render.XAxis;

/**
 * The memory chart's time axis. Its values are seconds of the trace's clock ({@code timeNs / 1e9}), so ranges
 * pass unchanged between the window's views and the exported picture; its ticks and labels are the exported
 * picture's ({@link AxisTicks}): time counted from the trace's first event, in the unit the picture would
 * choose for the same range ("time (ms)" under 20 s), so the window and the PNG read alike.
 */
public final class TraceTimeAxis extends DefaultNumericAxis {
    /** The size unit the picture uses for a window-sized image: its ticks keep the same room. */
    public static final double TEXT_UNIT = 10;

    private long originNs;
    private XAxis axis = XAxis.TIME_NS;
    private AxisTicks.Ticks ticks = new AxisTicks.Ticks(new double[0], new String[0], "time");

    public TraceTimeAxis() {
        super("time", null);
        setMinorTickCount(0);
    }

    /** Where labels count from: the time of the trace's first event, in nanoseconds. */
    public void setOriginNs(long originNs) {
        if (this.originNs != originNs) {
            this.originNs = originNs;
            invalidateTickLabels.run();
            forceRedraw();
        }
    }

    public long originNs() {
        return originNs;
    }

    /**
     * What the values count: the trace's nanoseconds, or (on {@link XAxis#EVENT_INDEX}) event numbers, which the
     * models then hold in place of times (see the app's {@code Recording}); the labels say "event N".
     */
    public void setAxis(XAxis axis) {
        if (this.axis != axis) {
            this.axis = axis;
            invalidateTickLabels.run();
            forceRedraw();
        }
    }

    public XAxis axis() {
        return axis;
    }

    /** Where labels count from: the first event's time, or 0 for event numbers (as the picture counts them). */
    private long origin() {
        return axis == XAxis.TIME_NS ? originNs : 0;
    }

    /** The ticks for {@code [fromSeconds, toSeconds]} over {@code lengthPx} pixels, as the picture draws them. */
    public AxisTicks.Ticks ticksFor(double fromSeconds, double toSeconds, double lengthPx) {
        long x0 = (long) Math.floor(fromSeconds * 1e9);
        long x1 = Math.max(x0 + 1, (long) Math.ceil(toSeconds * 1e9));
        return AxisTicks.x(axis, origin(), x0, x1, AxisTicks.xTarget(lengthPx, TEXT_UNIT));
    }

    /** The labels of the ticks now shown, left to right. */
    public String[] tickLabels() {
        return ticks.labels().clone();
    }

    /** A time of the trace's clock (seconds) as the readout writes it, to about one pixel's precision. */
    public String describe(double seconds) {
        long x0 = (long) Math.floor(getMin() * 1e9);
        long x1 = Math.max(x0 + 1, (long) Math.ceil(getMax() * 1e9));
        double nsPerPixel = (x1 - x0) / Math.max(1, getLength());
        return AxisTicks.at(axis, origin(), seconds * 1e9, x0, x1, nsPerPixel);
    }

    @Override
    protected void calculateMajorTickValues(AxisRange range, DoubleArrayList out) {
        double length = range.getAxisLength() > 0 ? range.getAxisLength() : getLength();
        ticks = ticksFor(range.getMin(), range.getMax(), length);
        for (double v : ticks.values()) {
            out.add(v / 1e9);
        }
        if (!ticks.title().equals(getName())) {
            setName(ticks.title());
        }
    }

    @Override
    protected void calculateMinorTickValues(DoubleArrayList out) {
        // Major ticks only, like the picture.
    }

    @Override
    public String getTickMarkLabel(double value) {
        double[] values = ticks.values();
        String[] labels = ticks.labels();
        for (int i = 0; i < values.length; i++) {
            if (Math.abs(values[i] / 1e9 - value) <= 1e-12 * Math.max(1, Math.abs(value))) {
                return labels[i];
            }
        }
        return describe(value);
    }
}
