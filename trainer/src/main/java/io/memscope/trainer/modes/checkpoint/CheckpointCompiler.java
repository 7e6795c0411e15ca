package io.memscope.trainer.modes.checkpoint;

import io.memscope.trainer.memory.Action;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.FreeAtLastUse;
import io.memscope.trainer.modes.Lowering;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.Node;
import io.memscope.trainer.net.layers.Layer;
import io.memscope.trainer.net.layers.Pass;
import io.memscope.trainer.program.Instruction;
import io.memscope.trainer.program.StepProgram;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Compiles one training step with gradient checkpointing; {@link CheckpointMode} describes the scheme. The
 * compiler emits allocations only, each where a tensor is written; {@link FreeAtLastUse} ends every lifetime at
 * its last use. A tensor of an earlier segment that backward reads is therefore allocated twice: its forward
 * lifetime ends at its last forward reader, and its recomputation starts another, which ends at its last
 * backward reader. A checkpoint is never allocated again, so its one lifetime spans from its forward to its last
 * backward use, as does every tensor of the last segment, whose backward follows its forward.
 */
final class CheckpointCompiler {
    private final Network net;
    private final Lowering low;
    private final Segments segments;
    private final Set<String> checkpoints = new HashSet<>();

    CheckpointCompiler(Network net, CompileOptions options, Segments segments) {
        this.net = net;
        this.low = new Lowering(net, options);
        this.segments = segments;
        segments.cuts().forEach(c -> checkpoints.add(low.out(c)));
    }

    StepProgram compile(String mode) {
        low.emit(new Instruction.Alloc(Lowering.INPUT)).emit(new Instruction.Alloc(Lowering.LABELS))
                .emit(new Instruction.Load(Lowering.INPUT, Lowering.LABELS));
        for (Node node : net.nodes()) {
            if (!node.layer().isView()) {
                low.emitForward(node, phase("forward", segments.segmentOf(node.index())), true);
            }
        }
        Set<String> gradsAllocated = new HashSet<>();
        for (int s = segments.count() - 1; s >= 0; s--) {
            if (s < segments.count() - 1) {
                recompute(s);
            }
            for (int j = segments.last(s); j >= segments.first(s); j--) {
                Node node = net.node(j);
                if (low.runsBackward(node)) {
                    low.emitBackward(node, phase("backward", s), gradsAllocated);
                }
            }
        }
        low.emit(new Instruction.Phase("update", ""));
        low.updates().forEach(low::emit);
        return FreeAtLastUse.apply(low.build(mode));
    }

    /** Segment s's forward again, from its checkpoint, for what its backward reads and nothing more. */
    private void recompute(int s) {
        String phase = phase("recompute", s);
        for (Node node : needed(s)) {
            Layer l = node.layer();
            low.emit(new Instruction.Phase(phase, l.name()));
            String out = low.out(node.index());
            List<String> saved = low.savedRecomputed(l);
            low.emit(new Instruction.Alloc(out));
            saved.forEach(t -> low.emit(new Instruction.Alloc(t)));
            String ws = low.workspace(node, Pass.FORWARD, true);
            if (ws != null) {
                low.emit(new Instruction.Alloc(ws));
            }
            low.emit(low.recompute(node, ws));
            low.emit(new Instruction.Mark(Action.RECOMPUTE, out));
            saved.forEach(t -> low.emit(new Instruction.Mark(Action.RECOMPUTE, t)));
        }
    }

    /**
     * The nodes of segment s to run again, in order: those whose output (not a checkpoint) the segment's backward
     * reads, or whose saved tensors it reads and the recomputation writes (a dropout mask), and, for those, the
     * nodes whose outputs they read.
     */
    private Deque<Node> needed(int s) {
        Set<String> wanted = new HashSet<>();
        Deque<Node> out = new ArrayDeque<>();
        for (int j = segments.last(s); j >= segments.first(s); j--) {
            Node node = net.node(j);
            Layer l = node.layer();
            if (l.isView()) {
                continue;
            }
            boolean backward = low.runsBackward(node);
            if (backward) {
                for (int i = 0; i < node.inputs().size(); i++) {
                    if (l.backwardReadsInput(i)) {
                        wanted.add(low.out(node.inputs().get(i)));
                    }
                }
                if (l.backwardReadsOutput()) {
                    wanted.add(low.out(j));
                }
            }
            if (checkpoints.contains(low.out(j))) {
                continue;
            }
            if (wanted.contains(low.out(j)) || (backward && !low.savedRecomputed(l).isEmpty())) {
                out.addFirst(node);
                node.inputs().forEach(in -> wanted.add(low.out(in)));
            }
        }
        return out;
    }

    /** A phase's name: plain with one segment (baseline's program), else with the segment, from 1. */
    private String phase(String kind, int s) {
        return segments.count() == 1 ? kind : kind + " segment " + (s + 1) + "/" + segments.count();
    }
}
