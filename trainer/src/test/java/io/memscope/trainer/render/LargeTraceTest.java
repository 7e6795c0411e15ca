package io.memscope.trainer.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A trace of a million events must stay interactive: the model builds once, then aggregation and drawing cost
 * what the picture needs, not what the trace holds. Prints the times; asserts only a loose bound, since a
 * timing assert tight enough to mean something would fail on a busy machine.
 */
class LargeTraceTest {
    private static final long BUDGET = 8L << 30;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void millionEventTraceBuildsAggregatesAndRenders() throws IOException {
        SyntheticTrace t = new SyntheticTrace(BUDGET, 42);
        int layers = 50;
        int steps = 1_000_000 / (8 * layers + 4) + 1;
        t.run(steps, layers, true);
        List<MemoryEvent> events = t.events;
        assertTrue(events.size() >= 1_000_000, "events: " + events.size());
        TraceInfo info = new TraceInfo("ResNet-50 (synthetic)", "baseline", "meta", 256, BUDGET, null);

        long t0 = System.nanoTime();
        TimelineModel model = TimelineModel.of(info, events);
        long t1 = System.nanoTime();
        Viewport all = Viewport.of(model);
        Aggregate first = model.aggregate(all.x0(), all.x1(), 2000);
        long t2 = System.nanoTime();
        long bestAggregate = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long s = System.nanoTime();
            model.aggregate(all.x0(), all.x1(), 2000);
            bestAggregate = Math.min(bestAggregate, System.nanoTime() - s);
        }
        long t3 = System.nanoTime();
        BufferedImage image = PngExporter.render(model, 1920, 1080, null);
        long t4 = System.nanoTime();
        BufferedImage again = PngExporter.render(model, 1920, 1080, null);
        long t5 = System.nanoTime();
        Path out = PngExporterTest.EXAMPLES.resolve("large-1m-1920x1080.png");
        PngExporter.export(out, model, 1920, 1080, null);
        long t6 = System.nanoTime();
        int mid = model.steps().size() / 2;
        Viewport threeSteps = new Viewport(model.steps().get(mid).x(), model.steps().get(mid + 3).x());
        long zoomStart = System.nanoTime();
        PngExporter.render(model, 1920, 1080, threeSteps);
        long zoomEnd = System.nanoTime();
        Path svg = PngExporterTest.EXAMPLES.resolve("large-1m-1920x1080.svg");
        long svgStart = System.nanoTime();
        SvgExporter.export(svg, model, 1920, 1080, null);
        long svgEnd = System.nanoTime();
        long svgBytes = Files.size(svg);

        System.out.printf(Locale.ROOT, "1M-event timeline: %,d events, %,d lifetimes%n", model.eventCount(),
                model.lifetimeCount());
        System.out.printf(Locale.ROOT, "  build model          %8.1f ms%n", (t1 - t0) / 1e6);
        System.out.printf(Locale.ROOT, "  aggregate 2000 cols  %8.1f ms first, %.2f ms best of 5%n",
                (t2 - t1) / 1e6, bestAggregate / 1e6);
        System.out.printf(Locale.ROOT, "  render 1920x1080     %8.1f ms first, %.1f ms second%n", (t4 - t3) / 1e6,
                (t5 - t4) / 1e6);
        System.out.printf(Locale.ROOT, "  render zoomed 3 steps %7.1f ms%n", (zoomEnd - zoomStart) / 1e6);
        System.out.printf(Locale.ROOT, "  render + write PNG   %8.1f ms -> %s%n", (t6 - t5) / 1e6, out);
        System.out.printf(Locale.ROOT, "  render + write SVG   %8.1f ms -> %s, %,d bytes%n", (svgEnd - svgStart) / 1e6,
                svg, svgBytes);

        assertEquals(2000, first.columns());
        assertEquals(model.peakBytes(), maxOver(first));
        assertEquals(1920, image.getWidth());
        assertEquals(1080, again.getHeight());
        assertTrue(svgBytes < 4_000_000, "the SVG of a million events has " + svgBytes + " bytes");
        assertTrue((zoomEnd - t0) / 1e9 < 20, "a million events took " + (zoomEnd - t0) / 1e9 + " s");
    }

    private static long maxOver(Aggregate a) {
        long max = 0;
        for (int c = 0; c < a.columns(); c++) {
            max = Math.max(max, a.totalMax(c));
        }
        return max;
    }
}
