package io.memscope.trainer.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.memory.Category;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The value axes fit the data in view, not the budget: a LeNet-sized run (a few MiB) in a 512 MiB budget must
 * fill its panels, with the budget and the arena's capacity noted at the top edge; an OOM still shows both.
 */
class PanelScaleTest {
    private static final long BUDGET = 512L << 20;
    private static final long USED = 4L << 20;
    private static final int W = 1600;
    private static final int H = 900;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static TimelineModel small() {
        return TimelineModel.of(SyntheticTrace.info(BUDGET), SyntheticTrace.small(3, USED, 1).events);
    }

    private static TimelineLayout layout(TimelineModel model) {
        return TimelineLayout.of(W, H, LegendItem.of(model));
    }

    @Test
    void residentMemoryFillsItsPanelWhenFarBelowTheBudget() throws IOException {
        TimelineModel model = small();
        assertTrue(model.peakBytes() < BUDGET / 100, "the trace is small: " + model.peakBytes());
        RecordingCanvas c = RecordingCanvas.paint(model, W, H, Viewport.of(model));
        Files.createDirectories(PngExporterTest.EXAMPLES);
        ImageIO.write(c.image, "png", PngExporterTest.EXAMPLES.resolve("small-in-large-budget.png").toFile());
        Rect area = layout(model).area();

        // The peak sits just under the top edge (8% headroom), not on the floor.
        int top = topmostDataRow(c.image, area);
        assertTrue(top < area.y() + 0.15 * area.h(), "highest data at row " + top + " of panel "
                + area.y() + ".." + area.bottom());
        int activation = tallestRun(c.image, area, TimelineColors.of(Category.ACTIVATION));
        assertTrue(activation > 0.25 * area.h(), "activations " + activation + " px tall in a "
                + area.h() + " px panel");

        // The budget is far above: a note at the top right, no line.
        List<RecordingCanvas.Text> budget = c.textsStartingWith("budget 512.0 MiB");
        assertEquals(1, budget.size(), "one budget label");
        RecordingCanvas.Text note = budget.get(0);
        assertEquals("budget 512.0 MiB \u2191", note.text());
        assertTrue(note.right() <= area.right() && note.right() > area.right() - 3 * layout(model).u(),
                "note at the right edge: " + note);
        assertTrue(note.top() >= area.y() && note.bottom() < area.y() + 3 * layout(model).u(),
                "note at the top edge: " + note);
        assertTrue(dashedIn(c, area).isEmpty(), "no budget line squashing the data");
    }

    @Test
    void lifetimeAddressesRunToTheHighWaterMarkWithTheCapacityNoted() {
        TimelineModel model = small();
        RecordingCanvas c = RecordingCanvas.paint(model, W, H, Viewport.of(model));
        Rect life = layout(model).lifetimes();
        int top = topmostDataRow(c.image, life);
        assertTrue(top < life.y() + 0.15 * life.h(), "highest block at row " + top + " of panel "
                + life.y() + ".." + life.bottom());
        List<RecordingCanvas.Text> capacity = c.textsStartingWith("capacity");
        assertEquals(1, capacity.size());
        assertEquals("capacity 512.0 MiB \u2191", capacity.get(0).text());
        assertTrue(capacity.get(0).top() >= life.y() && capacity.get(0).bottom() < life.y() + 3 * layout(model).u(),
                "note at the top edge: " + capacity.get(0));
        assertTrue(dashedIn(c, life).isEmpty(), "no capacity line");
    }

    @Test
    void anOomBringsTheBudgetLineAndTheMarkerIntoView() {
        SyntheticTrace t = SyntheticTrace.small(3, USED, 1, 600L << 20, 1);
        TimelineModel model = TimelineModel.of(SyntheticTrace.info(BUDGET), t.events);
        RecordingCanvas c = RecordingCanvas.paint(model, W, H, Viewport.of(model));
        TimelineLayout l = layout(model);
        Rect area = l.area();
        XScale xs = new XScale(area.x(), area.w(), Viewport.of(model).x0(), Viewport.of(model).x1());
        ResidentPanelPainter resident = new ResidentPanelPainter(model);
        ByteScale s = resident.scale(area, xs, resident.columns(area, xs));
        assertTrue(s.limitOnScale());

        List<RecordingCanvas.Dashed> lines = dashedIn(c, area);
        assertEquals(1, lines.size(), "the budget line");
        RecordingCanvas.Dashed line = lines.get(0);
        assertEquals(s.py(BUDGET), line.y1(), 1.0, "at the budget's height");
        assertTrue(line.y1() < area.y() + 0.15 * area.h(), "near the top, the data below it");
        assertEquals(List.of("budget 512.0 MiB"), c.textsStartingWith("budget").stream()
                .map(RecordingCanvas.Text::text).toList());
        assertEquals(1, c.textsStartingWith("OOM 600.0 MiB").size(), "the OOM's label");
        assertTrue(count(c.image, l.lifetimes(), TimelineColors.OOM) > l.lifetimes().h() / 2,
                "the OOM's line crosses the lifetime panel");
        assertEquals(1, dashedIn(c, l.lifetimes()).size(), "the capacity line");
    }

