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
 * lifetimes gets the shortest lifetimes its instruction order allows, without bookkeeping of its own. Each
 * step tensor must be allocated once; persistent tensors are left alone.
 */
public final class FreeAtLastUse {
    private FreeAtLastUse() {}

    public static StepProgram apply(StepProgram p) {
        List<Instruction> step = p.step();
        Map<String, Integer> allocatedAt = new LinkedHashMap<>();
        Map<String, Integer> lastUse = new HashMap<>();
        for (int k = 0; k < step.size(); k++) {
            Instruction i = step.get(k);
            if (i instanceof Instruction.Alloc a) {
                if (allocatedAt.put(a.tensor(), k) != null) {
                    throw new IllegalStateException(a.tensor() + " is allocated twice in one step");
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
        Map<Integer, List<String>> freesAfter = new HashMap<>();
        for (String t : allocatedAt.keySet()) {
            if (!p.decl(t).persistent()) {
                freesAfter.computeIfAbsent(lastUse.get(t), k -> new ArrayList<>()).add(t);
            }
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
