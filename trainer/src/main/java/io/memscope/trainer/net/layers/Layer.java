package io.memscope.trainer.net.layers;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.backend.WorkspaceModel;
import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.Shape;
import io.memscope.trainer.net.SpecException;
import java.util.List;

/**
 * A layer: its shape rule, what it owns, what its backward pass needs, and its forward and backward passes
 * side by side. Layers hold no tensors; a {@link LayerCall} binds them for each run, so the same layer serves
 * every memory mode and backend.
 */
public abstract class Layer {
    protected final LayerSpec spec;
    protected List<Shape> inShapes;
    protected Shape outShape;

    /** Rejects fields the type does not read ({@link LayerFields}): they usually are typos. */
    protected Layer(LayerSpec spec) {
        this.spec = spec;
        spec.allowOnly(LayerFields.keys(spec.type()));
    }

    public final String name() {
        return spec.name();
    }

    public final String type() {
        return spec.type();
    }

    public final LayerSpec spec() {
        return spec;
    }

    /** Inputs this layer takes: 1 for most, 2 or more for add and concat. */
    public int minInputs() {
        return 1;
    }

    public int maxInputs() {
        return 1;
    }

    /**
     * Computes and remembers the output shape, or throws a {@code SpecException} naming the problem; that
     * includes an output or a parameter larger than one tensor may be ({@link Shape#MAX_ELEMENTS}).
     */
    public final Shape bind(List<Shape> inputs) {
        this.inShapes = List.copyOf(inputs);
        this.outShape = infer(inShapes);
        for (ParamDef p : params()) {
            String why = Shape.tooLarge(p.dims());
            if (why != null) {
                throw error("its " + p.suffix() + " " + why + ": " + sizeHint());
            }
        }
        return outShape;
    }

    /** The output shape for these inputs; sizes too large for a tensor go through {@link #output}. */
    protected abstract Shape infer(List<Shape> inputs);

    /**
     * The output shape {@code c}×{@code h}×{@code w}, computed in long by the caller, or the error saying it is
     * more than one sample of a tensor holds.
     */
    protected final Shape output(long c, long h, long w) {
        String why = Shape.tooLarge(c, h, w);
        if (why != null) {
            throw error("its output " + why + ": " + sizeHint());
        }
        return new Shape((int) c, (int) h, (int) w);
    }

    /** What to make smaller when the output or a parameter is too large, e.g. {@code lower out_features (10)}. */
    protected String sizeHint() {
        return "make its input smaller";
    }

    public List<Shape> inShapes() {
        return inShapes;
    }

    public Shape outShape() {
        return outShape;
    }

    public List<ParamDef> params() {
        return List.of();
    }

    /** Forward FLOPs for one sample (multiply-add counted as two). */
    public long flopsPerSample() {
        return 0;
    }

    /** Whether backward reads input i (so forward must keep it). */
    public boolean backwardReadsInput(int i) {
        return false;
    }

    /** Whether backward reads the output (so forward must keep it). */
    public boolean backwardReadsOutput() {
        return false;
    }

    /** Extra tensors forward creates and backward reads, for a batch of n. */
    public List<SavedDef> saved(int n) {
        return List.of();
    }

    /** Workspace bytes the pass needs on a backend with this model; {@code needsDataGrad} is false when no input needs a gradient. */
    public long workspaceBytes(WorkspaceModel model, int n, Pass pass, boolean needsDataGrad) {
        return 0;
    }

    /**
     * How each output row depends on the input rows, when it depends on a window of them only: the layer can
     * then run on a horizontal band of its maps (a {@link LayerCall#rowBand()} call). Null, the default, for
     * layers whose outputs depend on whole maps (batch norm's statistics, global pooling, linear layers).
     */
    public RowWindow rowWindow() {
        return null;
    }

    /**
     * The value of the explicit padding rows a row band of this layer's input carries: 0, except −∞ for max
     * pooling, which must never pick a padding cell.
     */
    public float rowPaddingValue() {
        return 0f;
    }

    /** Workspace bytes of a pass over a row band of {@code inRows} input rows, padding rows included. */
    public long bandWorkspaceBytes(WorkspaceModel model, int n, int inRows, Pass pass, boolean needsDataGrad) {
        return 0;
    }

    /** True for a layer whose output is its input seen with another shape (flatten): no memory, no kernel. */
    public boolean isView() {
        return false;
    }

    /** True for the loss layer, which also reads the labels and ends the forward pass. */
    public boolean isLoss() {
        return false;
    }

    /**
     * Whether backward can rebuild this layer's input from its output with {@link #inverse}, so that reversible
     * mode need not keep the input. Only layers of one input are invertible.
     */
    public boolean invertible() {
        return false;
    }

    /** Why the layer is not invertible, in a few words a user reads ("relu is not invertible: ..."). */
    public String whyNotInvertible() {
        return type() + " is not invertible";
    }

    /**
     * Whether {@link #inverse} also rebuilds saved tensor {@code i} (in {@link #saved} order), so that reversible
     * mode frees it after forward; the others (batch-norm statistics) are kept from forward.
     */
    public boolean inverseRebuildsSaved(int i) {
        return false;
    }

    /**
     * Rebuilds the input {@code call.in(0)} from the output {@code call.output()}, and the saved tensors that
     * {@link #inverseRebuildsSaved} names, as a training forward left them; the parameters are those of the
     * forward. Reads the saved tensors it does not rebuild.
     */
    public void inverse(Backend backend, LayerCall call) {
        throw new UnsupportedOperationException(whyNotInvertible());
    }

    /**
     * Workspace bytes of a forward in inference, where no saved tensor is bound (a layer that keeps its
     * intermediates as saved tensors in training then needs room for them); by default a training forward's.
     */
    public long inferenceWorkspaceBytes(WorkspaceModel model, int n) {
        return workspaceBytes(model, n, Pass.FORWARD, false);
    }

    public abstract void forward(Backend backend, LayerCall call);

    public abstract void backward(Backend backend, LayerCall call);

    protected Shape in(int i) {
        return inShapes.get(i);
    }

    /** An error that names this layer. */
    protected SpecException error(String message) {
        return new SpecException(name(), message);
    }
}
