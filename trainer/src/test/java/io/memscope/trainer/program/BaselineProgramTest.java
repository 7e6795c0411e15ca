package io.memscope.trainer.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.backend.WorkspaceModel;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.modes.BaselineMode;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.InferenceProgram;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The baseline compiler's programs, checked statically: no kernel runs here. */
class BaselineProgramTest {
    static final CompileOptions OPTIONS = new CompileOptions(8, Optimizer.of("sgd", 0.1, 0.9, 0), WorkspaceModel.NONE);

    static Network net(String name) {
        return Network.load(TestPaths.sample(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lenet5", "vgg_small", "resnet18_cifar", "vgg16"})
    void programsAreSound(String name) {
        Network net = net(name);
        StepProgram p = new BaselineMode().compile(net, OPTIONS);
        assertEquals(List.of(), ProgramChecker.check(p));
        assertEquals(List.of(), ProgramChecker.check(InferenceProgram.compile(net, OPTIONS)));
    }

    @Test
    void lenetKeepsWhatBackwardReadsAndFreesAtLastUse() {
        StepProgram p = new BaselineMode().compile(net("lenet5"), OPTIONS);
        List<String> lines = p.step().stream().map(Object::toString).toList();
        // relu1 reads only its output in backward, so conv1.out is freed right after relu1's forward
        int reluFwd = lines.indexOf("RUN relu1.forward(conv1.out) -> relu1.out");
        assertEquals("FREE conv1.out", lines.get(reluFwd + 1));
        // the input is kept: conv1's backward reads it for the weight gradient, and frees it after
        int conv1Bwd = indexOfPrefix(lines, "RUN conv1.backward");
        assertTrue(lines.subList(conv1Bwd, lines.size()).contains("FREE input"));
        assertFalse(lines.subList(0, conv1Bwd).contains("FREE input"));
        // conv1 needs no gradient for the data
        assertTrue(lines.get(conv1Bwd).endsWith("-> conv1.weight.grad, conv1.bias.grad"), lines.get(conv1Bwd));
        // flatten is a view: fc1 reads pool2's memory
        assertTrue(lines.contains("RUN fc1.forward(pool2.out) -> fc1.out"));
    }

    @Test
    void residualGradientsAccumulate() {
        StepProgram p = new BaselineMode().compile(net("resnet18_cifar"), OPTIONS);
        List<Instruction.Run> bwd = p.stepInstructions(Instruction.Run.class).stream()
                .filter(r -> r.pass() == io.memscope.trainer.net.layers.Pass.BACKWARD).toList();
        // relu1's output feeds layer1.1.conv1 and the skip of layer1.1.add: the add's backward writes first,
        // the conv's backward adds to it.
        Instruction.Run add = bwd.stream().filter(r -> r.layer().equals("layer1.1.add")).findFirst().orElseThrow();
        Instruction.Run conv = bwd.stream().filter(r -> r.layer().equals("layer1.1.conv1")).findFirst().orElseThrow();
        assertEquals("relu1.out.grad", add.gradIns().get(1));
        assertEquals(false, add.accumulateIns().get(1));
        assertEquals("relu1.out.grad", conv.gradIns().get(0));
        assertEquals(true, conv.accumulateIns().get(0));
    }

    @Test
    void checkerCatchesUseAfterFreeLeaksAndDoubleAllocation() {
        StepProgram good = new BaselineMode().compile(net("lenet5"), OPTIONS);
        List<Instruction> step = new ArrayList<>(good.step());
        int free = step.indexOf(new Instruction.Free("conv1.out"));
        step.add(free, new Instruction.Free("relu1.out"));
        List<String> problems = ProgramChecker.check(new StepProgram(good.network(), "broken", 8, good.tensors(),
                good.setup(), step));
        assertTrue(problems.stream().anyMatch(s -> s.contains("uses relu1.out, which is not allocated")), problems.toString());

        List<Instruction> leaky = new ArrayList<>(good.step());
        leaky.removeIf(i -> i.equals(new Instruction.Free("pool1.out")));
        assertTrue(ProgramChecker.check(new StepProgram(good.network(), "broken", 8, good.tensors(), good.setup(), leaky))
                .contains("step: pool1.out is never freed"));

        List<Instruction> twice = new ArrayList<>(good.step());
        twice.add(1, new Instruction.Alloc("input"));
        assertTrue(ProgramChecker.check(new StepProgram(good.network(), "broken", 8, good.tensors(), good.setup(), twice))
                .stream().anyMatch(s -> s.contains("input is already allocated")));
    }

    @Test
    void persistentTensorsAreParametersGradientsAndOptimizerState() {
        StepProgram p = new BaselineMode().compile(net("lenet5"), OPTIONS);
        long params = p.tensors().values().stream().filter(d -> d.category() == Category.PARAMETER).count();
        long grads = p.tensors().values().stream().filter(d -> d.category() == Category.GRADIENT).count();
        long state = p.tensors().values().stream().filter(d -> d.category() == Category.OPTIMIZER_STATE).count();
        assertEquals(10, params);
        assertEquals(10, grads);
        assertEquals(10, state); // SGD momentum: one buffer per parameter
        assertTrue(p.listing().contains("ALLOC conv1.out  8x6x28x28 ACTIVATION 147.0 KiB"), p.listing());
    }

    static int indexOfPrefix(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starts with " + prefix);
    }
}
