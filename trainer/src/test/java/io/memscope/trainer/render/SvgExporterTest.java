package io.memscope.trainer.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The SVG is the PNG's picture: the same painter calls, so the same labels at the same anchors and baselines,
 * and one element per drawing call (rectangles that continue one another merged).
 */
class SvgExporterTest {
    static final String SVG = "http://www.w3.org/2000/svg";
    private static final long BUDGET = 512L << 20;

    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /** Parses namespace-aware, refusing any DTD. */
    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
    }

    /** Elements named {@code name} in the SVG namespace, those inside a clip path left out. */
    static List<Element> drawn(Document doc, String name) {
        NodeList nodes = doc.getElementsByTagNameNS(SVG, name);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            if (!"clipPath".equals(e.getParentNode().getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    static double num(Element e, String attribute) {
        return Double.parseDouble(e.getAttribute(attribute));
    }

    private record Case(String name, TimelineModel model, int width, int height, Viewport viewport) {}

    private static List<Case> cases() {
        SyntheticTrace cnn = SyntheticTrace.cnn(3, 6, BUDGET, 1);
        TraceInfo info = SyntheticTrace.info(BUDGET);
        TimelineModel model = TimelineModel.of(info, cnn.events);
        Viewport step1 = new Viewport(model.steps().get(1).x(), model.steps().get(2).x());
        SyntheticTrace small = SyntheticTrace.small(12, 2_600_000, 7, 40_000_000, 3);
        TimelineModel lenetLike = TimelineModel.of(new TraceInfo("LeNet-5", "baseline", "cpu", 32, BUDGET, Map.of()),
                small.events);
        return List.of(
                new Case("whole trace 1920x1080", model, 1920, 1080, Viewport.of(model)),
                new Case("whole trace 800x500", model, 800, 500, Viewport.of(model)),
                new Case("step 1, swapped and compressed", model, 1200, 800, step1),
                new Case("event index axis", TimelineModel.of(info, cnn.events, XAxis.EVENT_INDEX), 1280, 720, null),
                new Case("small network with an OOM", lenetLike, 3840, 2160, null),
                new Case("empty trace", TimelineModel.of(info, List.of()), 640, 400, null));
    }

    @Test
    void textsAreThePngsTextsAtTheSameAnchorsAndBaselines() throws Exception {
        for (Case c : cases()) {
            Viewport v = c.viewport() == null ? Viewport.of(c.model()) : c.viewport();
            RecordingCanvas png = RecordingCanvas.paint(c.model(), c.width(), c.height(), v);
            Document doc = parse(SvgExporter.render(c.model(), c.width(), c.height(), c.viewport()));
            List<Element> texts = drawn(doc, "text");
            assertTrue(png.textCalls.size() > 5, c.name());
            assertEquals(png.textCalls.stream().map(RecordingCanvas.TextCall::text).toList(),
                    texts.stream().map(Element::getTextContent).toList(), c.name());
            for (int i = 0; i < texts.size(); i++) {
                RecordingCanvas.TextCall call = png.textCalls.get(i);
                Element t = texts.get(i);
                String what = c.name() + ": '" + call.text() + "'";
                assertEquals(call.x(), num(t, "x"), 0.01, what);
                assertEquals(call.baseline(), num(t, "y"), 0.01, what);
                assertEquals(call.size(), num(t, "font-size"), 0.01, what);
                assertEquals(call.bold() ? "bold" : "", t.getAttribute("font-weight"), what);
                String anchor = switch (call.h()) {
                    case LEFT -> "";
                    case CENTER -> "middle";
                    case RIGHT -> "end";
                };
                assertEquals(anchor, t.getAttribute("text-anchor"), what);
                assertEquals(rgb(call.argb()), colour(t.getAttribute("fill")), what);
                if (call.v() == Canvas2D.VAlign.BASELINE) {
                    assertEquals(call.y(), num(t, "y"), 0.01, what);
                } else if (call.v() == Canvas2D.VAlign.TOP) {
                    assertTrue(num(t, "y") > call.y() + 0.5 * call.size(), what + " hangs below its anchor");
                }
            }
        }
    }

    @Test
    void oneElementPerDrawingCall() throws Exception {
        for (Case c : cases()) {
            Viewport v = c.viewport() == null ? Viewport.of(c.model()) : c.viewport();
            RecordingCanvas png = RecordingCanvas.paint(c.model(), c.width(), c.height(), v);
            StringWriter w = new StringWriter();
            SvgCanvas svg = new SvgCanvas(w, c.width(), c.height());
            new TimelinePainter(c.model()).paint(svg, c.width(), c.height(), v);
            svg.finish();
            Document doc = parse(w.toString());

            List<Element> rects = drawn(doc, "rect");
            assertEquals(svg.rectCount(), rects.size(), c.name());
            assertEquals(png.rects, rects.size() + svg.mergedRectCount(), c.name() + ": rectangles");
            double area = 0;
            for (Element r : rects) {
                area += num(r, "width") * num(r, "height");
            }
            assertEquals(png.rectArea, area, png.rectArea * 1e-4, c.name() + ": merging keeps the area");
            List<Element> lines = drawn(doc, "line");
            assertEquals(png.lines, lines.size(), c.name() + ": lines");
            assertEquals(png.dashed.size(), lines.stream().filter(l -> l.hasAttribute("stroke-dasharray")).count(),
                    c.name() + ": dashed lines");
            assertEquals(png.polygons, drawn(doc, "polygon").size(), c.name() + ": polygons");
            assertEquals(png.clips, doc.getElementsByTagNameNS(SVG, "clipPath").getLength(), c.name() + ": clips");
            assertEquals(png.clips, doc.getElementsByTagNameNS(SVG, "g").getLength(), c.name() + ": clip groups");
            Element root = doc.getDocumentElement();
            assertEquals("svg", root.getLocalName());
            assertEquals(SVG, root.getNamespaceURI());
            assertEquals("1.1", root.getAttribute("version"));
            assertEquals("0 0 " + c.width() + " " + c.height(), root.getAttribute("viewBox"));
        }
    }

    @Test
    void namesWithMarkupCharactersAreEscaped() throws Exception {
        String network = "Net<\"A\"> & 'B' </svg>";
        String mode = "rows&bands \u0001 <x/>";
        TraceInfo info = new TraceInfo(network, mode, "cpu \"quoted\"", 8, BUDGET, Map.of());
        SyntheticTrace t = SyntheticTrace.small(2, 2_600_000, 5);
        Path out = dir.resolve("escaped.svg");
        SvgExporter.export(out, info, t.events, 1200, 700);

        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(text.contains("Net&lt;\"A\"&gt; &amp; 'B' &lt;/svg&gt;"), text.substring(0, 600));
        Document doc = parse(text);
        String title = drawn(doc, "text").get(0).getTextContent();
        assertEquals("Net<\"A\"> & 'B' </svg>  \u00b7  rows&bands \ufffd <x/>", title,
                "a control character, which XML cannot hold, becomes U+FFFD");
        assertTrue(drawn(doc, "text").get(1).getTextContent().startsWith("cpu \"quoted\""));
    }

    @Test
    void mergesOnlyRectanglesThatContinueOneAnother() throws Exception {
        StringWriter w = new StringWriter();
        SvgCanvas c = new SvgCanvas(w, 300, 200);
        c.fillRect(10, 10, 5, 20, 0xFF112233);
        c.fillRect(15, 10, 5, 20, 0xFF112233); // continues to the right
        c.fillRect(10, 30, 10, 4, 0xFF112233); // continues below, full width
        c.fillRect(20, 10, 5, 20, 0xFF112233); // beside the first two, but the block is now taller
        c.fillRect(25, 10, 5, 20, 0x80112233); // another colour
        c.fillRect(30, 10, 0, 20, 0xFF112233); // empty: nothing drawn
        c.fillRect(30, 10, 5, 20, 0x00112233); // transparent: nothing drawn
        c.fillRect(Double.NaN, 10, 5, 20, 0xFF112233); // not a number: nothing drawn, as in Java2D
        c.strokeLine(0, Double.POSITIVE_INFINITY, 1, 1, 1, 0xFF112233);
        c.pushClip(0, 0, 100, 100);
        c.fillRect(25, 10, 5, 20, 0x80112233);
        c.popClip();
        c.strokeDashedLine(0, 0.5, 300, 0.5, 2, 3, 0xFFE45756);
        c.fillPolygon(new double[] {0, 10, 20, 30, 30, 0}, new double[] {50, 50, 50, 50, 60, 60}, 6, 0xFF4C78A8);
        c.fillText("a  b", 1.004, 2.006, 12, true, Canvas2D.HAlign.RIGHT, Canvas2D.VAlign.BASELINE, 0xFF000000);
        c.finish();
        assertEquals(4, c.rectCount());
        assertEquals(2, c.mergedRectCount());
        Document doc = parse(w.toString());
        List<Element> rects = drawn(doc, "rect");
        assertEquals(List.of("10 10 10 24", "20 10 5 20", "25 10 5 20", "25 10 5 20"), rects.stream()
                .map(r -> String.join(" ", r.getAttribute("x"), r.getAttribute("y"), r.getAttribute("width"),
                        r.getAttribute("height"))).toList());
        assertEquals("#123", rects.get(0).getAttribute("fill"));
        assertEquals("0.502", rects.get(2).getAttribute("fill-opacity"));
        assertEquals("url(#c0)", ((Element) rects.get(3).getParentNode()).getAttribute("clip-path"));
        Element line = drawn(doc, "line").get(0);
        assertEquals("3", line.getAttribute("stroke-dasharray"));
        assertEquals("2", line.getAttribute("stroke-width"));
        assertEquals("#e45756", line.getAttribute("stroke"));
        assertEquals("0,50 30,50 30,60 0,60", drawn(doc, "polygon").get(0).getAttribute("points"),
                "points inside a straight run are dropped");
        Element text = drawn(doc, "text").get(0);
        assertEquals("a  b", text.getTextContent());
        assertEquals("preserve", text.getAttributeNS("http://www.w3.org/XML/1998/namespace", "space"));
        assertEquals("1", text.getAttribute("x"));
        assertEquals("2.01", text.getAttribute("y"));
    }

    @Test
    void textWidthIsThePngs() {
        SvgCanvas svg = new SvgCanvas(new StringWriter(), 100, 100);
        RecordingCanvas png = new RecordingCanvas(100, 100);
        for (String s : List.of("step 12", "Resident memory by category", "OOM 1.5 GiB", "\u00b7 ×")) {
            for (double size : new double[] {9.5, 13, 17.1, 31.2}) {
                assertEquals(png.textWidth(s, size, false), svg.textWidth(s, size, false), 0.0, s);
                assertEquals(png.textWidth(s, size, true), svg.textWidth(s, size, true), 0.0, s);
            }
        }
    }

    @Test
    void writesExamplesAndStaysSmall() throws IOException {
        SyntheticTrace t = SyntheticTrace.cnn(3, 6, BUDGET, 1);
        TraceInfo info = SyntheticTrace.info(BUDGET);
        Path out = PngExporterTest.EXAMPLES.resolve("timeline-1920x1080.svg");
        SvgExporter.export(out, info, t.events, 1920, 1080);
        TimelineModel model = TimelineModel.of(info, t.events);
        Viewport zoom = new Viewport(model.steps().get(1).x(), model.steps().get(2).x());
        Path zoomed = PngExporterTest.EXAMPLES.resolve("timeline-step1-zoom.svg");
        SvgExporter.export(zoomed, info, t.events, 1200, 800, RenderOptions.defaults().withViewport(zoom));
        System.out.printf(Locale.ROOT, "SVG: %s %,d bytes, %s %,d bytes%n", out, Files.size(out), zoomed,
                Files.size(zoomed));
        assertTrue(Files.size(out) < 1_000_000, Files.size(out) + " bytes");
    }

    @Test
    void replacesAnExistingFileAndLeavesNoTemporaryFiles() throws Exception {
        SyntheticTrace t = SyntheticTrace.cnn(2, 4, BUDGET, 2);
        Path out = dir.resolve("sub/timeline.svg");
        SvgExporter.export(out, SyntheticTrace.info(BUDGET), t.events, 400, 300);
        SvgExporter.export(out, SyntheticTrace.info(BUDGET), t.events, 640, 400);
        assertEquals("640", parse(Files.readString(out)).getDocumentElement().getAttribute("width"));
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList());
        }
    }

    @Test
    void rejectsThePngsBadSizesAndWritesNothing() {
        List<MemoryEvent> events = SyntheticTrace.cnn(1, 2, BUDGET, 3).events;
        Path out = dir.resolve("x.svg");
        TraceInfo info = SyntheticTrace.info(BUDGET);
        IllegalArgumentException narrow = assertThrows(IllegalArgumentException.class,
                () -> SvgExporter.export(out, info, events, 100, 800));
        assertTrue(narrow.getMessage().contains("width 100"), narrow.getMessage());
        IllegalArgumentException tall = assertThrows(IllegalArgumentException.class,
                () -> SvgExporter.export(out, info, events, 800, 20_000));
        assertTrue(tall.getMessage().contains("height 20000"), tall.getMessage());
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> SvgExporter.export(out, info, events, 16384, 16384));
        assertTrue(huge.getMessage().contains("pixels"), huge.getMessage());
        assertTrue(Files.notExists(out));
    }

    @Test
    void aFailingWriterIsAnIoException() {
        TimelineModel model = TimelineModel.of(SyntheticTrace.info(BUDGET), SyntheticTrace.cnn(1, 2, BUDGET, 4).events);
        IOException e = assertThrows(IOException.class, () -> SvgExporter.render(model, 800, 500, null,
                new java.io.Writer() {
                    @Override
                    public void write(char[] b, int off, int len) throws IOException {
                        throw new IOException("disk full");
                    }

                    @Override
                    public void flush() {}

                    @Override
                    public void close() {}
                }));
        assertEquals("disk full", e.getMessage());
    }

    private static int rgb(int argb) {
        return argb & 0xFFFFFF;
    }

    /** {@code #rgb} or {@code #rrggbb} as 0xRRGGBB. */
    private static int colour(String hex) {
        String h = hex.substring(1);
        if (h.length() == 3) {
            h = "" + h.charAt(0) + h.charAt(0) + h.charAt(1) + h.charAt(1) + h.charAt(2) + h.charAt(2);
        }
        return Integer.parseInt(h, 16);
    }
}