    @Test
    void theBudgetJoinsTheScaleWhenItIsNear() {
        Rect r = new Rect(0, 0, 100, 100);
        ByteScale near = ByteScale.fit(r, 100 << 20, 120 << 20, false);
        assertTrue(near.limitOnScale());
        assertEquals((long) Math.ceil((120 << 20) * ByteScale.HEADROOM), near.top());
        ByteScale far = ByteScale.fit(r, 100 << 20, 512 << 20, false);
        assertTrue(far.limitAbove());
        assertEquals((long) Math.ceil((100 << 20) * ByteScale.HEADROOM), far.top());
        assertTrue(ByteScale.fit(r, 100 << 20, 512 << 20, true).limitOnScale(), "an OOM in view");
        assertTrue(ByteScale.fit(r, 0, 512 << 20, false).limitOnScale(), "nothing resident: the budget");
        assertFalse(ByteScale.fit(r, 100, 0, false).limitAbove(), "no budget, nothing to note");
        assertEquals(100, far.py(0));
        assertEquals(0, far.py(far.top()), 1e-9);
        assertEquals(far.top() / 2.0, far.bytesAt(50), 1.0);
    }

    @Test
    void theScaleFollowsTheViewport() {
        TimelineModel model = small();
        Rect area = layout(model).area();
        long setupEnd = model.steps().get(0).x();
        ResidentPanelPainter resident = new ResidentPanelPainter(model);
        LifetimePanelPainter lifetimes = new LifetimePanelPainter(model);
        XScale all = new XScale(area.x(), area.w(), model.xMin(), model.xMax());
        XScale setup = new XScale(area.x(), area.w(), model.xMin(), setupEnd);
        ByteScale allScale = resident.scale(area, all, resident.columns(area, all));
        ByteScale setupScale = resident.scale(area, setup, resident.columns(area, setup));
        long setupBytes = model.totalResidentAt(setupEnd - 1);
        assertEquals((long) Math.ceil(model.peakBytes() * ByteScale.HEADROOM), allScale.top());
        assertTrue(setupScale.top() < allScale.top() / 2, "setup holds only parameters and state");
        assertTrue(setupScale.top() >= setupBytes, setupScale + " below " + setupBytes);
        assertTrue(lifetimes.scale(area, setup).top() < lifetimes.scale(area, all).top());
        assertEquals((long) Math.ceil(model.addressEnd() * ByteScale.HEADROOM), lifetimes.scale(area, all).top());
    }

    private static List<RecordingCanvas.Dashed> dashedIn(RecordingCanvas c, Rect r) {
        return c.dashed.stream().filter(d -> d.y1() >= r.y() && d.y1() <= r.bottom() && d.x1() < r.right()
                && d.x2() > r.x()).toList();
    }

    /** The highest pixel row of the panel holding any category's colour. */
    private static int topmostDataRow(BufferedImage image, Rect r) {
        for (int y = (int) r.y(); y < r.bottom(); y++) {
            for (int x = (int) r.x() + 2; x < r.right() - 1; x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                for (Category k : Category.values()) {
                    if (rgb == (TimelineColors.of(k) & 0xFFFFFF)) {
                        return y;
                    }
                }
            }
        }
        return Integer.MAX_VALUE;
    }

    /** The tallest vertical run of one colour in any column of the panel. */
    private static int tallestRun(BufferedImage image, Rect r, int argb) {
        int best = 0;
        for (int x = (int) r.x() + 2; x < r.right() - 1; x++) {
            int run = 0;
            for (int y = (int) r.y(); y < r.bottom(); y++) {
                run = (image.getRGB(x, y) & 0xFFFFFF) == (argb & 0xFFFFFF) ? run + 1 : 0;
                best = Math.max(best, run);
            }
        }
        return best;
    }

    private static int count(BufferedImage image, Rect r, int argb) {
        int n = 0;
        for (int y = (int) r.y(); y < r.bottom(); y++) {
            for (int x = (int) r.x(); x < r.right(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (argb & 0xFFFFFF)) {
                    n++;
                }
            }
        }
        return n;
    }
}
