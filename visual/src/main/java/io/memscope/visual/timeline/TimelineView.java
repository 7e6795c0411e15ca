package io.memscope.visual.timeline;

import io.fair_acc.chartfx.axes.AxisMode;
import io.fair_acc.chartfx.axes.spi.DefaultNumericAxis;
import io.fair_acc.chartfx.plugins.Zoomer;
import io.fair_acc.dataset.spi.DoubleDataSet;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.render.Aggregate;
import io.memscope.trainer.render.PhaseInterval;
import io.memscope.trainer.render.PhaseKind;
import io.memscope.trainer.render.StepBoundary;
import io.memscope.trainer.render.TimelineModel;
import io.memscope.trainer.render.XAxis;
import io.memscope.visual.Palette;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Rectangle;

/**
 * The live memory timeline: resident device bytes over time stacked by category, the budget, OOM markers,
 * phase bands and step boundaries, with a legend and a readout under the cursor. A trace with host memory (the
 * out-of-core mode's swapped-out copies) gets a {@link HostMemoryLane} under the chart, on its own axis.
 *
 * <p>Ranges ({@link #showRange}, {@link #visibleFrom()}) are seconds of the trace's clock; what the axis and
 * the readout show counts from the trace's first event in the exported picture's unit ({@link TraceTimeAxis}).
 *
 * <p>It draws a {@link TimelineModel.Live}'s snapshot, the model the exported picture is drawn from: the
 * stacked columns are the snapshot's {@link TimelineModel#aggregate aggregate}, and the peak, legend, steps,
 * phases and OOMs are the snapshot's, so window and picture cannot disagree about the trace.
 *
 * <p>Zoom with a drag or the mouse wheel, pan with the right button; either turns "follow live" off, which
 * otherwise keeps the last few steps in view as data arrives. Call {@link #refresh()} once per frame after
 * appending events to the model; it redraws only when something changed.
 */
public final class TimelineView extends BorderPane {
    /** Steps kept in view while following a live run. */
    static final int FOLLOW_STEPS = 4;
    /** The device categories in stacking order, then host memory, which the host lane draws. */
    private static final List<Category> LEGEND_CATEGORIES = java.util.stream.Stream.concat(
            TimelineModel.STACK_ORDER.stream(), java.util.stream.Stream.of(Category.HOST)).toList();

    private final TimelineModel.Live live;
    private final TraceTimeAxis xAxis = new TraceTimeAxis();
    private final DefaultNumericAxis yAxis = new DefaultNumericAxis("Device memory", "MiB");
    private final MemoryChart chart;
    private final StackedMemoryRenderer renderer;
    private final DoubleDataSet extent = new DoubleDataSet("extent", 2);
    private final BooleanProperty followLive = new SimpleBooleanProperty(this, "followLive", true);
    private final ReadOnlyObjectWrapper<String> readout = new ReadOnlyObjectWrapper<>(this, "readout", "");
    private final HostMemoryLane hostLane;
    private final Map<Category, HBox> legendItems = new EnumMap<>(Category.class);
    /** Phase colours of the strip along the top, shown for the kinds of phase the trace has. */
    private final Map<PhaseKind, HBox> phaseLegendItems = new EnumMap<>(PhaseKind.class);
    /** The reserved-memory line's entry, shown while the trace has reserved memory. */
    private HBox reservedLegendItem;
    private final Label title = new Label();
    private final Label peakLabel = new Label();
    private boolean adjusting;
    private long drawnVersion = -1;
    private MemoryUnit unit = MemoryUnit.MIB;

