package io.memscope.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.BaselineMode;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.plan.MemoryProfile;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.Batch;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.StepProgram;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The planner's prediction is the CPU backend's measurement: same peak, same allocations at the same addresses. */
class MetaMatchesCpuTest {
    @ParameterizedTest
    @CsvSource({"lenet5, 16", "vgg_small, 4", "resnet18_cifar, 2"})
    void plannedPeakEqualsMeasuredPeak(String name, int batch) {
        Network net = Network.load(TestPaths.sample(name));
        Optimizer opt = Optimizer.of("adam", 1e-3, 0, 0);
        CompileOptions options = new CompileOptions(batch, opt, CpuBackend.workspaceModel(2));
        Planner.Plan plan = Planner.plan(net, new BaselineMode(), options, 256L << 20);
        assertTrue(plan.fits());

        Trace trace = new Trace(new TraceInfo(name, "baseline", "cpu", batch, 256L << 20, null));
        DeviceMemory memory = new DeviceMemory(256L << 20, trace);
        try (CpuBackend cpu = new CpuBackend(memory, 2)) {
            StepProgram program = new BaselineMode().compile(net, options);
            ProgramRunner runner = new ProgramRunner(net, cpu, opt, 1);
            runner.setup(program);
            int per = net.input().elements();
            runner.run(program, 0, new Batch(batch, new float[batch * per], new float[batch]));
        }
        MemoryProfile measured = MemoryProfile.of(trace.events());
        assertEquals(plan.peakBytes(), measured.peakBytes(), "peak of " + name);
        assertEquals(plan.profile().atPeak(), measured.atPeak());
        assertEquals(allocations(plan.events()), allocations(trace.events()));
        assertEquals(memory.arena().peakBytes(), measured.peakBytes());
    }

    private static List<String> allocations(List<MemoryEvent> events) {
        return events.stream().filter(e -> e.action() == Action.ALLOC || e.action() == Action.FREE)
                .map(e -> e.action() + " " + e.tensorName() + " @" + e.offset() + " " + e.bytes()).toList();
    }
}
