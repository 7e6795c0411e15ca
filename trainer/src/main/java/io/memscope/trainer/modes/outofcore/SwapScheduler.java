package io.memscope.trainer.modes.outofcore;

import io.memscope.trainer.memory.Arena;
import io.memscope.trainer.program.Instruction;
import io.memscope.trainer.program.StepProgram;
import io.memscope.trainer.program.TensorDecl;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans swaps into a program so that its device memory stays under a budget, with the adaptive window rules of
 * out-of-core training (Hayakawa and Narihira; nnabla's swap-in/out scheduler). The order of tensor accesses is
 * the program's own (a step is a program, so the first iteration's order is known before it runs); the scheduler
 * walks it once, keeping the bytes each tensor's block takes:
 *
 * <ul>
 *   <li>the window runs from the current instruction to a head that moves ahead as long as the bytes of the
 *       tensors the window's instructions use stay ≤ {@code prefetch}·budget and every tensor the head reaches
 *       that lives on the host can be brought in with the resident bytes ≤ budget (room for the allocations the
 *       window will make is kept free): those are prefetched (SWAP_IN, AWAIT just before the use);</li>
 *   <li>after an instruction, each tensor it used whose next use lies beyond the window's head is swapped out
 *       (SWAP_OUT starts the copy; the block is returned by RELEASE later), unless its next event is its free,
 *       which drops it without a copy;</li>
 *   <li>when the head reaches a tensor whose swap-out is still pending, the swap-out is cancelled (CANCEL): it
 *       stays where it is and needs no copy back;</li>
 *   <li>when memory is short (an allocation or a forced swap-in), the oldest pending swap-out is released
 *       (waited for) first; if that is not enough, the resident tensor used farthest ahead is swapped out and
 *       released at once.</li>
 * </ul>
 *
 * Persistent tensors (parameters, gradients, optimizer state) stay on the device: they keep the addresses setup
 * gave them, so that every step starts from the same layout and the plan, checked once, holds for every step.
 * (Swapping them too would let them come back elsewhere each step, and best fit's holes drift.) The result is
 * null when the budget cannot hold what a single instruction needs.
 */
final class SwapScheduler {
    private enum State { ABSENT, RESIDENT, OUT_PENDING, ON_HOST, IN_PENDING }

    private final StepProgram program;
    private final long budget;
    private final double prefetch;
    private final List<Instruction> step;
    /** uses of each instruction, the end of the step (index n) using every persistent tensor. */
    private final List<List<String>> uses = new ArrayList<>();
    private final Map<String, List<Integer>> useAt = new HashMap<>();
    private final Map<String, List<Integer>> freeAt = new HashMap<>();
    private final Map<String, State> state = new HashMap<>();
    private final ArrayDeque<String> pending = new ArrayDeque<>();
    private final List<Instruction> out = new ArrayList<>();
    private long resident;
    private long bytesOut;
    private long bytesIn;

    private SwapScheduler(StepProgram program, long budget, double prefetch) {
        this.program = program;
        this.budget = budget;
        this.prefetch = prefetch;
        this.step = program.step();
    }

    /** The program with swaps under the budget, or null when no schedule holds it there. */
    static StepProgram schedule(StepProgram program, long budget, double prefetch) {
        return new SwapScheduler(program, budget, prefetch).run();
    }

    private long size(String t) {
        return Math.max(Arena.ALIGNMENT, Arena.align(program.decl(t).dims().bytes()));
    }

    private StepProgram run() {
        int n = step.size();
        List<String> persistent = new ArrayList<>();
        for (TensorDecl d : program.tensors().values()) {
            if (d.persistent() && allocatedBySetup(d.name())) {
                persistent.add(d.name());
                state.put(d.name(), State.RESIDENT);
                resident += size(d.name());
            }
        }
        for (int k = 0; k <= n; k++) {
            List<String> u = k == n ? persistent : new ArrayList<>(new LinkedHashSet<>(step.get(k).uses()));
            uses.add(u);
            for (String t : u) {
                useAt.computeIfAbsent(t, x -> new ArrayList<>()).add(k);
            }
            if (k < n && step.get(k) instanceof Instruction.Free f) {
                freeAt.computeIfAbsent(f.tensor(), x -> new ArrayList<>()).add(k);
            }
        }
        if (resident > budget) {
            return null;
        }
        Map<String, Integer> inWindow = new HashMap<>();
        long windowBytes = 0;
        int head = 0;
        for (int k = 0; k <= n; k++) {
            // the window's head moves ahead: prefetch what it reaches, cancel swap-outs it meets
            while (head <= n) {
                long more = 0;
                long incoming = 0;
                for (String t : uses.get(head)) {
                    if (inWindow.getOrDefault(t, 0) == 0) {
                        more += size(t);
                    }
                    if (state.get(t) == State.ON_HOST) {
                        incoming += size(t);
                    }
                }
                boolean current = head <= k;
                if (!current && windowBytes + more > prefetch * budget) {
                    break;
                }
                if (!current && incoming > 0 && !makeRoom(incoming + growth(k, head), Set.copyOf(uses.get(head)),
                        k, false)) {
                    break;
                }
                for (String t : uses.get(head)) {
                    if (inWindow.merge(t, 1, Integer::sum) == 1) {
                        windowBytes += size(t);
                    }
                    if (!current) {
                        if (state.get(t) == State.OUT_PENDING) {
                            cancel(t);
                        } else if (state.get(t) == State.ON_HOST) {
                            swapIn(t);
                        }
                    }
                }
                head++;
            }
            Set<String> needed = Set.copyOf(uses.get(k));
            if (k == 0) {
                for (String t : persistent) { // what the step does not need soon leaves at its start
                    maybeSwapOut(t, k, head);
                }
            }
            for (String t : uses.get(k)) { // the current instruction's tensors must be on the device
                State s = state.get(t);
                if (s == State.OUT_PENDING) {
                    cancel(t);
                } else if (s == State.ON_HOST) {
                    if (!makeRoom(size(t), needed, k, true)) {
                        return null;
                    }
                    swapIn(t);
                }
                if (state.get(t) == State.IN_PENDING) {
                    out.add(new Instruction.Await(t));
                    state.put(t, State.RESIDENT);
                }
            }
            if (k == n) {
                break;
            }
            Instruction i = step.get(k);
            if (i instanceof Instruction.Alloc a) {
                if (!makeRoom(size(a.tensor()), needed, k, true)) {
                    return null;
                }
                state.put(a.tensor(), State.RESIDENT);
                resident += size(a.tensor());
            } else if (i instanceof Instruction.Free f) {
                state.put(f.tensor(), State.ABSENT);
                resident -= size(f.tensor());
            }
            out.add(i);
            List<String> touched = new ArrayList<>(uses.get(k));
            if (i instanceof Instruction.Alloc a) {
                touched.add(a.tensor());
            }
            for (String t : touched) {
                maybeSwapOut(t, k, head);
            }
            for (String t : uses.get(k)) {
                if (inWindow.merge(t, -1, Integer::sum) == 0) {
                    windowBytes -= size(t);
                }
            }
        }
        while (!pending.isEmpty()) { // persistent tensors swapped out after their last use come back at the end
            cancel(pending.peekFirst());
        }
        List<Instruction> setup = program.setup();
        StepProgram p = new StepProgram(program.network(), program.mode(), program.batch(), program.tensors(), setup,
                out, program.codec());
        return p;
    }

    private boolean allocatedBySetup(String t) {
        for (Instruction i : program.setup()) {
            if (i instanceof Instruction.Alloc a && a.tensor().equals(t)) {
                return true;
            }
        }
        return false;
    }

    /** Swaps a resident tensor out when its next use lies beyond the window and its next event is not its free. */
    private void maybeSwapOut(String t, int k, int head) {
        if (state.get(t) != State.RESIDENT || program.decl(t).persistent()) {
            return;
        }
        int next = next(useAt.get(t), k);
        int free = next(freeAt.get(t), k);
        if (next < 0 || (free >= 0 && free < next) || next < head) {
            return;
        }
        out.add(new Instruction.SwapOut(t));
        state.put(t, State.OUT_PENDING);
        pending.addLast(t);
        bytesOut += program.decl(t).dims().bytes();
    }

    private void cancel(String t) {
        out.add(new Instruction.Cancel(t));
        pending.remove(t);
        state.put(t, State.RESIDENT);
        bytesOut -= program.decl(t).dims().bytes();
    }

    private void swapIn(String t) {
        out.add(new Instruction.SwapIn(t));
        state.put(t, State.IN_PENDING);
        resident += size(t);
        bytesIn += program.decl(t).dims().bytes();
    }

    /**
     * Frees device bytes until {@code bytes} more fit: the oldest pending swap-outs are released first; when
     * {@code force}, resident tensors not in {@code keep} are then swapped out and released, the one used
     * farthest ahead first. False when it cannot.
     */
    private boolean makeRoom(long bytes, Set<String> keep, int k, boolean force) {
        while (resident + bytes > budget && !pending.isEmpty()) {
            String t = pending.pollFirst();
            out.add(new Instruction.Release(t));
            state.put(t, State.ON_HOST);
            resident -= size(t);
        }
        while (force && resident + bytes > budget) {
            String victim = null;
            int farthest = -1;
            for (Map.Entry<String, State> e : state.entrySet()) {
                String t = e.getKey();
                if (e.getValue() != State.RESIDENT || keep.contains(t) || program.decl(t).persistent()) {
                    continue;
                }
                int next = next(useAt.get(t), k - 1);
                int free = next(freeAt.get(t), k - 1);
                if (next < 0 || (free >= 0 && free < next)) {
                    continue; // dead until its free: nothing to save
                }
                if (next > farthest || (next == farthest && t.compareTo(victim) < 0)) {
                    farthest = next;
                    victim = t;
                }
            }
            if (victim == null) {
                return false;
            }
            out.add(new Instruction.SwapOut(victim));
            out.add(new Instruction.Release(victim));
            state.put(victim, State.ON_HOST);
            resident -= size(victim);
            bytesOut += program.decl(victim).dims().bytes();
        }
        return resident + bytes <= budget;
    }

    /** Net growth of device bytes from allocations and frees in instructions k..head (its largest prefix). */
    private long growth(int k, int head) {
        long g = 0;
        long max = 0;
        for (int j = k; j <= head && j < step.size(); j++) {
            Instruction i = step.get(j);
            if (i instanceof Instruction.Alloc a) {
                g += size(a.tensor());
            } else if (i instanceof Instruction.Free f) {
                g -= size(f.tensor());
            }
            max = Math.max(max, g);
        }
        return max;
    }

    /** The first position in {@code at} after k, or -1. */
    private static int next(List<Integer> at, int k) {
        if (at == null) {
            return -1;
        }
        for (int p : at) {
            if (p > k) {
                return p;
            }
        }
        return -1;
    }
}
