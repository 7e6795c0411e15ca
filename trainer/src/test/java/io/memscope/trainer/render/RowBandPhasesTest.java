package io.memscope.trainer.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.plan.Planner;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Row-centric bands are visible in the picture: the strip names segment and band, the legend every phase kind. */
class RowBandPhasesTest {
    private static TimelineModel model;

    @BeforeAll
    static void plan() {
        System.setProperty("java.awt.headless", "true");
        Network net = Network.load(TestPaths.sample("lenet5"));
        Planner.Plan p = Planner.plan(net, Modes.get("row-centric", Map.of("bands", "4")),
                new CompileOptions(8, Optimizer.of("sgd", 0.01, 0.9, 0), CpuBackend.workspaceModel(2), 8), 1L << 30);
        model = TimelineModel.of(p.info(), p.timeline());
    }

    @Test
    void everyPhaseOfARowCentricStepHasAKindAndAColour() {
        for (PhaseInterval ph : model.phases()) {
            assertTrue(ph.kind() != PhaseKind.OTHER, "phase '" + ph.name() + "' is drawn as other");
        }
        List<String> legend = LegendItem.of(model).stream().filter(i -> i.swatch() == LegendItem.Swatch.STRIP)
                .map(LegendItem::label).toList();
        assertEquals(List.of("setup", "forward", "backward", "recompute", "update", "eval"), legend);
        assertTrue(TimelineColors.of(PhaseKind.RECOMPUTE) != TimelineColors.of(PhaseKind.BACKWARD));
    }

    @Test
    void zoomedOnABandTheStripNamesItsBandAndSegment() {
        PhaseInterval band = model.phases().stream()
                .filter(ph -> ph.name().equals("forward band 2/4 of segment 1")).findFirst().orElseThrow();
        RecordingCanvas picture = RecordingCanvas.paint(model, 1600, 900, new Viewport(band.start(), band.end()));
        List<String> labels = picture.textsStartingWith("forward band 2/4").stream().map(RecordingCanvas.Text::text)
                .toList();
        assertFalse(labels.isEmpty(), "labels drawn: " + picture.texts);
        assertTrue(labels.get(0).equals("forward band 2/4 of segment 1 · " + band.layer())
                || labels.get(0).equals("forward band 2/4 of segment 1"), labels.toString());
    }
}