    public TimelineView(TimelineModel.Live live) {
        this.live = live;
        getStyleClass().add("timeline-view");
        xAxis.setAutoRanging(false);
        xAxis.setAutoUnitScaling(false);
        xAxis.setAnimated(false);
        yAxis.setAutoRanging(false);
        yAxis.setAutoUnitScaling(false);
        yAxis.setAnimated(false);
        xAxis.set(0, 1);
        yAxis.set(0, 1);
        chart = new MemoryChart(xAxis, yAxis);
        chart.getStyleClass().add("timeline-chart");
        chart.setLegendVisible(false);
        chart.setAnimated(false);
        chart.getRenderers().clear();
        renderer = new StackedMemoryRenderer(live);
        extent.add(0, 0).add(1, 1);
        renderer.getDatasets().add(extent);
        chart.getRenderers().add(renderer);
        Zoomer zoomer = new Zoomer(AxisMode.X);
        zoomer.setSliderVisible(false);
        zoomer.setAnimated(false);
        zoomer.setPannerEnabled(true);
        chart.getPlugins().add(zoomer);
        chart.setToolBarPinned(false);

        xAxis.minProperty().addListener((o, a, b) -> userMoved());
        xAxis.maxProperty().addListener((o, a, b) -> userMoved());
        followLive.addListener((o, was, now) -> {
            if (now) {
                drawnVersion = -1;
                refresh();
            }
        });
        chart.getCanvas().setOnMouseMoved(e -> updateReadout(e.getX()));
        chart.getCanvas().setOnMouseExited(e -> readout.set(""));

        title.getStyleClass().add("timeline-title");
        peakLabel.getStyleClass().add("timeline-peak");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox header = new HBox(12, title, spacer, peakLabel);
        header.setAlignment(Pos.CENTER_LEFT);
        header.setPadding(new Insets(6, 12, 0, 12));
        header.getStyleClass().add("timeline-header");
        setTop(header);
        hostLane = new HostMemoryLane(live, xAxis, chart.getCanvas(), this::updateReadout);
        hostLane.setVisible(false);
        hostLane.setManaged(false);
        VBox plots = new VBox(chart, hostLane);
        VBox.setVgrow(chart, Priority.ALWAYS);
        setCenter(plots);
        setBottom(buildLegend());
    }

    private FlowPane buildLegend() {
        FlowPane legend = new FlowPane(14, 4);
        legend.getStyleClass().add("timeline-legend");
        legend.setPadding(new Insets(2, 12, 8, 56));
        for (Category c : LEGEND_CATEGORIES) {
            Rectangle swatch = new Rectangle(12, 12, Palette.of(c));
            swatch.setArcWidth(3);
            swatch.setArcHeight(3);
            Label name = new Label(Palette.label(c));
            HBox item = new HBox(5, swatch, name);
            item.setAlignment(Pos.CENTER_LEFT);
            item.getStyleClass().add("legend-item");
            if (c == Category.HOST) {
                item.setId("legend-host");
            }
            legendItems.put(c, item);
            legend.getChildren().add(item);
        }
        Rectangle line = new Rectangle(16, 2, Palette.RESERVED);
        reservedLegendItem = new HBox(5, line, new Label("Reserved (segments)"));
        reservedLegendItem.setAlignment(Pos.CENTER_LEFT);
        reservedLegendItem.getStyleClass().add("legend-item");
        reservedLegendItem.setId("legend-reserved");
        legend.getChildren().add(reservedLegendItem);
        for (PhaseKind k : PhaseKind.values()) {
            Rectangle strip = new Rectangle(16, 7, Palette.phase(k));
            Label name = new Label(k.label());
            HBox item = new HBox(5, strip, name);
            item.setAlignment(Pos.CENTER_LEFT);
            item.getStyleClass().addAll("legend-item", "legend-phase");
            item.setId("legend-phase-" + k.label());
            phaseLegendItems.put(k, item);
            legend.getChildren().add(item);
        }
        return legend;
    }

    /** The builder the view draws from. */
    public TimelineModel.Live live() {
        return live;
    }

    /** What the view draws now: the snapshot of {@link #live()}. */
    public TimelineModel model() {
        return live.snapshot();
    }

    /** The stacked columns the last frame drew (the model's aggregate of the visible range), null before any. */
    public Aggregate drawnColumns() {
        return renderer.lastColumns();
    }

    public MemoryChart chart() {
        return chart;
    }

    /** The host lane under the chart; shown only while the trace has host memory. */
    public HostMemoryLane hostLane() {
        return hostLane;
    }

    /** Following a live run: the view scrolls to keep the newest steps in sight. */
    public BooleanProperty followLiveProperty() {
        return followLive;
    }

    /** The time axis: its tick labels and the readout's time are the exported picture's. */
    public TraceTimeAxis timeAxis() {
        return xAxis;
    }

