package io.memscope.trainer.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngExporterTest {
    private static final long BUDGET = 512L << 20;
    /** Pictures kept after the build, to look at. */
    static final Path EXAMPLES = Path.of("target", "render-examples");

    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void writesAPngWithTheCategoryAndBudgetColours() throws IOException {
        SyntheticTrace t = SyntheticTrace.cnn(3, 6, BUDGET, 1);
        Path out = EXAMPLES.resolve("timeline-1200x800.png");
        PngExporter.export(out, SyntheticTrace.info(BUDGET), t.events, 1200, 800);

        BufferedImage image = ImageIO.read(out.toFile());
        assertEquals(1200, image.getWidth());
        assertEquals(800, image.getHeight());
        Set<Integer> colours = new HashSet<>();
        int nonWhite = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                if (rgb != 0xFFFFFF) {
                    nonWhite++;
                }
            }
        }
        assertTrue(nonWhite > image.getWidth() * image.getHeight() / 10, "picture is mostly blank: " + nonWhite);
        TimelineModel model = TimelineModel.of(SyntheticTrace.info(BUDGET), t.events);
        // UNKNOWN is only ever an imported trace's (ReservedAndPendingFreeTest draws it)
        Set<Category> recorded = new HashSet<>(TimelineModel.STACK_ORDER);
        recorded.remove(Category.UNKNOWN);
        assertEquals(recorded, model.categoriesPresent(), "the trace exercises every category a run records");
        for (Category c : model.categoriesPresent()) {
            assertTrue(colours.contains(TimelineColors.of(c) & 0xFFFFFF), "no pixel of " + c + "'s colour");
        }
        assertTrue(colours.contains(TimelineColors.BUDGET & 0xFFFFFF), "no pixel of the budget line");
    }

    @Test
    void categoryColoursAreThePalettes() {
        // io.memscope.visual.Palette, which the UI draws with, reads these; a change here recolours the screen.
        assertEquals(0x4C78A8, TimelineColors.of(Category.PARAMETER) & 0xFFFFFF);
        assertEquals(0x54A24B, TimelineColors.of(Category.ACTIVATION) & 0xFFFFFF);
        assertEquals(0x9D755D, TimelineColors.of(Category.TEMPORARY) & 0xFFFFFF);
    }

    @Test
    void writesExamplesAtSeveralSizesAndViewports() throws IOException {
        SyntheticTrace t = SyntheticTrace.cnn(3, 6, BUDGET, 1);
        TraceInfo info = SyntheticTrace.info(BUDGET);
        int[][] sizes = {{800, 500}, {1920, 1080}, {3840, 2160}};
        for (int[] size : sizes) {
            Path out = EXAMPLES.resolve("timeline-" + size[0] + "x" + size[1] + ".png");
            PngExporter.export(out, info, t.events, size[0], size[1]);
            BufferedImage image = ImageIO.read(out.toFile());
            assertEquals(size[0], image.getWidth());
            assertEquals(size[1], image.getHeight());
        }
        RenderOptions byIndex = RenderOptions.defaults().withAxis(XAxis.EVENT_INDEX);
        PngExporter.export(EXAMPLES.resolve("timeline-event-index.png"), info, t.events, 1200, 800, byIndex);
        TimelineModel model = TimelineModel.of(info, t.events);
        StepBoundary step1 = model.steps().get(1);
        Viewport zoom = new Viewport(step1.x(), model.steps().get(2).x());
        Path zoomed = EXAMPLES.resolve("timeline-step1-zoom.png");
        PngExporter.export(zoomed, info, t.events, 1200, 800, RenderOptions.defaults().withViewport(zoom));
        assertTrue(Files.size(zoomed) > 0);
    }

    @Test
    void aTraceWithHostMemoryGetsAHostLaneInTheHostColour() throws IOException {
        SyntheticTrace t = SyntheticTrace.outOfCore(3, 6, BUDGET, 1);
        TraceInfo info = SyntheticTrace.info(BUDGET);
        Path out = EXAMPLES.resolve("timeline-host-lane.png");
        PngExporter.export(out, info, t.events, 1200, 800);
        BufferedImage image = ImageIO.read(out.toFile());
        assertEquals(800, image.getHeight(), "the lane takes its room from the panels, not from the image");

        TimelineModel model = TimelineModel.of(info, t.events);
        TimelineLayout l = TimelineLayout.of(1200, 800, LegendItem.of(model), true);
        assertTrue(l.hasHostLane());
        assertTrue(l.area().bottom() < l.hostLane().y() && l.hostLane().bottom() < l.lifetimes().y(),
                "the lane lies between the resident panel and the lifetime panel");
        int host = TimelineColors.of(Category.HOST) & 0xFFFFFF;
        int inLane = count(image, host, l.hostLane());
        assertTrue(inLane > l.hostLane().w() * l.hostLane().h() / 10, "host bytes drawn in the lane: " + inLane);
        assertEquals(0, count(image, host, l.area()), "no host memory in the device panel");
        assertEquals(0, count(image, host, l.lifetimes()), "no host block among device addresses");
        assertTrue(LegendItem.of(model).stream().anyMatch(i -> i.label().equals("host memory")));

        // the same run without its host events: no lane, and nothing in the host colour
        List<MemoryEvent> deviceOnly = t.events.stream().filter(e -> e.category() != Category.HOST).toList();
        TimelineModel without = TimelineModel.of(info, deviceOnly);
        BufferedImage plain = PngExporter.render(without, 1200, 800, null);
        assertEquals(0, count(plain, host, new Rect(0, 0, 1200, 800)));
        assertTrue(LegendItem.of(without).stream().noneMatch(i -> i.label().equals("host memory")));
    }

    /** Without host events the layout is the one every picture had before host memory existed. */
    @Test
    void aTraceWithoutHostMemoryKeepsItsLayout() {
        SyntheticTrace t = SyntheticTrace.cnn(3, 6, BUDGET, 1);
        TimelineModel model = TimelineModel.of(SyntheticTrace.info(BUDGET), t.events);
        List<LegendItem> legend = LegendItem.of(model);
        for (int[] size : new int[][] {{800, 500}, {1200, 800}, {1920, 1080}}) {
            TimelineLayout plain = TimelineLayout.of(size[0], size[1], legend);
            assertEquals(plain, TimelineLayout.of(size[0], size[1], legend, model.hasHostEvents()));
            assertTrue(!plain.hasHostLane() && plain.hostTitle() == null);
            TimelineLayout withLane = TimelineLayout.of(size[0], size[1], legend, true);
            assertEquals(plain.area().y(), withLane.area().y());
            assertEquals(plain.lifetimes().bottom(), withLane.lifetimes().bottom(), 1.0,
                    "the lane shares the room the two panels had");
        }
    }

    private static int count(BufferedImage image, int rgb, Rect r) {
        int n = 0;
        for (int y = (int) Math.ceil(r.y()); y < Math.min(image.getHeight(), r.bottom()); y++) {
            for (int x = (int) Math.ceil(r.x()); x < Math.min(image.getWidth(), r.right()); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void replacesAnExistingFileAndLeavesNoTemporaryFiles() throws IOException {
        SyntheticTrace t = SyntheticTrace.cnn(2, 4, BUDGET, 2);
        Path out = dir.resolve("sub/timeline.png");
        PngExporter.export(out, SyntheticTrace.info(BUDGET), t.events, 400, 300);
        PngExporter.export(out, SyntheticTrace.info(BUDGET), t.events, 640, 400);
        assertEquals(640, ImageIO.read(out.toFile()).getWidth());
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList());
        }
    }

    @Test
    void rendersAnEmptyTrace() throws IOException {
        Path out = dir.resolve("empty.png");
        PngExporter.export(out, SyntheticTrace.info(BUDGET), List.of(), 800, 500);
        assertEquals(800, ImageIO.read(out.toFile()).getWidth());
    }

    @Test
    void rejectsSizesOutsideTheRangeWithAClearMessage() {
        SyntheticTrace t = SyntheticTrace.cnn(1, 2, BUDGET, 3);
        Path out = dir.resolve("x.png");
        IllegalArgumentException narrow = assertThrows(IllegalArgumentException.class,
                () -> PngExporter.export(out, SyntheticTrace.info(BUDGET), t.events, 100, 800));
        assertTrue(narrow.getMessage().contains("width 100"), narrow.getMessage());
        IllegalArgumentException tall = assertThrows(IllegalArgumentException.class,
                () -> PngExporter.export(out, SyntheticTrace.info(BUDGET), t.events, 800, 20_000));
        assertTrue(tall.getMessage().contains("height 20000"), tall.getMessage());
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> PngExporter.export(out, SyntheticTrace.info(BUDGET), t.events, 16384, 16384));
        assertTrue(huge.getMessage().contains("pixels"), huge.getMessage());
        assertTrue(Files.notExists(out));
    }
}
