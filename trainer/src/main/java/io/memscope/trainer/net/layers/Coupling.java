package io.memscope.trainer.net.layers;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.backend.WorkspaceModel;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.Tensor;
import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The additive coupling block of reversible networks (RevNet; Hascoet et al., arXiv 1910.11127): the input's
 * channels split into halves x1, x2 and
 * <pre>
 *   y1 = x1 + F(x2)        inverse:  x2 = y2 − G(y1)
 *   y2 = x2 + G(y1)                  x1 = y1 − F(x2)
 * </pre>
 * with F and G each a small convolution stack, conv k×k (half → {@code hidden}) − ReLU − conv k×k (hidden →
 * half), padded to keep the size: {@code hidden} (half the input channels), {@code kernel} (3, odd).
 *
 * <p>Backward reads neither input nor output but the tensors F and G ran on, kept from forward as saved tensors
 * — x2, F's hidden map, y1, G's hidden map — as any framework would keep them. The inverse rebuilds the input
 * and those four from the output alone, recomputing G(y1) and F(x2) on the way, so reversible mode keeps none of
 * them: that recomputation is the one extra forward per block that reversible training costs.
 */
public final class Coupling extends Layer {
    /** Parts of the workspace start on 256-byte boundaries. */
    private static final int ALIGN_FLOATS = 64;
    private static final int F = 0;
    private static final int G = 4;

    private final int hiddenField;
    private final int kernel;
    private int half;
    private int hidden;
    private Conv2d f1;
    private Conv2d f2;
    private Conv2d g1;
    private Conv2d g2;

    public Coupling(LayerSpec spec) {
        super(spec);
        hiddenField = spec.intAttr("hidden", 0);
        if (spec.attrs().containsKey("hidden") && hiddenField < 1) {
            throw error("hidden must be at least 1, got " + hiddenField);
        }
        kernel = spec.positiveInt("kernel", 3);
        if (kernel % 2 == 0) {
            throw error("kernel must be odd (so F and G keep the map's size), got " + kernel);
        }
    }

    @Override
    protected Shape infer(List<Shape> inputs) {
        Shape x = inputs.get(0);
        if (x.c() < 2 || x.c() % 2 != 0) {
            String from = spec.inputs().isEmpty() ? "its input" : spec.inputs().get(0);
            throw error("splits its input's channels into two halves, but " + from + " has " + x.c() + " channel"
                    + (x.c() == 1 ? "" : "s") + ": put a layer with an even number of channels before it (a conv2d, or"
                    + " space_to_depth)");
        }
        half = x.c() / 2;
        hidden = hiddenField == 0 ? half : hiddenField;
        Shape halfShape = new Shape(half, x.h(), x.w());
        Shape hiddenShape = new Shape(hidden, x.h(), x.w());
        f1 = conv("f.conv1", hidden, halfShape);
        f2 = conv("f.conv2", half, hiddenShape);
        g1 = conv("g.conv1", hidden, halfShape);
        g2 = conv("g.conv2", half, hiddenShape);
        return x;
    }

    private Conv2d conv(String part, int out, Shape in) {
        Conv2d c = new Conv2d(new LayerSpec(name() + "." + part, "conv2d", List.of(),
                Map.of("out_channels", out, "kernel", kernel, "padding", kernel / 2)));
        c.bind(List.of(in));
        return c;
    }

    @Override
    protected String sizeHint() {
        return "lower hidden (" + hidden + ") or make its input smaller";
    }

    public int hidden() {
        return hidden;
    }

    public int kernel() {
        return kernel;
    }

    private List<Conv2d> convs() {
        return List.of(f1, f2, g1, g2);
    }

    private static final String[] PREFIX = {"f.conv1", "f.conv2", "g.conv1", "g.conv2"};

    /** F's first convolution's weight and bias, then F's second, then G's: eight parameters. */
    @Override
    public List<ParamDef> params() {
        List<ParamDef> defs = new ArrayList<>();
        List<Conv2d> convs = convs();
        for (int k = 0; k < convs.size(); k++) {
            for (ParamDef p : convs.get(k).params()) {
                defs.add(new ParamDef(PREFIX[k] + "." + p.suffix(), p.dims(), p.init(), p.fanIn(), p.trainable()));
            }
        }
        return defs;
    }

    @Override
    public long flopsPerSample() {
        long convFlops = convs().stream().mapToLong(Conv2d::flopsPerSample).sum();
        return convFlops + 2L * hidden * outShape.h() * outShape.w() + outShape.elements();
    }

