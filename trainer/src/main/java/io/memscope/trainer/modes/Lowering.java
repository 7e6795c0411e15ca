package io.memscope.trainer.modes;

import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.Node;
import io.memscope.trainer.net.Shape;
import io.memscope.trainer.net.SpecException;
import io.memscope.trainer.net.layers.BatchNorm2d;
import io.memscope.trainer.net.layers.Layer;
import io.memscope.trainer.net.layers.ParamDef;
import io.memscope.trainer.net.layers.Pass;
import io.memscope.trainer.net.layers.SavedDef;
import io.memscope.trainer.program.Instruction;
import io.memscope.trainer.program.StepProgram;
import io.memscope.trainer.program.TensorDecl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The pieces every mode's compiler shares: tensor names and declarations, the setup program (parameters,
 * gradients, optimizer state), and RUN instructions for a layer's passes. A mode decides only the order and
 * the lifetimes.
 *
 * <p>Names: {@code input}, {@code labels}; {@code conv1.out}, {@code conv1.out.grad}; {@code conv1.weight},
 * {@code conv1.weight.grad}, {@code conv1.weight.momentum}; {@code bn1.save_mean}; {@code conv1.ws.forward}.
 * A view (flatten) has no tensor of its own: its name is that of the tensor it views.
 */
public final class Lowering {
    public static final String INPUT = "input";
    public static final String LABELS = "labels";

    private final Network net;
    private final CompileOptions options;
    private final Map<String, TensorDecl> decls = new LinkedHashMap<>();
    private final List<Instruction> setup = new ArrayList<>();
    private final List<Instruction> step = new ArrayList<>();
    private final Map<Integer, Boolean> backward = new java.util.HashMap<>();

    public Lowering(Network net, CompileOptions options) {
        this.net = net;
        this.options = options;
        int n = options.batch();
        declare(INPUT, "", Category.INPUT, net.input().batch(n), false);
        declare(LABELS, "", Category.INPUT, Dims.of(n, 1, 1, 1), false);
        for (Node node : net.nodes()) {
            Layer l = node.layer();
            if (!l.isView()) {
                // the loss is one number for the whole batch
                Dims outDims = l.isLoss() ? Dims.of(1, 1, 1, 1) : l.outShape().batch(n);
                declare(out(node.index()), l.name(), Category.ACTIVATION, outDims, false);
                declare(grad(node.index()), l.name(), Category.ACTIVATION_GRAD, l.outShape().batch(n), false);
                for (SavedDef s : l.saved(n)) {
                    declare(l.name() + "." + s.suffix(), l.name(), Category.ACTIVATION, s.dims(), false);
                }
            }
            for (ParamDef p : l.params()) {
                String pn = param(l, p);
                declare(pn, l.name(), Category.PARAMETER, p.dims(), true);
                setup.add(new Instruction.Alloc(pn));
                if (p.trainable()) {
                    declare(pn + ".grad", l.name(), Category.GRADIENT, p.dims(), true);
                    setup.add(new Instruction.Alloc(pn + ".grad"));
                    for (String s : options.optimizer().stateNames()) {
                        declare(pn + "." + s, l.name(), Category.OPTIMIZER_STATE, p.dims(), true);
                        setup.add(new Instruction.Alloc(pn + "." + s));
                    }
                }
            }
        }
    }

    public Network network() {
        return net;
    }

    public int batch() {
        return options.batch();
    }

    public CompileOptions options() {
        return options;
    }

    /** Declares a tensor (or checks a repeated declaration agrees). */
    public void declare(String name, String layer, Category category, Dims dims, boolean persistent) {
        TensorDecl d = new TensorDecl(name, layer, category, dims, persistent);
        TensorDecl old = decls.putIfAbsent(name, d);
        if (old != null && !old.equals(d)) {
            throw new IllegalStateException("tensor " + name + " declared twice differently: " + old + " and " + d);
        }
    }

    /** Name of the tensor holding node {@code index}'s output ({@link Network#DATA} is the input). */
    public String out(int index) {
        int s = net.storageOf(index);
        return s == Network.DATA ? INPUT : net.node(s).name() + ".out";
    }

    /** Name of the gradient of node {@code index}'s output. */
    public String grad(int index) {
        return out(index) + ".grad";
    }

    public static String param(Layer l, ParamDef p) {
        return l.name() + "." + p.suffix();
    }

    public List<String> saved(Layer l) {
        return l.saved(options.batch()).stream().map(s -> l.name() + "." + s.suffix()).toList();
    }

