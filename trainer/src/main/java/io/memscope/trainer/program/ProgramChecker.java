package io.memscope.trainer.program;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Static checks of a program, without running a kernel: every tensor used is declared and on the device (not
 * compressed, not swapped out or on its way), nothing is allocated twice or freed while not live, every compressed
 * tensor is decompressed, swaps go out, release or cancel, come in and are awaited in that order, every tensor is
 * back on the device when the step ends, every step allocation is freed by the end of the step, only
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
            } else if (t.startsWith("\0")) {
                String name = t.substring(t.indexOf(':') + 1);
                problems.add("step: " + name + " ends the step off the device" + away(name, live));
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
            requireLive(i.uses(), live, problems, at);
            if (i instanceof Instruction.Alloc a) {
                if (!p.tensors().containsKey(a.tensor())) {
                    problems.add(at + ": " + a.tensor() + " is not declared");
                } else if (!live.add(a.tensor())) {
                    problems.add(at + ": " + a.tensor() + " is already allocated");
                }
            } else if (i instanceof Instruction.Free f) {
                if (!live.remove(f.tensor())) {
                    problems.add(at + ": " + f.tensor() + " is not allocated" + away(f.tensor(), live));
                }
            } else if (i instanceof Instruction.Compress c) {
                if (!p.tensors().containsKey(c.into())) {
                    problems.add(at + ": " + c.into() + " is not declared");
                } else if (!live.add(c.into())) {
                    problems.add(at + ": " + c.into() + " is already allocated");
                }
                if (live.remove(c.tensor())) {
                    live.add(COMPRESSED + c.tensor());
                }
            } else if (i instanceof Instruction.Decompress d) {
                if (!live.remove(COMPRESSED + d.tensor())) {
                    problems.add(at + ": decompresses " + d.tensor() + ", which is not compressed");
                } else {
                    live.add(d.tensor());
                }
            } else if (i instanceof Instruction.SwapOut o) {
                move(live, o.tensor(), "", OUT_PENDING, problems, at, "is not on the device");
            } else if (i instanceof Instruction.Release r) {
                move(live, r.tensor(), OUT_PENDING, ON_HOST, problems, at, "has no pending swap-out");
            } else if (i instanceof Instruction.Cancel c) {
                move(live, c.tensor(), OUT_PENDING, "", problems, at, "has no pending swap-out");
            } else if (i instanceof Instruction.SwapIn in) {
                move(live, in.tensor(), ON_HOST, IN_PENDING, problems, at, "is not on the host");
            } else if (i instanceof Instruction.Await w) {
                move(live, w.tensor(), IN_PENDING, "", problems, at, "has no pending swap-in");
            } else if (i instanceof Instruction.CopyRows c) {
                checkRows(p, c, problems, at);
            } else if (i instanceof Instruction.FillRows f) {
                if (p.tensors().containsKey(f.tensor())) {
                    int h = p.decl(f.tensor()).dims().h();
                    if (f.rows() < 0 || f.row() < 0 || f.row() + f.rows() > h) {
                        problems.add(at + ": rows outside " + f.tensor() + " (" + h + " rows)");
                    }
                }
            }
        }
    }

    /** A swap instruction moves a tensor from one state (marker prefix; "" = on the device) to the next. */
    private static void move(Set<String> live, String tensor, String from, String to, List<String> problems,
                             String at, String otherwise) {
        if (!live.remove(from + tensor)) {
            problems.add(at + ": " + tensor + " " + otherwise + away(tensor, live));
        } else {
            live.add(to + tensor);
        }
    }

    /** Where a tensor that is not on the device is instead, for a problem's text. */
    private static String away(String tensor, Set<String> live) {
        if (live.contains(COMPRESSED + tensor)) {
            return " (it is compressed)";
        } else if (live.contains(OUT_PENDING + tensor)) {
            return " (it is being swapped out)";
        } else if (live.contains(ON_HOST + tensor)) {
            return " (it is swapped out to the host)";
        } else if (live.contains(IN_PENDING + tensor)) {
            return " (its swap-in has not been awaited)";
        }
        return "";
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
            if (!live.contains(n)) {
                String away = away(n, live);
                problems.add(at + ": uses " + n + ", which " + (away.isEmpty() ? "is not allocated"
                        : "is not on the device" + away));
            }
        }
    }

    /** Marks a compressed tensor in the live set: it holds no block, and no instruction may use it. */
    private static final String COMPRESSED = "\0compressed:";
    /** A tensor whose SWAP_OUT started and was not yet released or cancelled: it holds its block, unusable. */
    private static final String OUT_PENDING = "\0swapping-out:";
    /** A tensor swapped out to the host: no device block. */
    private static final String ON_HOST = "\0host:";
    /** A tensor whose SWAP_IN started and was not yet awaited: it holds a block, not yet usable. */
    private static final String IN_PENDING = "\0swapping-in:";
}
