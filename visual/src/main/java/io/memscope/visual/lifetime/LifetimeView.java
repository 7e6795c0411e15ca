package io.memscope.visual.lifetime;

import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.Steps;
import io.memscope.visual.Palette;
import io.memscope.trainer.render.AxisTicks;
import io.memscope.trainer.render.XAxis;
import io.memscope.visual.chart.Ticks;
import io.memscope.visual.timeline.MemoryUnit;
import io.memscope.visual.timeline.TraceTimeAxis;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
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
 * active-memory view. Swapped-out and compressed ends are marked with a dark edge. Only blocks in the visible
 * time range are visited, and blocks smaller than a pixel share one pixel per category, so drawing stays fast
 * with hundreds of thousands of tensors. Hover shows a tensor's details; a click selects it.
 *
 * <p>Ranges are seconds of the trace's clock, as the memory chart's; the time axis and the details count from
 * the trace's first event in the unit the exported picture and the chart use for the same range.
 */
public final class LifetimeView extends Region {
    private static final double LEFT = 70;
    private static final double BOTTOM = 26;
    private static final double TOP = 8;
    private static final double RIGHT = 14;
    private static final Font FONT = Font.font("System", 11);

    private final LifetimeModel model;
    private XAxis axis = XAxis.TIME_NS;
    private final Canvas canvas = new Canvas();
    private double fromSeconds;
    private double toSeconds = 1;
    private long drawnVersion = -1;
    private double drawnFrom = Double.NaN;
    private double drawnTo = Double.NaN;
    private final ReadOnlyIntegerWrapper hovered = new ReadOnlyIntegerWrapper(this, "hovered", -1);
    private final ReadOnlyIntegerWrapper selected = new ReadOnlyIntegerWrapper(this, "selected", -1);
    private final ReadOnlyStringWrapper details = new ReadOnlyStringWrapper(this, "details", "");
    private Function<String, String> shapeOf = name -> "";
    private BiConsumer<Double, Double> onRangeRequest = (a, b) -> setTimeRange(a, b);
    private byte[] occupied = new byte[0];
    private int occupiedWidth;

