package io.memscope.visual.lifetime;

import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.Steps;
import io.memscope.trainer.render.AxisTicks;
import io.memscope.trainer.render.LifetimeSegment;
import io.memscope.trainer.render.LifetimeState;
import io.memscope.trainer.render.PhaseInterval;
import io.memscope.trainer.render.TensorLifetime;
import io.memscope.trainer.render.TimelineModel;
import io.memscope.trainer.render.XAxis;
import io.memscope.visual.Palette;
import io.memscope.visual.chart.Ticks;
import io.memscope.visual.timeline.MemoryUnit;
import io.memscope.visual.timeline.TraceTimeAxis;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * Address × time: one block per tensor lifetime, coloured by category, in the manner of PyTorch's memory_viz
 * active-memory view. A stretch swapped out or held compressed is a pale block at the address the tensor left,
 * with a dark edge where it left and where it came back. A trace with host memory (the out-of-core mode's
 * swapped-out copies) gets a host lane under the device addresses: the host copies in the host's own address
 * space, on an axis of their own; hover says whose copy a block is. Only blocks in the visible
 * time range are visited, and blocks smaller than a pixel share one pixel per category, so drawing stays fast
 * with hundreds of thousands of tensors. Hover shows a tensor's details; a click selects it. What the trace does
 * not hold about a tensor (its shape, how well it was rebuilt) comes from resolvers the window sets.
 *
 * <p>It draws the same {@link TimelineModel.Live}'s snapshot as the memory chart, the model the exported
 * picture is drawn from: the blocks are its resident {@link TimelineModel#forEachSegment segments}, a hover or
 * click finds the tensor with its {@link TimelineModel#lifetimeIn hit test}.
 *
 * <p>Ranges are seconds of the trace's clock, as the memory chart's; the time axis and the details count from
 * the trace's first event in the unit the exported picture and the chart use for the same range.
 */
public final class LifetimeView extends Region {
    private static final double LEFT = 70;
    private static final double BOTTOM = 26;
    private static final double TOP = 8;
    private static final double RIGHT = 14;
    /** Room between the device plot and the host lane, for the lane's title. */
    private static final double HOST_GAP = 22;
    private static final Font FONT = Font.font("System", 11);

    private final TimelineModel.Live live;
    private TimelineModel model;
    private XAxis axis = XAxis.TIME_NS;
    private final Canvas canvas = new Canvas();
    private double fromSeconds;
    private double toSeconds = 1;
    private long drawnVersion = -1;
    private double drawnFrom = Double.NaN;
    private double drawnTo = Double.NaN;
    private final ReadOnlyObjectWrapper<TensorLifetime> hovered = new ReadOnlyObjectWrapper<>(this, "hovered");
    private final ReadOnlyObjectWrapper<TensorLifetime> selected = new ReadOnlyObjectWrapper<>(this, "selected");
    private final ReadOnlyStringWrapper details = new ReadOnlyStringWrapper(this, "details", "");
    private Function<String, String> shapeOf = name -> "";
    private Function<TensorLifetime, String> extraDetail = t -> "";
    private BiConsumer<Double, Double> onRangeRequest = (a, b) -> setTimeRange(a, b);
    private byte[] occupied = new byte[0];
    private int occupiedWidth;

    public LifetimeView(TimelineModel.Live live) {
        this.live = live;
        this.model = live.snapshot();
        getStyleClass().add("lifetime-view");
        getChildren().add(canvas);
        canvas.addEventHandler(MouseEvent.MOUSE_MOVED, e -> hover(e.getX(), e.getY()));
        canvas.addEventHandler(MouseEvent.MOUSE_EXITED, e -> {
            hovered.set(null);
            updateDetails();
            redraw();
        });
        canvas.addEventHandler(MouseEvent.MOUSE_CLICKED, e -> {
            selected.set(hovered.get());
            updateDetails();
            redraw();
        });
        canvas.addEventHandler(ScrollEvent.SCROLL, this::zoom);
        setMinSize(200, 120);
    }

    /** What the view draws: the snapshot of the model the memory chart draws. */
    public TimelineModel model() {
        return live.snapshot();
    }

    /** Supplies a tensor's shape ("16x6x28x28") from its name; shown in the details. */
    public void setShapeResolver(Function<String, String> shapeOf) {
        this.shapeOf = shapeOf;
        updateDetails();
    }

    /**
     * Supplies what else is known about a tensor's block beyond the trace (e.g. how well it was rebuilt), or an
     * empty string; shown at the end of the details.
     */
    public void setDetailResolver(Function<TensorLifetime, String> extraDetail) {
        this.extraDetail = extraDetail;
        updateDetails();
    }

    /** Where a zoom with the mouse wheel asks for a new time range; by default the view zooms itself. */
    public void setOnRangeRequest(BiConsumer<Double, Double> onRangeRequest) {
        this.onRangeRequest = onRangeRequest;
    }

    /** The tensor under the cursor, or null. */
    public ReadOnlyObjectProperty<TensorLifetime> hoveredProperty() {
        return hovered.getReadOnlyProperty();
    }

    /** The tensor last clicked, or null. */
    public ReadOnlyObjectProperty<TensorLifetime> selectedProperty() {
        return selected.getReadOnlyProperty();
    }

    /**
     * The hovered or selected tensor in two lines: name, layer, category, shape, bytes and address; then its
     * alloc and free times, step and what the detail resolver adds.
     */
    public ReadOnlyStringProperty detailsProperty() {
        return details.getReadOnlyProperty();
    }

    /** Shows {@code [from, to]} seconds; redraws when it differs from what is shown. */
    public void setTimeRange(double from, double to) {
        fromSeconds = from;
        toSeconds = Math.max(from + 1e-9, to);
        refresh();
    }

    /** Redraws when the model or the range changed. */
    public void refresh() {
        if (drawnVersion != live.version() || drawnFrom != fromSeconds || drawnTo != toSeconds) {
            redraw();
        }
    }

    /** Selects a tensor as a click on its block does (null: none). */
    public void select(TensorLifetime t) {
        selected.set(t);
        updateDetails();
        redraw();
    }

    public void clearSelection() {
        selected.set(null);
        hovered.set(null);
        updateDetails();
    }

    @Override
    protected void layoutChildren() {
        double w = snapSizeX(getWidth());
        double h = snapSizeY(getHeight());
        if (canvas.getWidth() != w || canvas.getHeight() != h) {
            canvas.setWidth(w);
            canvas.setHeight(h);
            redraw();
        }
    }

    private double plotWidth() {
        return Math.max(1, canvas.getWidth() - LEFT - RIGHT);
    }

    /** Height of the device plot and, when shown, the gap and the host lane under it. */
    private double panelsHeight() {
        return Math.max(1, canvas.getHeight() - TOP - BOTTOM);
    }

    private boolean hostLaneShown() {
        return model.hasHostEvents();
    }

    /** Height of the host lane: a quarter of the panels, within 36..120 px; 0 without host memory. */
    private double hostHeight() {
        return hostLaneShown() ? Math.round(Math.min(120, Math.max(36, panelsHeight() * 0.25))) : 0;
    }

    private double hostTop() {
        return TOP + plotHeight() + HOST_GAP;
    }

    /** Height of the device plot. */
    private double plotHeight() {
        return Math.max(1, panelsHeight() - (hostLaneShown() ? HOST_GAP + hostHeight() : 0));
    }

    private long addressTop() {
        return Math.max(256, (long) (model.addressEnd() * 1.04));
    }

    private long hostAddressTop() {
        return Math.max(256, (long) (model.hostAddressEnd() * 1.04));
    }

    /** Whether a lifetime is drawn in the host lane: a block of host memory. */
    private static boolean onHost(TensorLifetime t) {
        return t.category() == Category.HOST;
    }

    private double px(long ns) {
        return LEFT + (ns / 1e9 - fromSeconds) / (toSeconds - fromSeconds) * plotWidth();
    }

    private double py(long address) {
        return TOP + plotHeight() - (double) address / addressTop() * plotHeight();
    }

    /** Pixel row of an address in host memory, in the host lane. */
    private double hostPy(long address) {
        return hostTop() + hostHeight() - (double) address / hostAddressTop() * hostHeight();
    }

    /** Pixel row of a lifetime's address, in the device plot or (for host memory) the host lane. */
    private double rowOf(TensorLifetime t, long address) {
        return onHost(t) ? hostPy(address) : py(address);
    }

    /** Where the middle of a tensor's first block is drawn, in the view's coordinates (for tests). */
    javafx.geometry.Point2D centerOf(TensorLifetime t) {
        return new javafx.geometry.Point2D((Math.max(LEFT, px(t.start())) + Math.min(LEFT + plotWidth(), px(t.end()))) / 2,
                (rowOf(t, t.offset()) + rowOf(t, t.offset() + t.bytes())) / 2);
    }

    /** Whether the host lane is drawn now: the trace has host memory. */
    public boolean hostLaneVisible() {
        return model.hasHostEvents();
    }

    private void redraw() {
        drawnVersion = live.version();
        model = live.snapshot();
        drawnFrom = fromSeconds;
        drawnTo = toSeconds;
        GraphicsContext gc = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        gc.setFill(Color.WHITE);
        gc.fillRect(0, 0, w, h);
        if (w < LEFT + RIGHT + 10 || h < TOP + BOTTOM + 10) {
            return;
        }
        drawGrid(gc);
        gc.save();
        gc.beginPath();
        gc.rect(LEFT, TOP, plotWidth(), plotHeight());
        gc.clip();
        drawBlocks(gc);
        gc.restore();
        if (hostLaneShown()) {
            gc.save();
            gc.beginPath();
            gc.rect(LEFT, hostTop(), plotWidth(), hostHeight());
            gc.clip();
            drawHostBlocks(gc);
            gc.restore();
        }
        drawHighlights(gc);
        gc.setStroke(Color.web("#b0b6bd"));
        gc.setLineWidth(1);
        gc.strokeRect(LEFT + 0.5, TOP + 0.5, plotWidth() - 1, plotHeight() - 1);
        if (hostLaneShown()) {
            gc.strokeRect(LEFT + 0.5, hostTop() + 0.5, plotWidth() - 1, hostHeight() - 1);
        }
    }

    private void drawBlocks(GraphicsContext gc) {
        long fromNs = (long) (fromSeconds * 1e9);
        long toNs = (long) (toSeconds * 1e9);
        int pw = (int) Math.ceil(plotWidth()) + 1;
        int ph = (int) Math.ceil(plotHeight()) + 1;
        if (occupied.length < pw * ph) {
            occupied = new byte[pw * ph];
        } else {
            java.util.Arrays.fill(occupied, 0, pw * ph, (byte) 0);
        }
        occupiedWidth = pw;
        Color[] fills = new Color[Category.values().length];
        Color[] edges = new Color[fills.length];
        for (Category c : Category.values()) {
            fills[c.ordinal()] = Palette.of(c);
            edges[c.ordinal()] = Palette.of(c).darker();
        }
        Color[] pale = new Color[fills.length];
        for (Category c : Category.values()) {
            pale[c.ordinal()] = Palette.of(c).deriveColor(0, 1, 1, 0.22);
        }
        gc.setLineWidth(1);
        Color mark = Color.web("#222222");
        // Off the device (swapped out, held compressed): pale at the address it left, under the resident blocks,
        // then a dark edge where the tensor left and where it came back, over them. A block pending free is still
        // on the device: drawn with the resident ones, in a paler shade.
        Color[] pending = new Color[fills.length];
        for (Category c : Category.values()) {
            pending[c.ordinal()] = Palette.pendingFree(c);
        }
        List<double[]> away = new ArrayList<>();
        model.forEachSegment(fromNs, toNs, (start, end, offset, bytes, category, state) -> {
            if (!state.onDevice()) {
                double[] b = block(start, end, offset, bytes);
                gc.setFill(pale[category.ordinal()]);
                gc.fillRect(b[0], b[1], b[2], b[3]);
                away.add(b);
            }
        });
        model.forEachSegment(fromNs, toNs, (start, end, offset, bytes, category, state) -> {
            if (!state.onDevice()) {
                return;
            }
            boolean waiting = state == LifetimeState.PENDING_FREE;
            double x0 = Math.max(LEFT - 1, px(start));
            double x1 = Math.min(LEFT + plotWidth() + 1, px(end));
            double y0 = py(offset + bytes);
            double bw = Math.max(1, x1 - x0);
            double bh = Math.max(1, py(offset) - y0);
            int cat = category.ordinal();
            if (bw <= 1.5 && bh <= 1.5) {
                // A sub-pixel block: one per pixel and category is enough.
                int cx = (int) (x0 - LEFT);
                int cy = (int) (y0 - TOP);
                if (cx >= 0 && cy >= 0 && cx < pw && cy < ph) {
                    int cell = cy * occupiedWidth + cx;
                    if (occupied[cell] == cat + 1) {
                        return;
                    }
                    occupied[cell] = (byte) (cat + 1);
                }
            }
            gc.setFill(waiting ? pending[cat] : fills[cat]);
            gc.fillRect(x0, y0, bw, bh);
            if (bw >= 4 && bh >= 4) {
                gc.setStroke(edges[cat]);
                gc.strokeRect(x0 + 0.5, y0 + 0.5, bw - 1, bh - 1);
            }
        });
        gc.setFill(mark);
        for (double[] b : away) {
            gc.fillRect(b[0] - 2, b[1], 2, b[3]);
            gc.fillRect(b[0] + b[2], b[1], 2, b[3]);
        }
    }

    /** A device segment's rectangle {x, y, width, height}, at least a pixel each way, as the resident pass draws it. */
    private double[] block(long start, long end, long offset, long bytes) {
        double x0 = Math.max(LEFT - 1, px(start));
        double x1 = Math.min(LEFT + plotWidth() + 1, px(end));
        double y1 = py(offset);
        double y0 = py(offset + bytes);
        return new double[] {x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)};
    }

    /** The host copies, in the host lane's address space. */
    private void drawHostBlocks(GraphicsContext gc) {
        long fromNs = (long) (fromSeconds * 1e9);
        long toNs = (long) (toSeconds * 1e9);
        Color fill = Palette.of(Category.HOST);
        Color edge = fill.darker();
        gc.setLineWidth(1);
        model.forEachHostSegment(fromNs, toNs, (start, end, offset, bytes, category, state) -> {
            double x0 = Math.max(LEFT - 1, px(start));
            double x1 = Math.min(LEFT + plotWidth() + 1, px(end));
            double y1 = hostPy(offset);
            double y0 = hostPy(offset + bytes);
            double bw = Math.max(1, x1 - x0);
            double bh = Math.max(1, y1 - y0);
            gc.setFill(fill);
            gc.fillRect(x0, y0, bw, bh);
            if (bw >= 4 && bh >= 4) {
                gc.setStroke(edge);
                gc.strokeRect(x0 + 0.5, y0 + 0.5, bw - 1, bh - 1);
            }
        });
    }

    private void drawHighlights(GraphicsContext gc) {
        for (TensorLifetime t : new TensorLifetime[] {selected.get(), hovered.get()}) {
            if (t != null) {
                double x0 = px(t.start());
                double x1 = px(t.end());
                double y1 = rowOf(t, t.offset());
                double y0 = rowOf(t, t.offset() + t.bytes());
                gc.setStroke(Color.web("#111111"));
                gc.setLineWidth(2);
                gc.strokeRect(x0, y0, Math.max(2, x1 - x0), Math.max(2, y1 - y0));
            }
        }
    }

    private void drawGrid(GraphicsContext gc) {
        gc.setFont(FONT);
        gc.setFill(Color.web("#4a4f55"));
        gc.setStroke(Color.web("#e6e8eb"));
        gc.setLineWidth(1);
        AxisTicks.Ticks ticks = timeTicks();
        gc.setTextAlign(TextAlignment.CENTER);
        gc.setTextBaseline(VPos.TOP);
        double axisY = TOP + panelsHeight() + 5;
        for (int i = 0; i < ticks.values().length; i++) {
            double x = Math.round(px((long) ticks.values()[i])) + 0.5;
            gc.strokeLine(x, TOP, x, TOP + plotHeight());
            if (hostLaneShown()) {
                gc.strokeLine(x, hostTop(), x, hostTop() + hostHeight());
            }
            gc.fillText(ticks.labels()[i], x, axisY);
        }
        gc.setTextAlign(TextAlignment.RIGHT);
        gc.fillText(ticks.title(), LEFT - 6, axisY);
        long top = addressTop();
        MemoryUnit unit = MemoryUnit.forMaximum(top);
        double astep = Ticks.step(unit.of(top), (int) Math.max(2, plotHeight() / 40));
        gc.setTextAlign(TextAlignment.RIGHT);
        gc.setTextBaseline(VPos.CENTER);
        for (double a = 0; a <= unit.of(top); a += astep) {
            double y = Math.round(py((long) (a * unit.bytes()))) + 0.5;
            gc.strokeLine(LEFT, y, LEFT + plotWidth(), y);
            gc.fillText(String.format(Locale.ROOT, astep >= 1 ? "%.0f %s" : "%.1f %s", a, unit.symbol()), LEFT - 6, y);
        }
        gc.save();
        gc.translate(12, TOP + plotHeight() / 2);
        gc.rotate(-90);
        gc.setTextAlign(TextAlignment.CENTER);
        gc.fillText("Address", 0, 0);
        gc.restore();
        if (hostLaneShown()) {
            drawHostGrid(gc);
        }
    }

    /** The host lane's title and address axis (addresses in host memory, from 0). */
    private void drawHostGrid(GraphicsContext gc) {
        gc.setTextAlign(TextAlignment.LEFT);
        gc.setTextBaseline(VPos.CENTER);
        gc.setFill(Color.web("#1f1f1f"));
        gc.fillText("Host memory  \u00b7  copies swapped out of the device, at their addresses in host memory", LEFT,
                hostTop() - HOST_GAP / 2);
        long top = hostAddressTop();
        MemoryUnit unit = MemoryUnit.forMaximum(top);
        double step = Ticks.step(unit.of(top), (int) Math.max(2, hostHeight() / 30));
        gc.setFill(Color.web("#4a4f55"));
        gc.setTextAlign(TextAlignment.RIGHT);
        for (double a = 0; a <= unit.of(top); a += step) {
            double y = Math.round(hostPy((long) (a * unit.bytes()))) + 0.5;
            gc.strokeLine(LEFT, y, LEFT + plotWidth(), y);
            gc.fillText(String.format(Locale.ROOT, step >= 1 ? "%.0f %s" : "%.1f %s", a, unit.symbol()), LEFT - 6, y);
        }
        gc.save();
        gc.translate(12, hostTop() + hostHeight() / 2);
        gc.rotate(-90);
        gc.setTextAlign(TextAlignment.CENTER);
        gc.fillText("Host", 0, 0);
        gc.restore();
    }

    /** What the horizontal axis counts: time, or event numbers held in place of times (as the memory chart). */
    public void setAxis(XAxis axis) {
        this.axis = axis;
        redraw();
    }

    private long origin() {
        return axis == XAxis.TIME_NS ? model.xMin() : 0;
    }

    /** The time axis' ticks for the range shown: the memory chart's and the exported picture's for it. */
    public AxisTicks.Ticks timeTicks() {
        long x0 = (long) Math.floor(fromSeconds * 1e9);
        long x1 = Math.max(x0 + 1, (long) Math.ceil(toSeconds * 1e9));
        return AxisTicks.x(axis, origin(), x0, x1,
                AxisTicks.xTarget(plotWidth(), TraceTimeAxis.TEXT_UNIT));
    }

    /** A time of the trace's clock in nanoseconds as the details write it: from the first event. */
    private String time(long ns) {
        long x0 = (long) Math.floor(fromSeconds * 1e9);
        long x1 = Math.max(x0 + 1, (long) Math.ceil(toSeconds * 1e9));
        return AxisTicks.at(axis, origin(), ns, x0, x1, (x1 - x0) / plotWidth());
    }

    private void hover(double x, double y) {
        boolean inDevice = y >= TOP && y <= TOP + plotHeight();
        boolean inHost = hostLaneShown() && y >= hostTop() && y <= hostTop() + hostHeight();
        if (x < LEFT || x > LEFT + plotWidth() || !(inDevice || inHost)) {
            hovered.set(null);
        } else {
            double nsPerPixel = (toSeconds - fromSeconds) * 1e9 / plotWidth();
            long ns = (long) (((x - LEFT) / plotWidth() * (toSeconds - fromSeconds) + fromSeconds) * 1e9);
            long timeSlack = (long) (nsPerPixel * 2);
            if (inDevice) {
                long address = (long) ((TOP + plotHeight() - y) / plotHeight() * addressTop());
                long slack = (long) (addressTop() / plotHeight() * 2);
                hovered.set(model.lifetimeIn(ns - timeSlack, ns + timeSlack, address - slack, address + slack)
                        .orElse(null));
            } else {
                long address = (long) ((hostTop() + hostHeight() - y) / hostHeight() * hostAddressTop());
                long slack = (long) (hostAddressTop() / hostHeight() * 2);
                hovered.set(model.hostLifetimeIn(ns - timeSlack, ns + timeSlack, address - slack, address + slack)
                        .orElse(null));
            }
        }
        updateDetails();
        redraw();
    }

    private void zoom(ScrollEvent e) {
        if (e.getDeltaY() == 0) {
            return;
        }
        double factor = e.getDeltaY() > 0 ? 0.8 : 1.25;
        double at = (e.getX() - LEFT) / plotWidth() * (toSeconds - fromSeconds) + fromSeconds;
        double from = at - (at - fromSeconds) * factor;
        double to = at + (toSeconds - at) * factor;
        onRangeRequest.accept(Math.max(0, from), to);
        e.consume();
    }

    /** Reads the hovered or selected tensor's details again, e.g. after the detail resolver learned more. */
    public void refreshDetails() {
        updateDetails();
    }

    private void updateDetails() {
        TensorLifetime t = hovered.get() != null ? hovered.get() : selected.get();
        details.set(t == null ? "" : describe(t));
    }

    /** The details of the tensor first seen {@code index}th (see {@link TimelineModel#lifetime}). */
    public String describe(int index) {
        return describe(model().lifetime(index));
    }

    /**
     * Two lines about a tensor: what it is (name, layer, category, shape, bytes, address), then its life, with
     * where it went when it was swapped out. A block of host memory says whose copy it is and that its address
     * is one in host memory.
     */
    public String describe(TensorLifetime t) {
        String copyOf = t.hostCopyOf();
        String shape = shapeOf.apply(copyOf.isEmpty() ? t.name() : copyOf);
        java.util.OptionalLong requested = t.pendingFreeSince();
        String life = (t.openStart() ? "allocated before the trace" : "alloc " + time(t.start())) + ", "
                + (requested.isPresent() ? "free requested " + time(requested.getAsLong()) + ", " : "")
                + (t.openEnd() ? (onHost(t) ? "still held" : requested.isPresent() ? "not yet free" : "still resident")
                : "free " + time(t.end()))
                + swaps(t);
        int step = stepAt(t.start());
        String layer = t.layer() == null ? "" : t.layer();
        String extra = extraDetail.apply(t);
        String name = t.name().isEmpty() ? "tensor " + t.tensorId() : t.name();
        return name + (copyOf.isEmpty() ? "" : "  \u00b7  host copy of " + copyOf)
                + (layer.isEmpty() ? "" : "  \u00b7  layer " + layer)
                + "  \u00b7  " + Palette.label(t.category())
                + (shape == null || shape.isEmpty() ? "" : "  \u00b7  " + shape)
                + "  \u00b7  " + Bytes.format(t.bytes()) + (onHost(t) ? " at host +" : " at +") + Bytes.format(t.offset())
                + "\n" + life + (step >= 0 ? "  \u00b7  step " + Steps.shown(step) : "")
                + (extra == null || extra.isEmpty() ? "" : "  \u00b7  " + extra);
    }

    /**
     * When a tensor was swapped out to host memory and whether it came back: ", swapped out to host 1.2 ms, back
     * 3.4 ms"; ", freed there" when it was freed while out; the count and the first when it went more than once.
     */
    private String swaps(TensorLifetime t) {
        List<LifetimeSegment> parts = t.segments();
        int first = -1;
        int times = 0;
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).state() == LifetimeState.SWAPPED_OUT) {
                first = first < 0 ? i : first;
                times++;
            }
        }
        if (times == 0) {
            return "";
        }
        LifetimeSegment out = parts.get(first);
        if (times > 1) {
            return ", swapped out to host " + times + " times, first " + time(out.start());
        }
        boolean back = first + 1 < parts.size();
        return ", swapped out to host " + time(out.start())
                + (back ? ", back " + time(out.end()) : t.openEnd() ? "" : ", freed there");
    }

    /** The training step running at x: the step of the phase there, -1 during setup or without phases. */
    private int stepAt(long x) {
        List<PhaseInterval> around = model().phasesIn(x, x);
        return around.isEmpty() ? -1 : around.get(around.size() - 1).step();
    }
}
