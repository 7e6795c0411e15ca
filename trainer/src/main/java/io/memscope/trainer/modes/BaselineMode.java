package io.memscope.trainer.modes;

import io.memscope.trainer.memory.Action;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.Node;
import io.memscope.trainer.net.layers.Layer;
import io.memscope.trainer.net.layers.Pass;
import io.memscope.trainer.program.Instruction;
import io.memscope.trainer.program.StepProgram;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Layer by layer, as every framework does by default: forward keeps exactly what backward will read, frees
 * everything else at its last forward use, and backward frees each kept tensor at its last backward use.
 */
public final class BaselineMode implements MemoryMode {
    @Override
    public String id() {
        return "baseline";
    }

    @Override
    public String description() {
        return "layer by layer; forward keeps what backward needs, freed at last use";
    }

    @Override
    public StepProgram compile(Network net, CompileOptions options) {
        return compile(net, options, Set.of(), id());
    }

    /**
     * Layer by layer, except that the input of each {@code inverted} node is freed once the node's output exists
     * and rebuilt from that output by the node's inverse just before its backward (reversible mode; baseline
     * inverts none, so both share this one schedule). An inverted node keeps its output for the inverse unless
     * its own consumer is inverted too, and frees the saved tensors its inverse rebuilds after forward.
     */
    static StepProgram compile(Network net, CompileOptions options, Set<Integer> inverted, String modeId) {
        Lowering low = new Lowering(net, options);
        Liveness live = new Liveness(net, low, true, inverted);
        low.emit(new Instruction.Alloc(Lowering.INPUT)).emit(new Instruction.Alloc(Lowering.LABELS))
                .emit(new Instruction.Load(Lowering.INPUT, Lowering.LABELS));
        for (Node node : net.nodes()) {
            if (!node.layer().isView()) {
                emitForward(low, live, node, true);
            }
        }
        Set<String> gradsAllocated = new HashSet<>();
        for (int j = net.nodes().size() - 1; j >= 0; j--) {
            Node node = net.node(j);
            if (!live.runsBackward(j)) {
                continue;
            }
            Layer l = node.layer();
            if (inverted.contains(j)) {
                emitInverse(low, node);
            }
            String ws = low.emitBackward(node, "backward", gradsAllocated);
            if (ws != null) {
                low.emit(new Instruction.Free(ws));
            }
            if (!l.isLoss()) {
                low.emit(new Instruction.Free(low.grad(j)));
            }
            low.saved(l).forEach(s -> low.emit(new Instruction.Free(s)));
            for (String s : live.backwardReads(j)) {
                if (live.lastBackwardReader(s) == j) {
                    low.emit(new Instruction.Free(s));
                }
            }
        }
        low.emit(new Instruction.Phase("update", ""));
        low.updates().forEach(low::emit);
        return low.build(modeId);
    }

    /**
     * Rebuilds an inverted node's input (and the saved tensors its inverse rebuilds) from its output, in a
     * recompute phase of its own; the RECOMPUTE mark tells the trace the input is back.
     */
    private static void emitInverse(Lowering low, Node node) {
        Layer l = node.layer();
        low.emit(new Instruction.Phase("recompute", l.name()));
        String input = low.out(node.inputs().get(0));
        low.emit(new Instruction.Alloc(input));
        List<String> saved = low.saved(l);
        for (int i = 0; i < saved.size(); i++) {
            if (l.inverseRebuildsSaved(i)) {
                low.emit(new Instruction.Alloc(saved.get(i)));
            }
        }
        String ws = low.workspace(node, Pass.INVERSE);
        if (ws != null) {
            low.emit(new Instruction.Alloc(ws));
        }
        low.emit(low.inverse(node, ws));
        if (ws != null) {
            low.emit(new Instruction.Free(ws));
        }
        low.emit(new Instruction.Mark(Action.RECOMPUTE, input));
    }