    /**
     * Whether node {@code index}'s output carries a gradient: the node (or the one it views) runs backward, so
     * the gradient goes somewhere. The data does not, nor does a parameter-free layer that reads only the data.
     */
    public boolean requiresGrad(int index) {
        int s = net.storageOf(index);
        return s != Network.DATA && runsBackward(net.node(s));
    }

    /** Whether the node has a backward pass to run: it trains parameters or passes a gradient on. */
    public boolean runsBackward(Node node) {
        if (node.layer().isView()) {
            return false;
        }
        Boolean known = backward.get(node.index());
        if (known != null) {
            return known;
        }
        boolean trains = node.layer().params().stream().anyMatch(ParamDef::trainable);
        boolean runs = trains || node.inputs().stream().anyMatch(this::requiresGrad);
        backward.put(node.index(), runs);
        return runs;
    }

    /** Declares the pass's workspace if it needs one and returns its name, or null; a forward in training. */
    public String workspace(Node node, Pass pass) {
        return workspace(node, pass, true);
    }

    /**
     * Declares the pass's workspace if it needs one and returns its name, or null; {@code training} false for a
     * forward in inference, which binds no saved tensors ({@link Layer#inferenceWorkspaceBytes}).
     */
    public String workspace(Node node, Pass pass, boolean training) {
        boolean dataGrad = node.inputs().stream().anyMatch(this::requiresGrad);
        long bytes = pass == Pass.FORWARD && !training
                ? node.layer().inferenceWorkspaceBytes(options.workspace(), options.batch())
                : node.layer().workspaceBytes(options.workspace(), options.batch(), pass, dataGrad);
        if (bytes <= 0) {
            return null;
        }
        String name = node.name() + ".ws." + pass.label();
        declare(name, node.name(), Category.WORKSPACE, workspaceDims(node, pass, bytes, options.batch()), false);
        return name;
    }

    /**
     * The shape of a workspace of {@code bytes}, as a vector of floats; a {@link SpecException} naming the layer
     * when it is more than one tensor holds ({@link Shape#MAX_ELEMENTS} values).
     */
    public static Dims workspaceDims(Node node, Pass pass, long bytes, int batch) {
        long floats = (bytes + Float.BYTES - 1) / Float.BYTES;
        if (floats > Shape.MAX_ELEMENTS) {
            throw new SpecException(node.name(), String.format(Locale.ROOT, "its %s workspace at batch %d is %,d values "
                    + "(%s); at most %,d (2^31-1) values per tensor are supported: use a smaller batch or fewer threads, or make the layer or its input smaller",
                    pass.label(), batch, floats, Bytes.format(bytes), Shape.MAX_ELEMENTS));
        }
        return Dims.vector((int) floats);
    }

    public Instruction.Run forward(Node node, boolean training, String workspace) {
        Layer l = node.layer();
        List<String> ins = node.inputs().stream().map(this::out).toList();
        List<String> params = l.params().stream().map(p -> param(l, p)).toList();
        return new Instruction.Run(node.index(), l.name(), Pass.FORWARD, training, ins, out(node.index()), params,
                List.of(), training || l.isLoss() ? saved(l) : List.of(), workspace, null, List.of(), List.of(),
                false, l.isLoss() ? LABELS : null);
    }

    /**
     * A training forward RUN that computes a node's output (and saved tensors) again in backward, with exactly
     * the values its first forward wrote: batch norm takes its row-band path over all rows, normalizing with the
     * statistics the first forward saved and leaving the running statistics alone; every other layer runs as in
     * forward (dropout draws its mask from the seed of the step and node, so the same mask).
     */
    public Instruction.Run recompute(Node node, String workspace) {
        Layer l = node.layer();
        Instruction.Run f = forward(node, true, workspace);
        if (!(l instanceof BatchNorm2d)) {
            List<String> buffers = l.params().stream().filter(p -> !p.trainable()).map(p -> param(l, p)).toList();
            if (!buffers.isEmpty()) {
                // a second training forward would move them twice in one step
                throw new IllegalArgumentException(l.name() + " (" + l.type() + ") updates " + String.join(", ", buffers)
                        + " in a training forward and has no form that runs again without updating them, so it "
                        + "cannot be recomputed exactly");
            }
            return f;
        }
        return new Instruction.Run(f.node(), f.layer(), f.pass(), true, f.inputs(), f.output(), f.params(),
                f.paramGrads(), f.saved(), f.workspace(), f.gradOut(), f.gradIns(), f.accumulateIns(),
                f.accumulateParams(), f.labels(), true);
    }

