package io.memscope.app.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.render.PngExporter;
import io.memscope.trainer.render.SvgExporter;
import io.memscope.trainer.render.TimelineModel;
import io.memscope.trainer.render.Viewport;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The window's exporter writes the engine's pictures, PNG and SVG, for the range the window shows. */
class RenderedTimelineExporterTest {
    private static final TraceInfo INFO = new TraceInfo("LeNet-5 <test> & \"co\"", "baseline", "cpu", 8, 4L << 20,
            Map.of());

    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /** Three steps, each allocating and freeing an activation beside a parameter held throughout. */
    private static List<MemoryEvent> events() {
        List<MemoryEvent> e = new ArrayList<>();
        long t = 1_000_000;
        e.add(new MemoryEvent(e.size(), t, Action.ALLOC, 1, "conv1.weight", "conv1", Category.PARAMETER, 0, 4096,
                -1, "setup", -1, -1, -1));
        for (int step = 0; step < 3; step++) {
            t += 50_000;
            e.add(new MemoryEvent(e.size(), t, Action.SEGMENT, -1, "", "", null, -1, 0, step, "step", -1, -1, -1));
            t += 50_000;
            e.add(new MemoryEvent(e.size(), t, Action.ALLOC, 10 + step, "conv1.out", "conv1", Category.ACTIVATION,
                    4096, 65536, step, "forward", -1, -1, -1));
            t += 200_000;
            e.add(new MemoryEvent(e.size(), t, Action.FREE, 10 + step, "conv1.out", "conv1", Category.ACTIVATION,
                    4096, 65536, step, "backward", -1, -1, -1));
        }
        t += 50_000;
        e.add(new MemoryEvent(e.size(), t, Action.FREE, 1, "conv1.weight", "conv1", Category.PARAMETER, 0, 4096,
                -1, "update", -1, -1, -1));
        return e;
    }

    @Test
    void writesThePngAndTheSvgOfTheCommandLine() throws Exception {
        List<MemoryEvent> events = events();
        TimelineModel model = TimelineModel.of(INFO, events);
        TimelineImageExporter exporter = TimelineExporters.create();
        Viewport zoom = new Viewport(model.steps().get(1).x(), model.steps().get(2).x());
        for (Viewport range : new Viewport[] {null, zoom, new Viewport(0, Long.MAX_VALUE / 2)}) {
            Path svg = dir.resolve("timeline.svg");
            Path png = dir.resolve("timeline.png");
            exporter.exportSvg(svg, INFO, events, 1280, 720, range);
            exporter.export(png, INFO, events, 1280, 720, range);
            Viewport shown = ExportRange.within(range, model);
            assertEquals(SvgExporter.render(model, 1280, 720, shown), Files.readString(svg), "range " + range);
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            assertEquals("1280", f.newDocumentBuilder().parse(svg.toFile()).getDocumentElement().getAttribute("width"));
            BufferedImage image = ImageIO.read(png.toFile());
            BufferedImage expected = PngExporter.render(model, 1280, 720, shown);
            for (int y = 0; y < 720; y += 7) {
                for (int x = 0; x < 1280; x += 7) {
                    assertEquals(expected.getRGB(x, y), image.getRGB(x, y), "range " + range + " at " + x + "," + y);
                }
            }
        }
        assertTrue(Files.readString(dir.resolve("timeline.svg")).contains("LeNet-5 &lt;test&gt; &amp; \"co\""));
    }

    @Test
    void refusesThePngsBadSizesAndWritesNothing() throws Exception {
        Path svg = dir.resolve("bad.svg");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TimelineExporters.create().exportSvg(svg, INFO, events(), 100, 720, null));
        assertTrue(e.getMessage().contains("width 100"), e.getMessage());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
    }
}
