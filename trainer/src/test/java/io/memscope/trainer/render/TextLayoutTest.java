package io.memscope.trainer.render;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
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
        int[][] sizes = {{800, 500}, {1200, 800}, {1920, 1080}, {3840, 2160}};
        for (TimelineModel m : List.of(byTime, byIndex)) {
            for (int[] size : sizes) {
                List<double[]> boxes = textBoxes(m, size[0], size[1], Viewport.of(m));
                assertNoOverlap(boxes, m.axis() + " " + size[0] + "x" + size[1]);
            }
        }
    }

    private static List<double[]> textBoxes(TimelineModel m, int w, int h, Viewport viewport) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        List<double[]> boxes = new ArrayList<>();
        Java2DCanvas real = new Java2DCanvas(g);
        Canvas2D recording = new Canvas2D() {
            @Override
            public void fillRect(double x, double y, double rw, double rh, int argb) {
                real.fillRect(x, y, rw, rh, argb);
            }

            @Override
            public void strokeLine(double x1, double y1, double x2, double y2, double width, int argb) {
                real.strokeLine(x1, y1, x2, y2, width, argb);
            }

            @Override
            public void strokeDashedLine(double x1, double y1, double x2, double y2, double width, double dash,
                                         int argb) {
                real.strokeDashedLine(x1, y1, x2, y2, width, dash, argb);
            }

            @Override
            public void fillPolygon(double[] xs, double[] ys, int count, int argb) {
                real.fillPolygon(xs, ys, count, argb);
            }

            @Override
            public void fillText(String text, double x, double y, double size, boolean bold, HAlign ha, VAlign va,
                                 int argb) {
                double tw = real.textWidth(text, size, bold);
                double left = ha == HAlign.LEFT ? x : ha == HAlign.CENTER ? x - tw / 2 : x - tw;
                // Glyph box approximated as 0.75 of the size above the baseline and 0.2 below.
                double baseline = switch (va) {
                    case TOP -> y + size * 0.93;
                    case MIDDLE -> y + size * 0.36;
                    case BASELINE -> y;
                    case BOTTOM -> y - size * 0.23;
                };
                boxes.add(new double[] {left, baseline - size * 0.75, left + tw, baseline + size * 0.2});
                real.fillText(text, x, y, size, bold, ha, va, argb);
            }

            @Override
            public double textWidth(String text, double size, boolean bold) {
                return real.textWidth(text, size, bold);
            }

            @Override
            public void pushClip(double x, double y, double cw, double ch) {
                real.pushClip(x, y, cw, ch);
            }

            @Override
            public void popClip() {
                real.popClip();
            }
        };
        new TimelinePainter(m).paint(recording, w, h, viewport);
        g.dispose();
        for (double[] b : boxes) {
            assertTrue(b[0] >= 0 && b[1] >= 0 && b[2] <= w && b[3] <= h,
                    "label outside the " + w + "x" + h + " picture: " + Arrays.toString(b));
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
