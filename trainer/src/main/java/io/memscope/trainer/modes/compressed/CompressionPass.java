package io.memscope.trainer.modes.compressed;

import io.memscope.trainer.memory.Category;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.layers.Pass;
import io.memscope.trainer.program.ActivationCodec;
import io.memscope.trainer.program.Instruction;
import io.memscope.trainer.program.StepProgram;
import io.memscope.trainer.program.TensorDecl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Rewrites a training program so that the activations it keeps from forward for backward are held compressed in
 * between: right after a kept layer output's last forward use, {@code COMPRESS t -> t.z} (t's block goes back
 * to the arena, its stream holds it); just before its first backward use, {@code DECOMPRESS t.z -> t} (t back
 * in a new block) and {@code FREE t.z}. Kept
 * exact are what must not change: tensors a max pooling's backward reads (it finds its maxima by comparing
 * input and output), saved tensors other than layer outputs (batch-norm statistics, dropout masks, the loss's
 * probabilities), the data, and tensors under {@link #MIN_BYTES}, whose stream would save nothing worth a kernel.
 */
public final class CompressionPass {
    /** Smaller tensors are not worth compressing. */
    public static final long MIN_BYTES = 16L << 10;
    /** The name suffix of a tensor's compressed form. */
    public static final String SUFFIX = ".z";

    private CompressionPass() {}

    /** The tensors {@link #apply} compresses in this program, in the order their compression starts. */
    public static List<String> candidates(StepProgram p, Network net) {
        List<Instruction> step = p.step();
        int boundary = firstBackward(step);
        if (boundary < 0) {
            return List.of();
        }
        Set<String> exact = new LinkedHashSet<>();
        for (Instruction i : step) {
            if (i instanceof Instruction.Run r && r.pass() == Pass.BACKWARD
                    && net.node(r.node()).layer().type().equals("maxpool2d")) {
                r.tensors().forEach(exact::add);
            }
        }
        Map<String, Integer> allocated = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (int k = 0; k < step.size(); k++) {
            if (step.get(k) instanceof Instruction.Alloc a) {
                allocated.putIfAbsent(a.tensor(), k);
            } else if (step.get(k) instanceof Instruction.Free f && k > boundary) {
                Integer at = allocated.get(f.tensor());
                TensorDecl d = p.decl(f.tensor());
                if (at != null && at < boundary && d.category() == Category.ACTIVATION && d.name().endsWith(".out")
                        && !exact.contains(d.name()) && d.dims().bytes() >= MIN_BYTES && usedAfter(step, d.name(), boundary)) {
                    out.add(d.name());
                }
            }
        }
        out.sort((a, b) -> Integer.compare(lastUse(step, a, boundary), lastUse(step, b, boundary)));
        return out;
    }

    /** The program with the {@link #candidates} compressed between forward and backward through {@code codec}. */
    public static StepProgram apply(StepProgram p, Network net, String mode, ActivationCodec codec) {
        List<String> compressed = candidates(p, net);
        List<Instruction> step = p.step();
        int boundary = firstBackward(step);
        Map<Integer, List<Instruction>> after = new HashMap<>();
        Map<Integer, List<Instruction>> before = new HashMap<>();
        Map<String, TensorDecl> decls = new LinkedHashMap<>(p.tensors());
        for (String t : compressed) {
            TensorDecl d = p.decl(t);
            String z = t + SUFFIX;
            decls.put(z, new TensorDecl(z, d.layer(), Category.COMPRESSED, d.dims(), false));
            after.computeIfAbsent(lastUse(step, t, boundary), k -> new ArrayList<>())
                    .add(new Instruction.Compress(t, z));
            before.computeIfAbsent(firstUse(step, t, boundary), k -> new ArrayList<>())
                    .addAll(List.of(new Instruction.Decompress(z, t), new Instruction.Free(z)));
        }
        List<Instruction> out = new ArrayList<>();
        for (int k = 0; k < step.size(); k++) {
            out.addAll(before.getOrDefault(k, List.of()));
            out.add(step.get(k));
            out.addAll(after.getOrDefault(k, List.of()));
        }
        return new StepProgram(p.network(), mode, p.batch(), decls, p.setup(), out, codec);
    }

    private static int firstBackward(List<Instruction> step) {
        for (int k = 0; k < step.size(); k++) {
            if (step.get(k) instanceof Instruction.Phase ph && ph.name().startsWith("backward")) {
                return k;
            }
        }
        return -1;
    }

    /** Whether an instruction other than FREE reads the tensor after {@code from}. */
    private static boolean usedAfter(List<Instruction> step, String t, int from) {
        return firstUse(step, t, from) >= 0;
    }

    /** The last instruction before {@code boundary} that touches the tensor. */
    private static int lastUse(List<Instruction> step, String t, int boundary) {
        int last = -1;
        for (int k = 0; k < boundary; k++) {
            if (touches(step.get(k), t)) {
                last = k;
            }
        }
        return last;
    }

    /** The first instruction from {@code boundary} on that reads the tensor (not its FREE), or −1. */
    private static int firstUse(List<Instruction> step, String t, int boundary) {
        for (int k = boundary; k < step.size(); k++) {
            if (!(step.get(k) instanceof Instruction.Free) && touches(step.get(k), t)) {
                return k;
            }
        }
        return -1;
    }

    private static boolean touches(Instruction i, String t) {
        if (i instanceof Instruction.Run r) {
            return r.tensors().contains(t);
        }
        if (i instanceof Instruction.Alloc a) {
            return a.tensor().equals(t);
        }
        if (i instanceof Instruction.Load l) {
            return l.input().equals(t) || l.labels().equals(t);
        }
        if (i instanceof Instruction.Mark m) {
            return m.tensor().equals(t);
        }
        if (i instanceof Instruction.CopyRows c) {
            return c.src().equals(t) || c.dst().equals(t);
        }
        if (i instanceof Instruction.FillRows f) {
            return f.tensor().equals(t);
        }
        return i instanceof Instruction.Free f && Objects.equals(f.tensor(), t);
    }
}