    /** What lies under the cursor: time, total and each category, or empty. */
    public ReadOnlyObjectProperty<String> readoutProperty() {
        return readout.getReadOnlyProperty();
    }

    public void setTitle(String text) {
        title.setText(text);
    }

    /** Time the last frame took to sample and draw the visible range. */
    public long lastFrameNanos() {
        return renderer.lastFrameNanos();
    }

    /** The visible time range, in seconds. */
    public double visibleFrom() {
        return xAxis.getMin();
    }

    public double visibleTo() {
        return xAxis.getMax();
    }

    /** Shows the whole recording and stops following. */
    public void zoomToFit() {
        followLive.set(false);
        TimelineModel model = model();
        double from = model.xMin() / 1e9;
        double to = Math.max(from + 1e-6, model.xMax() / 1e9);
        setRange(from, to);
        drawnVersion = -1;
        refresh();
    }

    /**
     * After a run: the last few training steps, up to where the held-out evaluation begins, rather than the
     * evaluation the run ended with. Stops following. Nothing changes for a trace without steps.
     */
    public void showTraining() {
        TimelineModel model = model();
        List<StepBoundary> steps = model.steps();
        if (steps.isEmpty()) {
            return;
        }
        long from = steps.get(Math.max(0, steps.size() - FOLLOW_STEPS)).x();
        long to = model.xMax();
        for (PhaseInterval p : model.phasesIn(from, to)) {
            if (p.start() > from && p.name().startsWith("eval")) {
                to = p.start();
                break;
            }
        }
        showRange(from / 1e9, (to + (to - from) * 0.02) / 1e9);
    }

    /** What the horizontal axis counts: time, or event numbers held in the model in place of times. */
    public void setAxis(XAxis axis) {
        xAxis.setAxis(axis);
        chart.invalidate();
    }

    public XAxis axis() {
        return xAxis.axis();
    }

    /** Shows the given time range (seconds) and stops following. */
    public void showRange(double fromSeconds, double toSeconds) {
        followLive.set(false);
        setRange(fromSeconds, toSeconds);
        chart.invalidate();
    }

    /** Redraws when the model changed since the last frame; cheap when nothing did. */
    public void refresh() {
        if (live.version() == drawnVersion) {
            return;
        }
        drawnVersion = live.version();
        TimelineModel model = live.snapshot();
        boolean empty = model.eventCount() == 0;
        // the first event, as the exported picture counts time (the window holds times, or event numbers in
        // their place)
        xAxis.setOriginNs(model.xMin());
        updateScale(model);
        if (empty) {
            setRange(0, 1); // an empty chart reads "nothing yet", not a microsecond scale
        } else if (followLive.get()) {
            double to = Math.max(model.xMax() / 1e9, 1e-6);
            double from = model.xMin() / 1e9;
            List<StepBoundary> steps = model.steps();
            if (steps.size() > FOLLOW_STEPS) {
                from = steps.get(steps.size() - FOLLOW_STEPS).x() / 1e9;
            }
            setRange(from, to + (to - from) * 0.02);
        }
        updateLegend(model);
        boolean host = model.hasHostEvents();
        if (hostLane.isVisible() != host) {
            hostLane.setVisible(host);
            hostLane.setManaged(host);
        }
        hostLane.redraw();
        chart.invalidate();
    }

    private void updateScale(TimelineModel model) {
        long budget = model.info().budgetBytes();
        boolean empty = model.eventCount() == 0;
        // Before any event the scale is the budget's (or 1 MiB), not a byte.
        // reserved memory (an imported snapshot's segments) is drawn over the blocks, so the scale holds it too
        long peak = empty ? (budget > 0 ? budget : 1 << 20) : Math.max(Math.max(model.peakBytes(),
                model.reservedPeakBytes()), 1);
        // The budget shares the scale when it is near the data; otherwise a label marks it above.
        long top = budget > 0 && budget <= peak * 1.6 ? Math.max(peak, budget) : peak;
        MemoryUnit u = MemoryUnit.forMaximum(top);
        if (u != unit) {
            unit = u;
            yAxis.setUnit(u.symbol());
        }
        renderer.setUnit(unit);
        double max = u.of(top) * 1.12 + u.of(top) * StackedMemoryRenderer.BAND_HEIGHT / Math.max(100, chart.getCanvas().getHeight());
        adjusting = true;
        try {
            yAxis.set(0, max);
        } finally {
            adjusting = false;
        }
        peakLabel.setText(empty ? "" : "peak " + Bytes.format(model.peakBytes())
                + (budget > 0 ? "  \u00b7  budget " + Bytes.format(budget) : "")
                + (model.hasHostEvents() ? "  \u00b7  host peak " + Bytes.format(model.hostPeakBytes()) : "")
                + (model.hasReserved() ? "  \u00b7  reserved peak " + Bytes.format(model.reservedPeakBytes()) : "")
                + (model.ooms().isEmpty() ? "" : "  \u00b7  " + model.ooms().size() + " OOM"));
    }

