package io.memscope.trainer.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.export.TraceFile;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A plan that does not fit draws as a trace: memory crossing the budget, an OOM where the bounded run fails. */
class PlannedTimelineTest {
    private static final long BUDGET = 2L << 20;

    @Test
    void theRefusedStepCrossesTheBudgetWithItsOomOnTheFailingTensor() throws Exception {
        Network net = Network.load(TestPaths.sample("lenet5"));
        CompileOptions options = new CompileOptions(44, Optimizer.of("sgd", 0.01, 0.9, 5e-4),
                CpuBackend.workspaceModel(2), 44);
        Planner.Plan plan = Planner.plan(net, Modes.get("baseline"), options, BUDGET);
        assertFalse(plan.fits());

        List<MemoryEvent> events = plan.timeline();
        assertEquals(plan.events().size() + 1, events.size());
        List<MemoryEvent> ooms = events.stream().filter(e -> e.action() == Action.OOM).toList();
        assertEquals(1, ooms.size());
        MemoryEvent oom = ooms.get(0);
        MemoryEvent next = events.get((int) oom.seq() + 1);
        assertEquals(Action.ALLOC, next.action());
        assertEquals(plan.oom().event().tensorName(), next.tensorName(), "the marker sits on the tensor that fails");
        assertEquals("relu1.out", oom.tensorName());
        assertEquals(plan.oom().event().requestedBytes(), oom.requestedBytes());

        long resident = 0;
        long most = 0;
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i, events.get(i).seq(), "sequence numbers without gaps");
            resident += events.get(i).residentDelta();
            most = Math.max(most, resident);
        }
        assertEquals(plan.peakBytes(), most);
        assertTrue(most > BUDGET, "the drawing crosses the budget line");
        assertEquals(BUDGET, plan.info().budgetBytes());

        // a valid trace: it saves and loads (the reader checks every rule of a recording)
        StringWriter w = new StringWriter();
        TraceFile.write(w, plan.info(), events);
        TraceFile.LoadedTrace back = TraceFile.read(new StringReader(w.toString()), "planned");
        assertEquals(events, back.events());
    }

    @Test
    void aPlanThatFitsDrawsItsEventsUnchanged() {
        Network net = Network.load(TestPaths.sample("lenet5"));
        CompileOptions options = new CompileOptions(8, Optimizer.of("sgd", 0.01, 0.9, 5e-4), CpuBackend.workspaceModel(2));
        Planner.Plan plan = Planner.plan(net, Modes.get("baseline"), options, 64L << 20);
        assertEquals(plan.events(), plan.timeline());
    }
}
