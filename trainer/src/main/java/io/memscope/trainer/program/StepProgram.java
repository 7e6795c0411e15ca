package io.memscope.trainer.program;

import io.memscope.trainer.memory.Bytes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training step as data: the tensors it names, a setup program run once (persistent tensors) and the step
 * program run for every batch. Each memory mode is a compiler from a network to one of these; backends only
 * execute them, so the meta backend's plan and a real run make the same allocations in the same order.
 */
public final class StepProgram {
    /** The mode name of forward-only inference programs (no step boundary, no update). */
    public static final String INFERENCE_MODE = "inference";

    private final String network;
    private final String mode;
    private final int batch;
    private final Map<String, TensorDecl> tensors;
    private final List<Instruction> setup;
    private final List<Instruction> step;
    private final ActivationCodec codec;
    private double linkBytesPerSecond;

    public StepProgram(String network, String mode, int batch, Map<String, TensorDecl> tensors,
                       List<Instruction> setup, List<Instruction> step) {
        this(network, mode, batch, tensors, setup, step, null);
    }

    /** A program whose COMPRESS and DECOMPRESS instructions go through {@code codec} (compressed mode). */
    public StepProgram(String network, String mode, int batch, Map<String, TensorDecl> tensors,
                       List<Instruction> setup, List<Instruction> step, ActivationCodec codec) {
        this.codec = codec;
        this.network = network;
        this.mode = mode;
        this.batch = batch;
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.setup = List.copyOf(setup);
        this.step = List.copyOf(step);
    }

    public String network() {
        return network;
    }

    public String mode() {
        return mode;
    }

    public int batch() {
        return batch;
    }

    public Map<String, TensorDecl> tensors() {
        return tensors;
    }

    public TensorDecl decl(String name) {
        TensorDecl d = tensors.get(name);
        if (d == null) {
            throw new IllegalStateException("program names undeclared tensor " + name);
        }
        return d;
    }

    /** The codec of its COMPRESS and DECOMPRESS instructions, or null when it has none. */
    public ActivationCodec codec() {
        return codec;
    }

    /**
     * The same program whose swaps (out-of-core mode) go over a link of that bandwidth, in bytes per second: what
     * a backend without a real link (CPU) paces its copies to.
     */
    public StepProgram withLink(double bytesPerSecond) {
        StepProgram p = new StepProgram(network, mode, batch, tensors, setup, step, codec);
        p.linkBytesPerSecond = bytesPerSecond;
        return p;
    }

    /** The bandwidth its swaps are paced to, bytes per second; 0 when it has no swaps or no model. */
    public double linkBytesPerSecond() {
        return linkBytesPerSecond;
    }

    public List<Instruction> setup() {
        return setup;
    }

    public List<Instruction> step() {
        return step;
    }

    /** Instructions of the step program of the given kind. */
    public <T extends Instruction> List<T> stepInstructions(Class<T> kind) {
        List<T> out = new ArrayList<>();
        for (Instruction i : step) {
            if (kind.isInstance(i)) {
                out.add(kind.cast(i));
            }
        }
        return out;
    }

    /** A readable listing: one instruction per line, allocations annotated with shape, category and size. */
    public String listing() {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(network).append(", mode ").append(mode).append(", batch ").append(batch).append('\n');
        sb.append("# setup\n");
        appendAll(sb, setup);
        sb.append("# step\n");
        appendAll(sb, step);
        return sb.toString();
    }

    private void appendAll(StringBuilder sb, List<Instruction> list) {
        for (Instruction i : list) {
            sb.append(i instanceof Instruction.Phase ? "" : "  ").append(i);
            if (i instanceof Instruction.Alloc a) {
                TensorDecl d = decl(a.tensor());
                sb.append("  ").append(d.dims()).append(' ').append(d.category()).append(' ')
                        .append(Bytes.format(d.dims().bytes()));
            }
            sb.append('\n');
        }
    }
}