    /** x2, F's hidden map, y1 and G's hidden map: what backward reads, and what the inverse rebuilds. */
    @Override
    public List<SavedDef> saved(int n) {
        return List.of(new SavedDef("x2", halfMap(n)), new SavedDef("f.hidden", hiddenMap(n)),
                new SavedDef("y1", halfMap(n)), new SavedDef("g.hidden", hiddenMap(n)));
    }

    private Dims halfMap(int n) {
        return Dims.of(n, half, outShape.h(), outShape.w());
    }

    private Dims hiddenMap(int n) {
        return Dims.of(n, hidden, outShape.h(), outShape.w());
    }

    @Override
    public boolean invertible() {
        return true;
    }

    @Override
    public boolean inverseRebuildsSaved(int i) {
        return true;
    }

    /**
     * Forward and inverse: a half map for F's or G's result, and the convolutions' own workspace. Backward: the
     * two halves of the output gradient, a hidden gradient and x2's gradient, and the convolutions' workspace.
     * A forward in inference also holds x2, one hidden map (F's, then G's) and y1, which training saves.
     */
    @Override
    public long workspaceBytes(WorkspaceModel model, int n, Pass pass, boolean needsDataGrad) {
        long floats = pass == Pass.BACKWARD
                ? 3 * aligned(halfMap(n)) + aligned(hiddenMap(n)) + convFloats(model, n, Pass.BACKWARD)
                : aligned(halfMap(n)) + convFloats(model, n, Pass.FORWARD);
        return floats * Float.BYTES;
    }

    @Override
    public long inferenceWorkspaceBytes(WorkspaceModel model, int n) {
        return (3 * aligned(halfMap(n)) + aligned(hiddenMap(n)) + convFloats(model, n, Pass.FORWARD)) * Float.BYTES;
    }

    private long convFloats(WorkspaceModel model, int n, Pass pass) {
        long bytes = 0;
        for (Conv2d c : convs()) {
            bytes = Math.max(bytes, c.workspaceBytes(model, n, pass, true));
        }
        return (bytes + Float.BYTES - 1) / Float.BYTES;
    }

    private static long aligned(Dims d) {
        return (d.elements() + ALIGN_FLOATS - 1) / ALIGN_FLOATS * ALIGN_FLOATS;
    }

    @Override
    public void forward(Backend b, LayerCall c) {
        int n = c.batch();
        Carve ws = new Carve(c.workspace());
        boolean keeps = !c.saved().isEmpty();
        Tensor x2 = keeps ? c.saved(0) : ws.take(halfMap(n));
        Tensor fh = keeps ? c.saved(1) : ws.take(hiddenMap(n));
        Tensor y1 = keeps ? c.saved(2) : ws.take(halfMap(n));
        Tensor gh = keeps ? c.saved(3) : fh;
        Tensor t = ws.take(halfMap(n));
        Tensor convWs = ws.rest();
        Tensor x = c.in(0);
        Tensor y = c.output();
        b.copyChannels(x, half, x2, 0, half, false);
        residual(b, c, F, x2, fh, t, convWs);                 // t = F(x2)
        b.copyChannels(x, 0, y, 0, half, false);
        b.copyChannels(t, 0, y, 0, half, true);                // y1 = x1 + F(x2)
        b.copyChannels(y, 0, y1, 0, half, false);
        residual(b, c, G, y1, gh, t, convWs);                 // t = G(y1)
        b.copyChannels(x, half, y, half, half, false);
        b.copyChannels(t, 0, y, half, half, true);             // y2 = x2 + G(y1)
    }

    @Override
    public void inverse(Backend b, LayerCall c) {
        int n = c.batch();
        Carve ws = new Carve(c.workspace());
        Tensor x2 = c.saved(0);
        Tensor fh = c.saved(1);
        Tensor y1 = c.saved(2);
        Tensor gh = c.saved(3);
        Tensor t = ws.take(halfMap(n));
        Tensor convWs = ws.rest();
        Tensor x = c.in(0);
        Tensor y = c.output();
        b.copyChannels(y, 0, y1, 0, half, false);
        residual(b, c, G, y1, gh, t, convWs);                 // t = G(y1)
        b.copyChannels(y, half, x2, 0, half, false);
        b.axpy(-1f, t, x2);                                    // x2 = y2 − G(y1)
        residual(b, c, F, x2, fh, t, convWs);                 // t = F(x2)
        b.copyChannels(x2, 0, x, half, half, false);
        b.copyChannels(y1, 0, x, 0, half, false);
        b.axpy(-2f, t, t);                                     // t = −F(x2)
        b.copyChannels(t, 0, x, 0, half, true);                // x1 = y1 − F(x2)
    }

