package io.memscope.visual.timeline;

import io.fair_acc.chartfx.XYChart;
import io.fair_acc.chartfx.axes.Axis;

/**
 * The timeline's ChartFX chart. ChartFX draws during the scene's layout pulses, and only while shown; an export
 * draws an off-screen copy, which has no pulses, so {@link #drawNow()} runs the same steps directly.
 */
public final class MemoryChart extends XYChart {
    MemoryChart(Axis... axes) {
        super(axes);
    }

    /** Lays the chart out and draws its canvas now, shown or not. */
    public void drawNow() {
        invalidate();
        runPreLayout();
        layout();
        layoutChildren();
        runPostLayout();
    }
}
