package io.memscope.trainer.program;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Static checks of a program, without running a kernel: every tensor used is declared and live (not
 * compressed), nothing is allocated twice or freed while not live, every compressed tensor is decompressed, every step allocation is freed by the end of the step, only
 * persistent tensors outlive it, and row copies and fills stay inside tensors of matching shapes.
 */
public final class ProgramChecker {
    private ProgramChecker() {}

    /** Returns the problems found; empty when the program is sound. */
    public static List<String> check(StepProgram p) {
        List<String> problems = new ArrayList<>();
        Set<String> live = new HashSet<>();
        walk(p, p.setup(), live, problems, "setup");
        for (String t : live) {
            if (!p.decl(t).persistent()) {
                problems.add("setup: " + t + " is not persistent but stays allocated");
            }
        }
        Set<String> afterSetup = new HashSet<>(live);
        walk(p, p.step(), live, problems, "step");
        for (String t : live) {
            if (t.startsWith(COMPRESSED)) {
                problems.add("step: " + t.substring(COMPRESSED.length()) + " is compressed and never decompressed");
            } else if (!afterSetup.contains(t)) {
                problems.add("step: " + t + " is never freed");
            }
        }
        for (String t : afterSetup) {
            if (!live.contains(t)) {
                problems.add("step: persistent " + t + " was freed");
            }
        }
        return problems;
    }

    /** Throws with every problem listed when the program is unsound. */
    public static void verify(StepProgram p) {
        List<String> problems = check(p);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid " + p.mode() + " program for " + p.network() + ":\n  "
                    + String.join("\n  ", problems));
        }
    }

    private static void walk(StepProgram p, List<Instruction> list, Set<String> live, List<String> problems,
                             String where) {
        for (int k = 0; k < list.size(); k++) {
            Instruction i = list.get(k);
            String at = where + " #" + k + " (" + i + ")";
            if (i instanceof Instruction.Alloc a) {
                if (!p.tensors().containsKey(a.tensor())) {
                    problems.add(at + ": " + a.tensor() + " is not declared");
                } else if (!live.add(a.tensor())) {
                    problems.add(at + ": " + a.tensor() + " is already allocated");
                }
            } else if (i instanceof Instruction.Free f) {
                if (!live.remove(f.tensor())) {
                    problems.add(at + ": " + f.tensor() + " is not allocated");
                }
            } else if (i instanceof Instruction.Run r) {
                requireLive(r.tensors(), live, problems, at);
            } else if (i instanceof Instruction.Update u) {
                List<String> all = new ArrayList<>(u.state());
                all.add(u.param());
                all.add(u.grad());
                requireLive(all, live, problems, at);
            } else if (i instanceof Instruction.Load l) {
                requireLive(List.of(l.input(), l.labels()), live, problems, at);
            } else if (i instanceof Instruction.Compress c) {
                requireLive(List.of(c.tensor()), live, problems, at);
                if (!p.tensors().containsKey(c.into())) {
                    problems.add(at + ": " + c.into() + " is not declared");
                } else if (!live.add(c.into())) {
                    problems.add(at + ": " + c.into() + " is already allocated");
                }
                if (live.remove(c.tensor())) {
                    live.add(COMPRESSED + c.tensor());
                }
            } else if (i instanceof Instruction.Decompress d) {
                requireLive(List.of(d.from()), live, problems, at);
                if (!live.remove(COMPRESSED + d.tensor())) {
                    problems.add(at + ": decompresses " + d.tensor() + ", which is not compressed");
                } else {
                    live.add(d.tensor());
                }
            } else if (i instanceof Instruction.Mark m) {
                requireLive(List.of(m.tensor()), live, problems, at);
            } else if (i instanceof Instruction.CopyRows c) {
                requireLive(List.of(c.src(), c.dst()), live, problems, at);
                checkRows(p, c, problems, at);
            } else if (i instanceof Instruction.FillRows f) {
                requireLive(List.of(f.tensor()), live, problems, at);
                if (p.tensors().containsKey(f.tensor())) {
                    int h = p.decl(f.tensor()).dims().h();
                    if (f.rows() < 0 || f.row() < 0 || f.row() + f.rows() > h) {
                        problems.add(at + ": rows outside " + f.tensor() + " (" + h + " rows)");
                    }
                }
            }
        }
    }

    /** Row copies join maps of the same n, c and w, within both tensors' heights. */
    private static void checkRows(StepProgram p, Instruction.CopyRows c, List<String> problems, String at) {
        if (!p.tensors().containsKey(c.src()) || !p.tensors().containsKey(c.dst())) {
            return;
        }
        var s = p.decl(c.src()).dims();
        var d = p.decl(c.dst()).dims();
        if (s.n() != d.n() || s.c() != d.c() || s.w() != d.w()) {
            problems.add(at + ": " + s + " and " + d + " differ in n, c or w");
        }
        if (c.rows() < 0 || c.srcRow() < 0 || c.dstRow() < 0 || c.srcRow() + c.rows() > s.h()
                || c.dstRow() + c.rows() > d.h()) {
            problems.add(at + ": rows outside " + c.src() + " (" + s.h() + " rows) or " + c.dst() + " (" + d.h()
                    + " rows)");
        }
    }

    private static void requireLive(List<String> names, Set<String> live, List<String> problems, String at) {
        for (String n : names) {
            if (live.contains(COMPRESSED + n)) {
                problems.add(at + ": uses " + n + ", which is compressed");
            } else if (!live.contains(n)) {
                problems.add(at + ": uses " + n + ", which is not allocated");
            }
        }
    }

    /** Marks a compressed tensor in the live set: it holds no block, and no instruction may use it. */
    private static final String COMPRESSED = "\0compressed:";
}
