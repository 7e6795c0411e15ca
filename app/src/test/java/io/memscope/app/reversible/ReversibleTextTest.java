package io.memscope.app.reversible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.app.network.Samples;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.modes.Reversibility;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.Reconstruction;
import io.memscope.trainer.render.PhaseInterval;
import io.memscope.trainer.render.PhaseKind;
import io.memscope.trainer.render.TensorLifetime;
import io.memscope.trainer.render.TimelineModel;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Reversible mode in the window's words, without a window. */
class ReversibleTextTest {
    private static final Network REVNET = Network.load(Samples.network("revnet38.json"));
    private static final CompileOptions OPTIONS = new CompileOptions(4, Optimizer.of("sgd", 0.01, 0.9, 5e-4),
            CpuBackend.workspaceModel(2));

    @Test
    void theCountAndTheReasonsGroupedInNetworkOrder() {
        Reversibility rev = Reversibility.of(REVNET);
        assertEquals("15 of 21 layers rebuild their input from their output in backward", ReversibleText.summary(rev));
        assertEquals(List.of("conv1, stage2.down, stage3.down: conv2d is not invertible",
                "pool: global_avgpool is not invertible", "fc: linear is not invertible", "loss: the loss"),
                ReversibleText.keptByReason(rev));
        Reversibility.Entry bn1 = rev.entries().get(1);
        assertEquals("rebuilt", ReversibleText.verdict(bn1));
        assertEquals("bn1 (inv_batchnorm2d): its input is freed after forward and rebuilt from its output in backward, "
                + "by its inverse", ReversibleText.explain(bn1));
        Network lenet = Network.load(Samples.network(Samples.DEFAULT_NETWORK));
        assertEquals("No layer rebuilds its input: reversible mode runs this network as baseline does",
                ReversibleText.summary(Reversibility.of(lenet)));
    }

    @Test
    void aMeasurementReadsAsDecibelsAndTheLargestError() {
        Reconstruction r = new Reconstruction("stage1.rev2.out", "stage1.rev3", 11, 1.38e13, 1.4e-6, 350);
        assertEquals("SNR 131.4 dB, max error 1.4e-06", ReversibleText.measurement(r));
        assertEquals("stage1.rev2.out rebuilt by stage1.rev3's inverse: SNR 131.4 dB, max error 1.4e-06 (measured at "
                + "step 351, depth 11: errors add up along a chain of rebuilt tensors)", ReversibleText.measuredAt(r));
        assertEquals("exact, no error", ReversibleText.measurement(
                new Reconstruction("x", "squeeze", 1, Double.POSITIVE_INFINITY, 0, 0)));
    }

    @Test
    void theLogHasOneLinePerMeasuredStepWithItsWorstTensor() {
        List<Reconstruction> measured = List.of(
                new Reconstruction("a.out", "b", 1, 1e12, 2e-6, 0),
                new Reconstruction("c.out", "d", 2, 1e10, 3e-5, 0),
                new Reconstruction("a.out", "b", 1, Double.POSITIVE_INFINITY, 0, 50));
        assertEquals(List.of("Step 1: 2 tensors rebuilt by inverses; worst SNR 100.0 dB, of c.out (d's inverse); max "
                + "error 3.0e-05 over all", "Step 51: 1 tensor rebuilt by inverses, all exactly"),
                ReversibleText.logLines(measured));
    }

    @Test
    void theMeasurementOfABlocksStepOrTheLastBefore() {
        Reconstructions r = new Reconstructions();
        Reconstruction first = new Reconstruction("a.out", "b", 1, 1e12, 2e-6, 0);
        Reconstruction later = new Reconstruction("a.out", "b", 1, 1e11, 3e-6, 50);
        r.add(List.of(first));
        r.add(List.of(later));
        assertSame(first, r.at("a.out", 0));
        assertSame(first, r.at("a.out", 49));
        assertSame(later, r.at("a.out", 50));
        assertSame(later, r.at("a.out", 99));
        assertNull(r.at("b.out", 3));
        assertEquals(List.of(later), List.copyOf(r.latestByLayer().values()));
        r.clear();
        assertTrue(r.isEmpty() && r.latestByLayer().isEmpty());
    }

    @Test
    void aRebuiltBlockNamesItsInverseAndHowWellItWasRebuilt() {
        Planner.Plan plan = Planner.plan(REVNET, Modes.get("reversible"), OPTIONS, Planner.UNBOUNDED);
        TimelineModel model = TimelineModel.of(plan.info(), plan.timeline());
        Reconstructions measured = new Reconstructions();
        TensorLifetime rebuilt = find(model, t -> t.name().equals("stage1.rev2.out") && phaseAt(model, t).kind()
                == PhaseKind.RECOMPUTE);
        TensorLifetime forward = find(model, t -> t.name().equals("stage1.rev2.out"));
        assertEquals("rebuilt by stage1.rev3's inverse", ReversibleText.rebuiltDetail(rebuilt, model, plan.info(),
                measured), "a plan measures nothing");
        assertEquals("", ReversibleText.rebuiltDetail(forward, model, plan.info(), measured), "its forward block");

        measured.add(List.of(new Reconstruction("stage1.rev2.out", "stage1.rev3", 11, 1.38e13, 1.4e-6, 0)));
        assertEquals("rebuilt by stage1.rev3's inverse  \u00b7  SNR 131.4 dB, max error 1.4e-06 (measured at step 1)",
                ReversibleText.rebuiltDetail(rebuilt, model, plan.info(), measured));

        TensorLifetime workspace = find(model, t -> t.category() == Category.WORKSPACE
                && phaseAt(model, t).kind() == PhaseKind.RECOMPUTE);
        assertEquals("", ReversibleText.rebuiltDetail(workspace, model, plan.info(), measured));

        Planner.Plan baseline = Planner.plan(REVNET, Modes.get("baseline"), OPTIONS, Planner.UNBOUNDED);
        TimelineModel b = TimelineModel.of(baseline.info(), baseline.timeline());
        for (int i = 0; i < b.lifetimeCount(); i++) {
            assertEquals("", ReversibleText.rebuiltDetail(b.lifetime(i), b, baseline.info(), measured));
        }
    }

    private static PhaseInterval phaseAt(TimelineModel m, TensorLifetime t) {
        List<PhaseInterval> at = m.phasesIn(t.start(), t.start());
        return at.get(at.size() - 1);
    }

    private static TensorLifetime find(TimelineModel m, Predicate<TensorLifetime> p) {
        for (int i = 0; i < m.lifetimeCount(); i++) {
            if (p.test(m.lifetime(i))) {
                return m.lifetime(i);
            }
        }
        throw new AssertionError("no such tensor");
    }
}
