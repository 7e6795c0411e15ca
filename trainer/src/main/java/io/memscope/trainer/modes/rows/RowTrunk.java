package io.memscope.trainer.modes.rows;

import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.Node;
import io.memscope.trainer.net.layers.Activation;
import io.memscope.trainer.net.layers.BatchNorm2d;
import io.memscope.trainer.net.layers.Conv2d;
import io.memscope.trainer.net.layers.DropoutLayer;
import io.memscope.trainer.net.layers.Layer;
import io.memscope.trainer.net.layers.Pool2d;
import io.memscope.trainer.net.layers.RowWindow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The convolutional trunk of a network as the row-centric mode splits it.
 *
 * <p>The trunk is the longest prefix of the network made of <em>row-local</em> layers (each output row reads
 * a window of input rows: convolution, pooling, activations, add, concat) and <em>whole-map</em> layers
 * (batch norm, whose statistics span the whole map, and dropout, whose mask is drawn per element of the whole
 * map); it must hold every convolution and pooling of the network. Everything after it is the head, run layer
 * by layer on whole maps.
 *
 * <p>Whole-map layers cut the trunk into <em>stages</em>: a row-local layer belongs to the stage after the
 * latest whole-map layer it depends on, and a cut (a user's per-layer choice, or the downsampling policy)
 * starts a new stage too. A stage runs band by band; the maps it reads come in full ({@link Source}s: the
 * input, whole-map outputs, outputs of earlier stages), and the outputs used beyond it ({@code sinks}) are
 * written out in full.
 */
final class RowTrunk {
    /** A map a stage reads in full. {@code node} is {@link Network#DATA} for the input. */
    record Source(int node, int height) {}

    /** Stage {@code index}: its row-local layers, what they read, the whole-map layers run after it. */
    static final class Stage {
        final int index;
        final List<Integer> steps = new ArrayList<>();
        final List<Source> sources = new ArrayList<>();
        /** Layers run on whole maps after the bands; the first is the stage's own layer when it is {@link #alone}. */
        final List<Integer> wholeAfter = new ArrayList<>();
        final Set<Integer> sinks = new HashSet<>();
        RowBandPlanner planner;
        /** Bands the options ask for on this stage's reference height, before anything is left out. */
        int forwardAsked;
        int backwardAsked;
        /** The asked counts, at most one band per row of the reference height. */
        int forwardBands;
        int backwardBands;
        /** A segment of one layer, now run on whole maps ({@link #runAlonesWhole}). */
        boolean alone;

        Stage(int index) {
            this.index = index;
        }

        /** Height of the tallest map the stage reads: bands are counted on it. */
        int referenceHeight() {
            return sources.stream().mapToInt(Source::height).max().orElse(0);
        }

        /** The stage's position among those that run bands, for phase labels. */
        String label(Network net) {
            return net.node(steps.get(0)).name() + ".." + net.node(steps.get(steps.size() - 1)).name();
        }
    }

    final Network net;
    /** Index of the first head layer. */
    final int end;
    final List<Stage> stages;
    private final int[] stageOf;
    private final Map<Integer, Boolean> recomputable = new HashMap<>();

    private RowTrunk(Network net, int end, List<Stage> stages, int[] stageOf) {
        this.net = net;
        this.end = end;
        this.stages = stages;
        this.stageOf = stageOf;
    }

    static boolean rowLocal(Layer l) {
        return l.rowWindow() != null;
    }

    static boolean wholeMap(Layer l) {
        return l instanceof BatchNorm2d || l instanceof DropoutLayer;
    }

    /** A convolution or a (windowed) pooling: the layers a trunk is for. */
    static boolean convolutional(Layer l) {
        return l instanceof Conv2d || (l instanceof Pool2d && l.rowWindow() != null);
    }

    Stage stageOf(int node) {
        return stages.get(stageOf[node]);
    }

    /**
     * Whether the rows of a trunk map can be recomputed cheaply, band by band, instead of kept whole for the
     * backward pass: a batch-norm output (from its kept input and saved statistics), or an element-wise
     * layer's output (activation, add, concat) whose inputs are the network input, whole maps kept anyway, or
     * recomputable in turn.
     */
    boolean recomputable(int node) {
        if (node == Network.DATA) {
            return false;
        }
        Boolean known = recomputable.get(node);
        if (known == null) {
            known = canRecompute(node);
            recomputable.put(node, known);
        }
        return known;
    }

    private boolean canRecompute(int node) {
        Layer l = net.node(node).layer();
        if (l instanceof BatchNorm2d) {
            return true;
        }
        if (node >= end || !RowWindow.IDENTITY.equals(l.rowWindow())) {
            return false;
        }
        for (int p : net.node(node).inputs()) {
            boolean whole = p == Network.DATA || !rowLocal(net.node(p).layer()) || stageOf[p] != stageOf[node]
                    || stageOf(p).sinks.contains(p);
            if (!whole && !recomputable(p)) {
                return false;
            }
        }
        return true;
    }

    static RowTrunk analyse(Network net, RowCentricOptions options) {
        int count = net.nodes().size();
        int end = 0;
        while (end < count && (rowLocal(net.node(end).layer()) || wholeMap(net.node(end).layer()))) {
            end++;
        }
        int lastWindowed = -1;
        for (Node n : net.nodes()) {
            if (convolutional(n.layer())) {
                lastWindowed = n.index();
            }
        }
        if (lastWindowed < 0 || !net.nodes().subList(0, end).stream().anyMatch(n -> convolutional(n.layer()))) {
            Node first = net.node(0);
            throw new IllegalArgumentException("row-centric: network '" + net.name() + "' has no convolutional trunk "
                    + "to split into row bands (it starts with " + first.name() + ", a " + first.layer().type()
                    + " layer); the row-centric mode needs convolutions or pooling at the start of the network. "
                    + "Use the baseline mode for this network.");
        }
        if (lastWindowed >= end) {
            Node blocker = net.node(end);
            Node after = net.node(lastWindowed);
            throw new IllegalArgumentException("row-centric: cannot split layer " + blocker.name() + " ("
                    + blocker.layer().type() + ") into row bands: each of its outputs depends on every row of its "
                    + "input, yet it sits inside the convolutional trunk, before " + after.name() + " ("
                    + after.layer().type() + "). Move it after the last convolution or pooling, or use another mode.");
        }

        Set<Integer> cuts = cuts(net, end, options);
        int[] stage = new int[count];
        int maxStage = 0;
        for (int i = 0; i < end; i++) {
            Node n = net.node(i);
            boolean row = rowLocal(n.layer());
            int s = 0;
            for (int p : n.inputs()) {
                if (p == Network.DATA) {
                    continue;
                }
                boolean pWhole = wholeMap(net.node(p).layer());
                s = Math.max(s, stage[p] + (row && (pWhole || cuts.contains(i)) ? 1 : 0));
            }
            stage[i] = s;
            maxStage = Math.max(maxStage, s);
        }
        List<Stage> stages = new ArrayList<>();
        for (int s = 0; s <= maxStage; s++) {
            stages.add(new Stage(s));
        }
        for (int i = 0; i < end; i++) {
            Stage st = stages.get(stage[i]);
            (rowLocal(net.node(i).layer()) ? st.steps : st.wholeAfter).add(i);
        }
        RowTrunk trunk = new RowTrunk(net, end, stages, stage);
        for (Stage st : stages) {
            trunk.wire(st);
        }
        trunk.chooseBands(options);
        trunk.runAlonesWhole(options);
        return trunk;
    }

    /**
     * A segment of one layer whose inputs are kept whole anyway runs on whole maps, as batch norm does: it reads
     * and writes whole maps, so bands would keep nothing smaller and only add halo rows and copies. A layer named
     * in the options' per-layer bands keeps its bands.
     */
    private void runAlonesWhole(RowCentricOptions options) {
        for (Stage st : stages) {
            if (st.steps.size() != 1) {
                continue;
            }
            Node node = net.node(st.steps.get(0));
            if (options.layers().containsKey(node.name()) || node.inputs().stream().anyMatch(this::recomputable)) {
                continue;
            }
            st.steps.clear();
            st.sources.clear();
            st.sinks.clear();
            st.planner = null;
            st.wholeAfter.add(0, node.index());
            st.alone = true;
        }
    }

    private static Set<Integer> cuts(Network net, int end, RowCentricOptions options) {
        Set<Integer> cuts = new HashSet<>();
        if (options.cuts() == RowCentricOptions.Cuts.DOWNSAMPLING) {
            for (int i = 0; i < end; i++) {
                if (!rowLocal(net.node(i).layer())) {
                    continue;
                }
                for (int p : net.node(i).inputs()) {
                    Layer in = p == Network.DATA ? null : net.node(p).layer();
                    if (in != null && rowLocal(in) && in.rowWindow().stride() > 1) {
                        cuts.add(i);
                    }
                }
            }
        }
        for (String name : options.layers().keySet()) {
            cuts.add(trunkLayer(net, end, name));
        }
        return cuts;
    }

    /** The index of a layer a user named for its own bands, or a message saying why it cannot have them. */
    private static int trunkLayer(Network net, int end, String name) {
        for (Node n : net.nodes()) {
            if (!n.name().equals(name)) {
                continue;
            }
            if (n.index() >= end) {
                throw new IllegalArgumentException("row-centric: layer " + name + " (" + n.layer().type() + ") is not "
                        + "in the convolutional trunk, which ends at " + net.node(end - 1).name()
                        + "; per-layer bands apply to trunk layers only");
            }
            if (!rowLocal(n.layer())) {
                throw new IllegalArgumentException("row-centric: layer " + name + " (" + n.layer().type() + ") runs "
                        + "on whole maps, so it cannot start a band segment; name the layer after it");
            }
            return n.index();
        }
        throw new IllegalArgumentException("row-centric: the network has no layer named '" + name + "'");
    }

    /**
     * Whether every step of a stage but its sinks is an activation that can overwrite its only input in place: a
     * map nothing else reads and that the backward recomputes rather than keeps (a batch-norm output), or the
     * output of such an activation. Then its forward on whole maps holds no map its bands would not.
     */
    boolean overwritesInPlace(Stage st) {
        return !st.steps.isEmpty()
                && st.steps.stream().allMatch(i -> st.sinks.contains(i) || overwrites(net.node(i), st));
    }

    private boolean overwrites(Node node, Stage st) {
        if (!(node.layer() instanceof Activation) || node.inputs().size() != 1) {
            return false;
        }
        int p = node.inputs().get(0);
        if (p == Network.DATA || !net.consumers(p).equals(List.of(node.index()))) {
            return false;
        }
        return st.steps.contains(p) ? !st.sinks.contains(p) && overwrites(net.node(p), st) : recomputable(p);
    }

    /** Builds a stage's sources, sinks and planner. */
    private void wire(Stage st) {
        if (st.steps.isEmpty()) {
            return;
        }
        Map<Integer, Integer> local = new HashMap<>();
        Map<Integer, Integer> sourceIndex = new LinkedHashMap<>();
        List<RowBandPlanner.Step> steps = new ArrayList<>();
        for (int node : st.steps) {
            Node n = net.node(node);
            List<RowBandPlanner.Input> inputs = new ArrayList<>();
            for (int p : n.inputs()) {
                RowWindow w = n.layer().rowWindow();
                if (local.containsKey(p)) {
                    inputs.add(RowBandPlanner.Input.step(local.get(p), w));
                } else {
                    Integer s = sourceIndex.get(p);
                    if (s == null) {
                        s = st.sources.size();
                        sourceIndex.put(p, s);
                        int h = p == Network.DATA ? net.input().h() : net.node(p).out().h();
                        st.sources.add(new Source(p, h));
                    }
                    inputs.add(RowBandPlanner.Input.source(s, w));
                }
            }
            boolean sink = net.consumers(node).stream().anyMatch(c -> c >= end || wholeMap(net.node(c).layer())
                    || stageOf[c] != st.index);
            if (sink) {
                st.sinks.add(node);
            }
            local.put(node, steps.size());
            steps.add(new RowBandPlanner.Step(n.name(), n.out().h(), inputs, sink));
        }
        List<RowBandPlanner.Source> sources = st.sources.stream()
                .map(s -> new RowBandPlanner.Source(s.node() == Network.DATA ? Network.INPUT_NAME
                        : net.node(s.node()).name(), s.height()))
                .toList();
        st.planner = new RowBandPlanner(sources, steps);
    }

    /** Resolves every stage's band counts, refusing counts a map cannot hold. */
    private void chooseBands(RowCentricOptions o) {
        int inputHeight = net.input().h();
        check(o.forward(), inputHeight, "forward", "the input map");
        check(o.backward(), inputHeight, "backward", "the input map");
        for (Stage st : stages) {
            if (st.steps.isEmpty()) {
                continue;
            }
            int h = st.referenceHeight();
            RowCentricOptions.LayerBands own = null;
            String ownLayer = null;
            for (int node : st.steps) {
                RowCentricOptions.LayerBands lb = o.layers().get(net.node(node).name());
                if (lb == null) {
                    continue;
                }
                if (own != null && !own.equals(lb)) {
                    throw new IllegalArgumentException("row-centric: layers " + ownLayer + " (" + own + ") and "
                            + net.node(node).name() + " (" + lb + ") start the same segment but ask for different "
                            + "bands; give one of them");
                }
                own = lb;
                ownLayer = net.node(node).name();
            }
            if (own != null) {
                String where = "the segment starting at " + ownLayer + " (its tallest input map)";
                check(own.forward(), h, "forward", where);
                check(own.backward(), h, "backward", where);
            }
            Bands fwd = own != null ? own.forward() : o.forward();
            Bands bwd = own != null ? own.backward() : o.backward();
            st.forwardAsked = fwd.bandsFor(h);
            st.backwardAsked = bwd.bandsFor(h);
            st.forwardBands = Math.min(st.forwardAsked, h);
            st.backwardBands = Math.min(st.backwardAsked, h);
        }
    }

    private static void check(Bands b, int height, String pass, String where) {
        if (!b.byHeight() && b.count() > height) {
            throw new IllegalArgumentException("row-centric: " + b.count() + " " + pass + " bands are more than the "
                    + height + " rows of " + where + "; use at most " + height + " bands");
        }
    }
}