    /** The saved tensors a {@link #recompute} RUN writes again: all of them, but batch norm's statistics, which it reads. */
    public List<String> savedRecomputed(Layer l) {
        return l instanceof BatchNorm2d ? List.of() : saved(l);
    }

    /**
     * Emits a forward pass in a phase of its own: ALLOCs of the output, of the saved tensors (in training, and
     * always for the loss) and of the workspace, then the RUN. Returns the workspace's name, or null; what to free
     * afterwards is the caller's to decide.
     */
    public String emitForward(Node node, String phase, boolean training) {
        Layer l = node.layer();
        emit(new Instruction.Phase(phase, l.name()));
        emit(new Instruction.Alloc(out(node.index())));
        if (training || l.isLoss()) {
            saved(l).forEach(s -> emit(new Instruction.Alloc(s)));
        }
        String ws = workspace(node, Pass.FORWARD, training);
        if (ws != null) {
            emit(new Instruction.Alloc(ws));
        }
        emit(forward(node, training, ws));
        return ws;
    }

    /**
     * Emits a backward pass in a phase of its own: ALLOCs of the input gradients this pass writes first (named in
     * {@code gradsAllocated}, which it extends; a later writer adds into them) and of the workspace, then the RUN.
     * Returns the workspace's name, or null; what to free afterwards is the caller's to decide.
     */
    public String emitBackward(Node node, String phase, Set<String> gradsAllocated) {
        emit(new Instruction.Phase(phase, node.layer().name()));
        List<Boolean> accumulate = new ArrayList<>();
        for (int in : node.inputs()) {
            if (!requiresGrad(in)) {
                accumulate.add(false);
                continue;
            }
            boolean first = gradsAllocated.add(grad(in));
            if (first) {
                emit(new Instruction.Alloc(grad(in)));
            }
            accumulate.add(!first);
        }
        String ws = workspace(node, Pass.BACKWARD);
        if (ws != null) {
            emit(new Instruction.Alloc(ws));
        }
        emit(backward(node, ws, accumulate, false));
        return ws;
    }

    /**
     * A backward RUN. {@code accumulate.get(i)} says whether input i's gradient already holds contributions
     * (so this pass adds); inputs that need no gradient get null. Only the inputs and output the layer's
     * backward reads are bound, so the program may free the others before.
     */
    public Instruction.Run backward(Node node, String workspace, List<Boolean> accumulate, boolean accumulateParams) {
        Layer l = node.layer();
        List<String> ins = new ArrayList<>();
        for (int i = 0; i < node.inputs().size(); i++) {
            ins.add(l.backwardReadsInput(i) ? out(node.inputs().get(i)) : null);
        }
        List<String> params = l.params().stream().map(p -> param(l, p)).toList();
        List<String> grads = l.params().stream().map(p -> p.trainable() ? param(l, p) + ".grad" : null).toList();
        List<String> gradIns = node.inputs().stream().map(i -> requiresGrad(i) ? grad(i) : null).toList();
        return new Instruction.Run(node.index(), l.name(), Pass.BACKWARD, true, ins,
                l.backwardReadsOutput() ? out(node.index()) : null, params,
                grads, saved(l), workspace, l.isLoss() ? null : grad(node.index()), gradIns, accumulate,
                accumulateParams, l.isLoss() ? LABELS : null);
    }

    /**
     * An INVERSE RUN of an invertible node: writes its input (and the saved tensors its inverse rebuilds) from its
     * output, with the parameters and the saved tensors of its forward.
     */
    public Instruction.Run inverse(Node node, String workspace) {
        Layer l = node.layer();
        List<String> params = l.params().stream().map(p -> param(l, p)).toList();
        return new Instruction.Run(node.index(), l.name(), Pass.INVERSE, true, List.of(out(node.inputs().get(0))),
                out(node.index()), params, List.of(), saved(l), workspace, null, List.of(), List.of(), false, null);
    }

    /** UPDATE instructions for every trainable parameter, in network order. */
    public List<Instruction> updates() {
        List<Instruction> out = new ArrayList<>();
        for (Node node : net.nodes()) {
            for (ParamDef p : node.layer().params()) {
                if (p.trainable()) {
                    String pn = param(node.layer(), p);
                    out.add(new Instruction.Update(pn, pn + ".grad",
                            options.optimizer().stateNames().stream().map(s -> pn + "." + s).toList()));
                }
            }
        }
        return out;
    }

    public Lowering emit(Instruction i) {
        step.add(i);
        return this;
    }

    public StepProgram build(String mode) {
        return new StepProgram(net.name(), mode, options.batch(), decls, setup, step);
    }
}
