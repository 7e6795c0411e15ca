package io.memscope.trainer.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TimelinePainterTest {
    private static final long BUDGET = 512L << 20;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /** A pixel the painter filled with a tensor's colour must report that tensor when clicked. */
    @Test
    void pixelHitTestAgreesWithTheDrawing() {
        SyntheticTrace t = SyntheticTrace.cnn(3, 6, BUDGET, 1);
        TimelineModel model = TimelineModel.of(SyntheticTrace.info(BUDGET), t.events);
        TimelinePainter painter = new TimelinePainter(model);
        Viewport all = Viewport.of(model);
        int w = 1200;
        int h = 800;
        BufferedImage image = PngExporter.render(model, w, h, all);
        TimelineLayout layout = TimelineLayout.of(w, h, LegendItem.of(model));
        Rect r = layout.lifetimes();
        XScale xs = new XScale(r.x(), r.w(), all.x0(), all.x1());
        ByteScale ys = new LifetimePanelPainter(model).scale(r, xs);
        int checked = 0;
        for (int i = 0; i < model.lifetimeCount(); i++) {
            TensorLifetime lt = model.lifetime(i);
            LifetimeSegment s = lt.segments().get(0);
            double px = (xs.px(s.start()) + xs.px(s.end())) / 2;
            double py = ys.py(s.offset() + s.bytes() / 2.0);
            int rgb = image.getRGB((int) px, (int) py) & 0xFFFFFF;
            if (rgb != (TimelineColors.of(lt.category()) & 0xFFFFFF) || xs.px(s.end()) - xs.px(s.start()) < 6) {
                continue;
            }
            TensorLifetime hit = painter.lifetimeAt(px, py, w, h, all).orElseThrow(() -> new AssertionError(lt));
            assertEquals(lt.tensorId(), hit.tensorId(), lt.name());
            checked++;
        }
        assertTrue(checked > 20, "checked only " + checked + " blocks");
        assertTrue(painter.lifetimeAt(5, 5, w, h, all).isEmpty(), "the title is not a tensor");
    }
}
