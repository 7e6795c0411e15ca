package io.memscope.trainer.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.BaselineMode;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The runner's profile counts every instruction of the steps it was told to time, by kind or by layer call. */
class OpProfileTest {
    @Test
    void everyInstructionOfAProfiledStepIsCountedUnderItsKind() {
        Network net = Network.load(TestPaths.sample("lenet5"));
        Optimizer sgd = Optimizer.of("sgd", 0.01, 0.9, 0);
        CompileOptions options = new CompileOptions(4, sgd, CpuBackend.workspaceModel(2));
        StepProgram program = new BaselineMode().compile(net, options);
        Trace trace = new Trace(new TraceInfo("lenet5", "baseline", "cpu", 4, 64L << 20, null));
        try (CpuBackend cpu = new CpuBackend(new DeviceMemory(64L << 20, trace), 2)) {
            ProgramRunner runner = new ProgramRunner(net, cpu, sgd, 1);
            runner.setup(program);
            Batch batch = new Batch(4, new float[4 * net.input().elements()], new float[4]);
            runner.run(program, 0, batch); // not profiled
            OpProfile byKind = new OpProfile();
            runner.profile(byKind);
            runner.run(program, 1, batch);
            runner.run(program, 2, batch);
            OpProfile byLayer = new OpProfile(true);
            runner.profile(byLayer);
            runner.run(program, 3, batch);
            runner.profile(null);
            runner.run(program, 4, batch); // not profiled

            Map<String, OpProfile.Entry> kinds = byKind.entries().stream()
                    .collect(Collectors.toMap(OpProfile.Entry::kind, Function.identity()));
            long allocs = program.step().stream().filter(i -> i instanceof Instruction.Alloc).count();
            assertEquals(2 * allocs, kinds.get("alloc").count());
            assertEquals(2 * 2, kinds.get("conv2d forward").count(), "LeNet-5 has two convolutions");
            assertEquals(2 * 2, kinds.get("conv2d backward").count());
            assertEquals(2L * program.step().size(), byKind.entries().stream().mapToLong(OpProfile.Entry::count).sum());
            assertTrue(kinds.get("conv2d forward").nanos() > 0);
            assertEquals(byKind.totalNanos(), byKind.entries().stream().mapToLong(OpProfile.Entry::nanos).sum());
            for (int i = 1; i < byKind.entries().size(); i++) {
                assertTrue(byKind.entries().get(i - 1).nanos() >= byKind.entries().get(i).nanos(), "most time first");
            }
            assertTrue(byLayer.entries().stream().anyMatch(e -> e.kind().equals("conv2d forward conv1")
                    && e.count() == 1), byLayer.entries().toString());
            assertEquals(program.step().size(), byLayer.entries().stream().mapToLong(OpProfile.Entry::count).sum());
            byKind.clear();
            assertTrue(byKind.entries().isEmpty());
        }
    }
}
