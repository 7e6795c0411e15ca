package io.memscope.trainer.modes;

import io.memscope.trainer.program.Instruction;
import io.memscope.trainer.program.StepProgram;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Places the FREE instructions of a step program: every tensor the step allocates is freed right after the
 * last instruction that uses it. A compiler that emits allocations at first use and lets this pass end the
 * lifetimes gets the shortest lifetimes its instruction order allows, without bookkeeping of its own. A tensor
 * allocated again (computed again, as gradient checkpointing does) starts a new lifetime there: the one before
 * ends after its last use before that ALLOC, and must have one. Persistent tensors are left alone.
 */
public final class FreeAtLastUse {
    private FreeAtLastUse() {}

    public static StepProgram apply(StepProgram p) {
        List<Instruction> step = p.step();
        Map<String, Integer> allocatedAt = new LinkedHashMap<>(); // the lifetime each tensor is in
        Map<String, Integer> lastUse = new HashMap<>();
        Map<Integer, List<String>> freesAfter = new HashMap<>();
        for (int k = 0; k < step.size(); k++) {
            Instruction i = step.get(k);
            if (i instanceof Instruction.Alloc a) {
                Integer before = allocatedAt.put(a.tensor(), k);
                if (before != null) {
                    int last = lastUse.get(a.tensor());
                    if (last == before) {
                        throw new IllegalStateException(a.tensor() + " is allocated again before any use");
                    }
                    endLifetime(p, a.tensor(), last, freesAfter);
                }
                lastUse.put(a.tensor(), k);
            } else if (i instanceof Instruction.Free f) {
                throw new IllegalStateException("the program already frees " + f.tensor());
            } else {
                for (String t : uses(i)) {
                    lastUse.put(t, k);
                }
            }
        }
        for (String t : allocatedAt.keySet()) {
            endLifetime(p, t, lastUse.get(t), freesAfter);
        }
        List<Instruction> out = new ArrayList<>();
        for (int k = 0; k < step.size(); k++) {
            out.add(step.get(k));
            for (String t : freesAfter.getOrDefault(k, List.of())) {
                out.add(new Instruction.Free(t));
            }
        }
        return new StepProgram(p.network(), p.mode(), p.batch(), p.tensors(), p.setup(), out);
    }

    private static void endLifetime(StepProgram p, String tensor, int lastUse, Map<Integer, List<String>> freesAfter) {
        if (!p.decl(tensor).persistent()) {
            freesAfter.computeIfAbsent(lastUse, k -> new ArrayList<>()).add(tensor);
        }
    }

    /** Tensors an instruction reads or writes. */
    static List<String> uses(Instruction i) {
        if (i instanceof Instruction.Run r) {
            return r.tensors();
        } else if (i instanceof Instruction.CopyRows c) {
            return List.of(c.src(), c.dst());
        } else if (i instanceof Instruction.FillRows f) {
            return List.of(f.tensor());
        } else if (i instanceof Instruction.Load l) {
            return List.of(l.input(), l.labels());
        } else if (i instanceof Instruction.Mark m) {
            return List.of(m.tensor());
        } else if (i instanceof Instruction.Update u) {
            List<String> all = new ArrayList<>(u.state());
            all.add(u.param());
            all.add(u.grad());
            return all;
        }
        return List.of();
    }
}