    /**
     * dy1 + Gᵀ·dy2 is y1's whole gradient, since y2 reads y1; then x1's gradient is it, and x2's is
     * dy2 + Fᵀ·(that). The weight gradients of G and F come on the way.
     */
    @Override
    public void backward(Backend b, LayerCall c) {
        int n = c.batch();
        Carve ws = new Carve(c.workspace());
        Tensor dy1 = ws.take(halfMap(n));
        Tensor dy2 = ws.take(halfMap(n));
        Tensor dh = ws.take(hiddenMap(n));
        Tensor dx2 = ws.take(halfMap(n));
        Tensor convWs = ws.rest();
        Tensor dy = c.gradOut();
        b.copyChannels(dy, 0, dy1, 0, half, false);
        b.copyChannels(dy, half, dy2, 0, half, false);
        residualBackward(b, c, G, c.saved(2), c.saved(3), dy2, dh, dy1, true, convWs);
        residualBackward(b, c, F, c.saved(0), c.saved(1), dy1, dh, dx2, false, convWs);
        Tensor dx = c.gradIn(0);
        if (dx != null) {
            boolean acc = c.accumulateIn(0);
            b.copyChannels(dy1, 0, dx, 0, half, acc);
            b.copyChannels(dx2, 0, dx, half, half, acc);
            b.copyChannels(dy2, 0, dx, half, half, true);
        }
    }

    /** out = conv2(relu(conv1(in))), the hidden map (after ReLU) left in {@code hiddenMap}. */
    private void residual(Backend b, LayerCall c, int first, Tensor in, Tensor hiddenMap, Tensor out, Tensor ws) {
        Conv2d a = first == F ? f1 : g1;
        Conv2d z = first == F ? f2 : g2;
        a.forward(b, forwardCall(c, in, hiddenMap, first, ws));
        b.activationForward(hiddenMap, hiddenMap, 0f);
        z.forward(b, forwardCall(c, hiddenMap, out, first + 2, ws));
    }

    /** The gradients through {@link #residual}: its weights', and {@code dIn} (+)= its input's. */
    private void residualBackward(Backend b, LayerCall c, int first, Tensor in, Tensor hiddenMap, Tensor dOut,
                                  Tensor dHidden, Tensor dIn, boolean accumulateIn, Tensor ws) {
        Conv2d a = first == F ? f1 : g1;
        Conv2d z = first == F ? f2 : g2;
        z.backward(b, backwardCall(c, hiddenMap, dOut, dHidden, false, first + 2, ws));
        b.activationBackward(hiddenMap, dHidden, dHidden, 0f, false);
        a.backward(b, backwardCall(c, in, dHidden, dIn, accumulateIn, first, ws));
    }

    private static LayerCall forwardCall(LayerCall c, Tensor in, Tensor out, int param, Tensor ws) {
        return new LayerCall(c.batch(), c.training(), c.seed(), List.of(in), out,
                List.of(c.param(param), c.param(param + 1)), List.of(), List.of(), ws, null, List.of(), List.of(),
                false, null);
    }

    private static LayerCall backwardCall(LayerCall c, Tensor in, Tensor dOut, Tensor dIn, boolean accumulateIn,
                                          int param, Tensor ws) {
        return new LayerCall(c.batch(), true, c.seed(), List.of(in), null,
                List.of(c.param(param), c.param(param + 1)),
                List.of(c.paramGrad(param), c.paramGrad(param + 1)), List.of(), ws, dOut, Arrays.asList(dIn),
                List.of(accumulateIn), c.accumulateParams(), null);
    }

    /** Cuts a workspace into aligned parts, front to back; the rest goes to the convolutions. */
    private static final class Carve {
        private final Tensor ws;
        private long at;

        Carve(Tensor ws) {
            this.ws = ws;
        }

        Tensor take(Dims d) {
            Tensor t = ws.part(at, d);
            at += aligned(d);
            return t;
        }

        /** What is left, or null when nothing is (the convolutions then need no workspace). */
        Tensor rest() {
            long left = ws.bytes() / Float.BYTES - at;
            return left <= 0 ? null : ws.part(at, Dims.vector(Math.toIntExact(left)));
        }
    }
}