    private void updateLegend(TimelineModel model) {
        boolean empty = model.eventCount() == 0;
        for (Map.Entry<Category, HBox> e : legendItems.entrySet()) {
            boolean seen = e.getKey() == Category.HOST ? model.hasHostEvents()
                    : empty || model.peakBytes(e.getKey()) > 0;
            e.getValue().setVisible(seen);
            e.getValue().setManaged(seen);
        }
        reservedLegendItem.setVisible(model.hasReserved());
        reservedLegendItem.setManaged(model.hasReserved());
        Set<PhaseKind> kinds = phaseKinds(model);
        for (Map.Entry<PhaseKind, HBox> e : phaseLegendItems.entrySet()) {
            boolean seen = kinds.contains(e.getKey());
            e.getValue().setVisible(seen);
            e.getValue().setManaged(seen);
        }
    }

    /** The kinds of phase the trace went through (for the legend). */
    private static Set<PhaseKind> phaseKinds(TimelineModel model) {
        Set<PhaseKind> kinds = EnumSet.noneOf(PhaseKind.class);
        int all = PhaseKind.values().length;
        for (PhaseInterval p : model.phases()) {
            kinds.add(p.kind());
            if (kinds.size() == all) {
                break;
            }
        }
        return kinds;
    }

    private void setRange(double from, double to) {
        adjusting = true;
        try {
            xAxis.set(from, to);
            xAxis.forceRedraw();
        } finally {
            adjusting = false;
        }
    }

    private void userMoved() {
        if (!adjusting) {
            followLive.set(false);
            chart.invalidate();
        }
    }

    /**
     * The readout for the pixel column {@code px} of the chart's canvas (what hovering there, or over the host
     * lane below it, shows).
     */
    void updateReadout(double px) {
        TimelineModel model = live.snapshot();
        double seconds = xAxis.getValueForDisplay(px);
        long ns = (long) (seconds * 1e9);
        if (model.eventCount() == 0 || ns > model.xMax()) {
            readout.set("");
            return;
        }
        double nsPerPixel = (xAxis.getMax() - xAxis.getMin()) * 1e9 / Math.max(1, xAxis.getLength());
        // the pixel's column as the chart draws it: its highest total, and each category's band there
        Aggregate column = model.aggregate(ns, ns + Math.max(1, (long) nsPerPixel), 1);
        StringBuilder sb = new StringBuilder("t = " + xAxis.describe(seconds) + "   total "
                + Bytes.format(column.totalMax(0)));
        long below = 0;
        for (int k = 0; k < TimelineModel.STACK_ORDER.size(); k++) {
            long top = column.stackedMax(0, k);
            long b = top - below;
            below = Math.max(below, top);
            if (b > 0) {
                sb.append("   ").append(Palette.label(TimelineModel.STACK_ORDER.get(k))).append(' ')
                        .append(Bytes.format(b));
            }
        }
        if (model.hasReserved()) {
            Aggregate reserved = model.reservedAggregate(ns, ns + Math.max(1, (long) nsPerPixel), 1);
            sb.append("   \u00b7   reserved ").append(Bytes.format(reserved.totalMax(0)));
        }
        if (model.hasHostEvents()) {
            Aggregate host = model.hostAggregate(ns, ns + Math.max(1, (long) nsPerPixel), 1);
            sb.append("   \u00b7   ").append(Palette.label(Category.HOST)).append(' ')
                    .append(Bytes.format(host.totalMax(0)));
        }
        readout.set(sb.toString());
    }
}
