package io.memscope.trainer.modes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.program.Instruction;
import io.memscope.trainer.program.ProgramChecker;
import io.memscope.trainer.program.StepProgram;
import io.memscope.trainer.program.TensorDecl;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FreeAtLastUseTest {
    private static final Dims D = Dims.of(1, 1, 4, 4);

    private static StepProgram program(List<Instruction> step) {
        Map<String, TensorDecl> decls = new LinkedHashMap<>();
        for (String t : List.of("a", "b", "c")) {
            decls.put(t, new TensorDecl(t, "", Category.ACTIVATION, D, false));
        }
        decls.put("w", new TensorDecl("w", "", Category.PARAMETER, D, true));
        return new StepProgram("net", "test", 1, decls, List.of(new Instruction.Alloc("w")), step);
    }

    @Test
    void freesEveryStepTensorRightAfterItsLastUse() {
        StepProgram p = FreeAtLastUse.apply(program(List.of(
                new Instruction.Alloc("a"),
                new Instruction.FillRows("a", 0, 4, 1f),
                new Instruction.Alloc("b"),
                new Instruction.CopyRows("a", 0, "b", 0, 4, false),
                new Instruction.Alloc("c"),
                new Instruction.CopyRows("b", 1, "c", 0, 2, true),
                new Instruction.CopyRows("w", 0, "c", 0, 1, true))));
        assertEquals(List.of("ALLOC a", "FILL_ROWS a[0..4) = 1.0", "ALLOC b", "COPY_ROWS a[0..4) -> b[0..4)", "FREE a",
                "ALLOC c", "COPY_ROWS b[1..3) +=> c[0..2)", "FREE b", "COPY_ROWS w[0..1) +=> c[0..1)", "FREE c"),
                p.step().stream().map(Object::toString).toList(), "the persistent w stays");
        assertEquals(List.of(), ProgramChecker.check(p));
    }

    /** A tensor allocated again (recomputed) has two lifetimes, each ended after its own last use. */
    @Test
    void aTensorAllocatedAgainStartsANewLifetime() {
        StepProgram p = FreeAtLastUse.apply(program(List.of(
                new Instruction.Alloc("a"),
                new Instruction.FillRows("a", 0, 4, 1f),
                new Instruction.Alloc("b"),
                new Instruction.CopyRows("a", 0, "b", 0, 4, false),
                new Instruction.Alloc("a"),
                new Instruction.CopyRows("b", 0, "a", 0, 4, false),
                new Instruction.CopyRows("a", 0, "w", 0, 4, true))));
        assertEquals(List.of("ALLOC a", "FILL_ROWS a[0..4) = 1.0", "ALLOC b", "COPY_ROWS a[0..4) -> b[0..4)", "FREE a",
                "ALLOC a", "COPY_ROWS b[0..4) -> a[0..4)", "FREE b", "COPY_ROWS a[0..4) +=> w[0..4)", "FREE a"),
                p.step().stream().map(Object::toString).toList());
        assertEquals(List.of(), ProgramChecker.check(p));
    }

    @Test
    void refusesProgramsThatAllocateATensorTwiceBeforeUsingItOrFreeThemselves() {
        assertThrows(IllegalStateException.class, () -> FreeAtLastUse.apply(program(List.of(
                new Instruction.Alloc("a"), new Instruction.Alloc("a")))));
        assertThrows(IllegalStateException.class, () -> FreeAtLastUse.apply(program(List.of(
                new Instruction.Alloc("a"), new Instruction.Free("a")))));
    }
}
