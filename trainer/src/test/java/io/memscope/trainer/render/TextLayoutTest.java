package io.memscope.trainer.render;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** No label may overlap another or leave the picture, at thumbnail, slide and 4K sizes. */
class TextLayoutTest {
    private static final long BUDGET = 512L << 20;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void labelsNeverOverlap() {
        SyntheticTrace t = SyntheticTrace.cnn(3, 6, BUDGET, 1);
        TimelineModel byTime = TimelineModel.of(SyntheticTrace.info(BUDGET), t.events);
        TimelineModel byIndex = TimelineModel.of(SyntheticTrace.info(BUDGET), t.events, XAxis.EVENT_INDEX);
        // Far below its budget: the budget and capacity are notes at the top edge instead of lines.
        TimelineModel small = TimelineModel.of(SyntheticTrace.info(BUDGET),
                SyntheticTrace.small(3, 4L << 20, 1).events);
        int[][] sizes = {{800, 500}, {1200, 800}, {1920, 1080}, {3840, 2160}};
        for (TimelineModel m : List.of(byTime, byIndex, small)) {
            for (int[] size : sizes) {
                List<double[]> boxes = textBoxes(m, size[0], size[1], Viewport.of(m));
                assertNoOverlap(boxes, m.axis() + " peak " + m.peakBytes() + " " + size[0] + "x" + size[1]);
            }
        }
    }

    @Test
    void legendEntriesOfOneGroupAreEvenlySpaced() {
        TimelineModel m = TimelineModel.of(SyntheticTrace.info(BUDGET), SyntheticTrace.cnn(3, 6, BUDGET, 1).events);
        List<LegendItem> legend = LegendItem.of(m);
        RecordingCanvas c = RecordingCanvas.paint(m, 1920, 1080, Viewport.of(m));
        List<RecordingCanvas.Text> labels = new ArrayList<>();
        for (LegendItem item : legend) {
            labels.add(c.texts.stream().filter(t -> t.text().equals(item.label())).findFirst().orElseThrow());
        }
        double gap = Double.NaN;
        for (int i = 1; i < legend.size(); i++) {
            RecordingCanvas.Text a = labels.get(i - 1);
            RecordingCanvas.Text b = labels.get(i);
            if (legend.get(i).group() != legend.get(i - 1).group() || Math.abs(a.top() - b.top()) > 0.5) {
                continue;
            }
            double g = b.left() - a.right();
            if (Double.isNaN(gap)) {
                gap = g;
            }
            assertTrue(Math.abs(g - gap) <= 1.5, "gap before '" + b.text() + "' is " + g + " px, others " + gap);
        }
        assertTrue(!Double.isNaN(gap), "no two legend entries shared a row");
    }

    private static List<double[]> textBoxes(TimelineModel m, int w, int h, Viewport viewport) {
        List<double[]> boxes = new ArrayList<>();
        for (RecordingCanvas.Text t : RecordingCanvas.paint(m, w, h, viewport).texts) {
            double[] b = {t.left(), t.top(), t.right(), t.bottom()};
            assertTrue(b[0] >= 0 && b[1] >= 0 && b[2] <= w && b[3] <= h,
                    "label outside the " + w + "x" + h + " picture: " + Arrays.toString(b));
            boxes.add(b);
        }
        return boxes;
    }

    private static void assertNoOverlap(List<double[]> boxes, String where) {
        for (int i = 0; i < boxes.size(); i++) {
            for (int j = i + 1; j < boxes.size(); j++) {
                double[] a = boxes.get(i);
                double[] b = boxes.get(j);
                boolean overlap = a[0] < b[2] - 0.5 && b[0] < a[2] - 0.5 && a[1] < b[3] - 0.5 && b[1] < a[3] - 0.5;
                assertTrue(!overlap, where + ": labels overlap " + Arrays.toString(a) + " and "
                        + Arrays.toString(b));
            }
        }
    }
}