    /**
     * Emits one layer's forward pass: allocate its output (and what it saves), run it, then free every input
     * whose last forward use this was and which backward does not read. Shared with the inference program.
     */
    static void emitForward(Lowering low, Liveness live, Node node, boolean training) {
        Layer l = node.layer();
        int j = node.index();
        String ws = low.emitForward(node, training ? "forward" : "eval", training);
        List<String> saved = training || l.isLoss() ? low.saved(l) : List.of();
        if (ws != null) {
            low.emit(new Instruction.Free(ws));
        }
        for (int i = 0; i < saved.size(); i++) {
            if (!live.runsBackward(j) || live.rebuildsSaved(j, i)) {
                low.emit(new Instruction.Free(saved.get(i)));
            }
        }
        Set<String> toFree = new LinkedHashSet<>();
        for (int in : node.inputs()) {
            String s = low.out(in);
            if (live.lastForwardUse(s) == j && !live.keptForBackward(s)) {
                toFree.add(s);
            }
        }
        if (l.isLoss() && !live.runsBackward(j)) {
            toFree.add(Lowering.LABELS);
        }
        String out = low.out(j);
        if (live.lastForwardUse(out) < 0 && !live.keptForBackward(out)) {
            toFree.add(out);
        }
        toFree.forEach(s -> low.emit(new Instruction.Free(s)));
    }

    /**
     * Where each tensor is last used in forward and read in backward. The inputs of inverted nodes are dropped:
     * freed after forward, rebuilt in backward; an inverted node's backward reads its output (for the inverse).
     */
    static final class Liveness {
        private final Map<String, Integer> lastForward = new HashMap<>();
        private final Map<String, Integer> lastBackward = new HashMap<>();
        private final Map<Integer, Set<String>> backwardReads = new HashMap<>();
        private final Set<String> dropped = new HashSet<>();
        private final Set<Integer> inverted;
        private final Network net;
        private final boolean[] backward;

        Liveness(Network net, Lowering low, boolean training) {
            this(net, low, training, Set.of());
        }

        Liveness(Network net, Lowering low, boolean training, Set<Integer> inverted) {
            this.net = net;
            this.inverted = Set.copyOf(inverted);
            backward = new boolean[net.nodes().size()];
            for (Node node : net.nodes()) {
                if (node.layer().isView()) {
                    continue;
                }
                int j = node.index();
                backward[j] = training && low.runsBackward(node);
                Set<String> reads = new LinkedHashSet<>();
                for (int i = 0; i < node.inputs().size(); i++) {
                    String s = low.out(node.inputs().get(i));
                    lastForward.merge(s, j, Math::max);
                    if (backward[j] && node.layer().backwardReadsInput(i)) {
                        reads.add(s);
                    }
                }
                if (backward[j] && (node.layer().backwardReadsOutput() || inverted.contains(j))) {
                    reads.add(low.out(j));
                }
                if (backward[j] && inverted.contains(j)) {
                    reads.add(low.out(node.inputs().get(0))); // rebuilt by the inverse, freed by its last reader
                }
                if (backward[j] && node.layer().isLoss()) {
                    reads.add(Lowering.LABELS);
                }
                backwardReads.put(j, reads);
                for (String s : reads) {
                    lastBackward.merge(s, j, Math::min);
                }
            }
            for (int c : inverted) {
                dropped.add(low.out(net.node(c).inputs().get(0)));
            }
        }

        boolean runsBackward(int j) {
            return backward[j];
        }

        int lastForwardUse(String tensor) {
            return lastForward.getOrDefault(tensor, -1);
        }

        /** Whether forward must keep the tensor for backward: read there, and not rebuilt by an inverse. */
        boolean keptForBackward(String tensor) {
            return lastBackward.containsKey(tensor) && !dropped.contains(tensor);
        }

        /** Whether node j's inverse rebuilds its saved tensor i, so that forward frees it. */
        boolean rebuildsSaved(int j, int i) {
            return inverted.contains(j) && net.node(j).layer().inverseRebuildsSaved(i);
        }

        /** The backward reader that runs last (backward goes in reverse, so the lowest index). */
        int lastBackwardReader(String tensor) {
            return lastBackward.getOrDefault(tensor, -1);
        }

        Set<String> backwardReads(int j) {
            return backwardReads.getOrDefault(j, Set.of());
        }
    }
}