    public LifetimeView(LifetimeModel model) {
        this.model = model;
        getStyleClass().add("lifetime-view");
        getChildren().add(canvas);
        canvas.addEventHandler(MouseEvent.MOUSE_MOVED, e -> hover(e.getX(), e.getY()));
        canvas.addEventHandler(MouseEvent.MOUSE_EXITED, e -> {
            hovered.set(-1);
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

    public LifetimeModel model() {
        return model;
    }

    /** Supplies a tensor's shape ("16x6x28x28") from its name; shown in the details. */
    public void setShapeResolver(Function<String, String> shapeOf) {
        this.shapeOf = shapeOf;
        updateDetails();
    }

    /** Where a zoom with the mouse wheel asks for a new time range; by default the view zooms itself. */
    public void setOnRangeRequest(BiConsumer<Double, Double> onRangeRequest) {
        this.onRangeRequest = onRangeRequest;
    }

    public ReadOnlyIntegerProperty hoveredProperty() {
        return hovered.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty selectedProperty() {
        return selected.getReadOnlyProperty();
    }

    /** Name, layer, shape, bytes, address, alloc/free times and category of the hovered or selected tensor. */
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
        if (drawnVersion != model.version() || drawnFrom != fromSeconds || drawnTo != toSeconds) {
            redraw();
        }
    }

    public void clearSelection() {
        selected.set(-1);
        hovered.set(-1);
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

    private double plotHeight() {
        return Math.max(1, canvas.getHeight() - TOP - BOTTOM);
    }

    private long addressTop() {
        return Math.max(256, (long) (model.highestAddress() * 1.04));
    }

    private double px(long ns) {
        return LEFT + (ns / 1e9 - fromSeconds) / (toSeconds - fromSeconds) * plotWidth();
    }

    private double py(long address) {
        return TOP + plotHeight() - (double) address / addressTop() * plotHeight();
    }

    private void redraw() {
        drawnVersion = model.version();
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
        gc.setStroke(Color.web("#b0b6bd"));
        gc.setLineWidth(1);
        gc.strokeRect(LEFT + 0.5, TOP + 0.5, plotWidth() - 1, plotHeight() - 1);
    }

    private void drawBlocks(GraphicsContext gc) {
        long fromNs = (long) (fromSeconds * 1e9);
        long toNs = (long) (toSeconds * 1e9);
        long now = model.lastNs();
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
        gc.setLineWidth(1);
        model.forEachVisible(fromNs, toNs, i -> {
            long endNs = model.end(i) == LifetimeModel.OPEN ? now : model.end(i);
            double x0 = Math.max(LEFT - 1, px(model.start(i)));
            double x1 = Math.min(LEFT + plotWidth() + 1, px(endNs));
            double y1 = py(model.offset(i));
            double y0 = py(model.offset(i) + model.bytes(i));
            double bw = Math.max(1, x1 - x0);
            double bh = Math.max(1, y1 - y0);
            int cat = model.category(i).ordinal();
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
            gc.setFill(fills[cat]);
            gc.fillRect(x0, y0, bw, bh);
            if (bw >= 4 && bh >= 4) {
                gc.setStroke(edges[cat]);
                gc.strokeRect(x0 + 0.5, y0 + 0.5, bw - 1, bh - 1);
            }
            int f = model.flags(i);
            if ((f & (LifetimeModel.SWAPPED_OUT | LifetimeModel.COMPRESSED)) != 0) {
                gc.setFill(Color.web("#222222"));
                gc.fillRect(x0 + bw - 2, y0, 2, bh);
            }
            if ((f & (LifetimeModel.SWAPPED_IN | LifetimeModel.DECOMPRESSED)) != 0) {
                gc.setFill(Color.web("#222222"));
                gc.fillRect(x0, y0, 2, bh);
            }
        });
        for (int i : new int[] {selected.get(), hovered.get()}) {
            if (i >= 0 && i < model.blocks()) {
                long endNs = model.end(i) == LifetimeModel.OPEN ? now : model.end(i);
                double x0 = px(model.start(i));
                double x1 = px(endNs);
                double y1 = py(model.offset(i));
                double y0 = py(model.offset(i) + model.bytes(i));
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
        for (int i = 0; i < ticks.values().length; i++) {
            double x = Math.round(px((long) ticks.values()[i])) + 0.5;
            gc.strokeLine(x, TOP, x, TOP + plotHeight());
            gc.fillText(ticks.labels()[i], x, TOP + plotHeight() + 5);
        }
        gc.setTextAlign(TextAlignment.RIGHT);
        gc.fillText(ticks.title(), LEFT - 6, TOP + plotHeight() + 5);
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
    }

    /** What the horizontal axis counts: time, or event numbers held in place of times (as the memory chart). */
    public void setAxis(XAxis axis) {
        this.axis = axis;
        redraw();
    }

    private long origin() {
        return axis == XAxis.EVENT_INDEX ? 0 : model.originNs();
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
        if (x < LEFT || y < TOP || x > LEFT + plotWidth() || y > TOP + plotHeight()) {
            hovered.set(-1);
        } else {
            double nsPerPixel = (toSeconds - fromSeconds) * 1e9 / plotWidth();
            long ns = (long) (((x - LEFT) / plotWidth() * (toSeconds - fromSeconds) + fromSeconds) * 1e9);
            long address = (long) ((TOP + plotHeight() - y) / plotHeight() * addressTop());
            long slack = (long) (addressTop() / plotHeight() * 2);
            hovered.set(blockNear(ns, (long) (nsPerPixel * 2), address, slack));
        }
        updateDetails();
        redraw();
    }

    private int blockNear(long ns, long timeSlack, long address, long addressSlack) {
        int[] best = {-1};
        model.forEachVisible(ns - timeSlack, ns + timeSlack, i -> {
            if (address >= model.offset(i) - addressSlack && address < model.offset(i) + model.bytes(i) + addressSlack) {
                best[0] = i;
            }
        });
        return best[0];
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

    private void updateDetails() {
        int i = hovered.get() >= 0 ? hovered.get() : selected.get();
        details.set(i >= 0 && i < model.blocks() ? describe(i) : "");
    }

    /** One line about block {@code i}. */
    public String describe(int i) {
        MemoryEvent e = model.origin(i);
        String shape = shapeOf.apply(e.tensorName());
        long end = model.end(i);
        String life = "alloc " + time(model.start(i)) + ", "
                + (end == LifetimeModel.OPEN ? "still resident" : "free " + time(end));
        return e.tensorName() + (e.layer().isEmpty() ? "" : "  \u00b7  layer " + e.layer())
                + "  \u00b7  " + Palette.label(model.category(i))
                + (shape == null || shape.isEmpty() ? "" : "  \u00b7  " + shape)
                + "  \u00b7  " + Bytes.format(model.bytes(i)) + " at +" + Bytes.format(model.offset(i))
                + "  \u00b7  " + life + (e.step() >= 0 ? "  \u00b7  step " + Steps.shown(e.step()) : "");
    }
}
