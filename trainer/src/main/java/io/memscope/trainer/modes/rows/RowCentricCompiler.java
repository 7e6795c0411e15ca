package io.memscope.trainer.modes.rows;

import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.FreeAtLastUse;
import io.memscope.trainer.modes.Lowering;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.Node;
import io.memscope.trainer.net.Shape;
import io.memscope.trainer.net.layers.BatchNorm2d;
import io.memscope.trainer.net.layers.Layer;
import io.memscope.trainer.net.layers.ParamDef;
import io.memscope.trainer.net.layers.Pass;
import io.memscope.trainer.program.Instruction;
import io.memscope.trainer.program.StepProgram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compiles one training step in row-centric order; {@link RowCentricMode} describes the scheme and
 * {@code docs/ROW_CENTRIC.md} derives it. Allocations are emitted at first use, and {@link FreeAtLastUse}
 * ends every lifetime at its last use afterwards.
 *
 * <p>Whole maps keep the baseline's names ({@code conv1.out}, {@code conv1.out.grad}). Band tensors carry
 * the pass and the band, {@code @f3} in the third band of the forward pass and {@code @b3} in the backward
 * pass's: {@code conv2.out@f3} (a band of conv2's output), {@code conv2.in0@f3} (the rows conv2 reads of its
 * first input, padding rows included), {@code conv2.out.keep@f3} (rows of earlier bands that band reads
 * again, two-phase), {@code conv2.out.grad@b3}, {@code conv2.in0.grad@b3}, {@code conv2.out.grad.keep@b3}
 * (gradient rows owed to earlier bands, two-phase), {@code bn1.out@s2.b3} (batch-norm rows recomputed for
 * a band of stage 2).
 */
final class RowCentricCompiler {
    /** A tensor holding rows {@code rows} of a map. */
    private record Piece(String tensor, Rows rows) {}

    /** A stage's plans for both passes and, two-phase, the keep tensors its bands read. */
    private static final class StagePlan {
        final RowTrunk.Stage stage;
        final RowBandPlanner.Plan forward;
        final RowBandPlanner.Plan backward;
        /** Per step: every keep tensor (name → rows), filled by the forward pass as the rows are computed. */
        final List<Map<String, Rows>> keeps = new ArrayList<>();
        /** Per step and band (0-based): the keep tensor the band reads, or null. */
        final List<String[]> forwardKeep = new ArrayList<>();
        final List<String[]> backwardKeep = new ArrayList<>();
        /** The segment's number, from 1, as the layout prints it; 0 when the trunk is one segment. */
        final int segment;

        StagePlan(RowTrunk.Stage stage, Halo halo, int segment) {
            this.stage = stage;
            this.segment = segment;
            this.forward = stage.planner.plan(halo, stage.forwardBands);
            this.backward = stage.planner.plan(halo, stage.backwardBands);
        }
    }

    /** One band of one pass over one stage. */
    private final class BandPass {
        final StagePlan sp;
        final RowBandPlanner pl;
        final RowBandPlanner.Band band;
        final boolean backward;
        final String tag;
        final String label;
        /** Per step: tensors holding rows of its output that this band can read. */
        final Map<Integer, List<Piece>> pieces = new HashMap<>();
        /** Rows of recomputable maps the band reads (see {@link RowTrunk#recomputable}), by node. */
        final Map<Integer, Piece> recomputed = new HashMap<>();
        /** Per step: the tensors its forward run read and wrote, for its backward run. */
        final String[][] inputs;
        final String[] outputs;

        BandPass(StagePlan sp, RowBandPlanner.Plan plan, RowBandPlanner.Band band, boolean backward) {
            this.sp = sp;
            this.pl = sp.stage.planner;
            this.band = band;
            this.backward = backward;
            this.tag = (backward ? "b" : "f") + band.number();
            this.label = "band " + band.number() + "/" + plan.bands().size()
                    + (sp.segment > 0 ? " of segment " + sp.segment : "");
            int count = pl.steps().size();
            this.inputs = new String[count][];
            this.outputs = new String[count];
            List<String[]> keep = backward ? sp.backwardKeep : sp.forwardKeep;
            for (int l = 0; l < keep.size(); l++) {
                String k = keep.get(l)[band.number() - 1];
                if (k != null) {
                    pieces.computeIfAbsent(l, x -> new ArrayList<>()).add(new Piece(k, band.earlier()[l]));
                }
            }
        }

        Node node(int l) {
            return net.node(sp.stage.steps.get(l));
        }
    }

    private final Network net;
    private final Lowering low;
    private final Halo halo;
    private final RowTrunk trunk;
    private final int n;
    private final Set<String> allocated = new HashSet<>();
    private final Set<Integer> paramGradsWritten = new HashSet<>();
    private String phaseName = "";
    private String phaseLayer = "";
    /** False while compiling the evaluation program. */
    private boolean training = true;
    /** Which segments' forward may run on whole maps ({@link #runsWholeForward}). */
    enum WholeForward {
        /** None: every forward runs in bands. */
        NEVER,
        /** Those whose whole maps' workspaces are no larger than their bands'. */
        SAME_WORKSPACE,
        /** Also those with larger workspaces. */
        ANY_WORKSPACE
    }

    private final WholeForward wholeForward;
    /** Set when a forward ran on whole maps only because {@link WholeForward#ANY_WORKSPACE} allowed it. */
    private boolean widened;

    RowCentricCompiler(Network net, CompileOptions compileOptions, RowCentricOptions options) {
        this(net, compileOptions, options, WholeForward.SAME_WORKSPACE);
    }

    RowCentricCompiler(Network net, CompileOptions compileOptions, RowCentricOptions options,
                       WholeForward wholeForward) {
        this.wholeForward = wholeForward;
        this.net = net;
        this.halo = options.halo();
        this.trunk = RowTrunk.analyse(net, options);
        this.low = new Lowering(net, compileOptions);
        this.n = compileOptions.batch();
    }

    StepProgram compile(String mode) {
        List<StagePlan> plans = forward();
        for (int i = net.nodes().size() - 1; i >= trunk.end; i--) {
            backwardWhole(net.node(i));
        }
        for (int s = trunk.stages.size() - 1; s >= 0; s--) {
            RowTrunk.Stage st = trunk.stages.get(s);
            for (int k = st.wholeAfter.size() - 1; k >= 0; k--) {
                backwardWhole(net.node(st.wholeAfter.get(k)));
            }
            if (plans.get(s) != null) {
                backwardStage(plans.get(s));
            }
        }
        phase("update", "");
        low.updates().forEach(this::emit);
        return FreeAtLastUse.apply(low.build(mode));
    }

    /**
     * The held-out evaluation in the same bands: the forward pass alone, in inference mode (running batch-norm
     * statistics, no dropout), keeping nothing for a backward pass.
     */
    StepProgram compileInference() {
        training = false;
        forward();
        return FreeAtLastUse.apply(low.build(StepProgram.INFERENCE_MODE));
    }

    /** The forward pass: segments band by band, whole maps between them, then the head; the plans per stage. */
    private List<StagePlan> forward() {
        alloc(Lowering.INPUT);
        alloc(Lowering.LABELS);
        emit(new Instruction.Load(Lowering.INPUT, Lowering.LABELS));
        List<StagePlan> plans = new ArrayList<>();
        for (RowTrunk.Stage st : trunk.stages) {
            StagePlan sp = st.steps.isEmpty() ? null : plan(st);
            plans.add(sp);
            if (sp != null && runsWholeForward(sp)) {
                runWhole(st);
            } else if (sp != null) {
                for (RowBandPlanner.Band b : sp.forward.bands()) {
                    runBand(new BandPass(sp, sp.forward, b, false));
                }
            }
            st.wholeAfter.forEach(i -> forwardWhole(net.node(i)));
        }
        for (int i = trunk.end; i < net.nodes().size(); i++) {
            if (!net.node(i).layer().isView()) {
                forwardWhole(net.node(i));
            }
        }
        return plans;
    }

    // ---- plans ----------------------------------------------------------------------------------------

    private StagePlan plan(RowTrunk.Stage st) {
        int segments = (int) trunk.stages.stream().filter(x -> !x.steps.isEmpty()).count();
        int number = 0;
        for (RowTrunk.Stage x : trunk.stages) {
            if (!x.steps.isEmpty()) {
                number++;
            }
            if (x == st) {
                break;
            }
        }
        StagePlan sp = new StagePlan(st, halo, segments > 1 ? number : 0);
        if (halo != Halo.TWO_PHASE) {
            return sp;
        }
        for (int l = 0; l < st.steps.size(); l++) {
            String step = net.node(st.steps.get(l)).name();
            Map<Rows, String> byRows = new LinkedHashMap<>();
            sp.forwardKeep.add(keepNames(sp.forward, l, step + ".out.keep@f", byRows));
            sp.backwardKeep.add(keepNames(sp.backward, l, step + ".out.keep@b", byRows));
            Map<String, Rows> keeps = new LinkedHashMap<>();
            byRows.forEach((rows, name) -> keeps.put(name, rows));
            sp.keeps.add(keeps);
        }
        return sp;
    }

    /** The keep tensor every band of a plan reads for step l; one tensor per row range, shared by both passes. */
    private static String[] keepNames(RowBandPlanner.Plan plan, int l, String prefix, Map<Rows, String> byRows) {
        String[] names = new String[plan.bands().size()];
        for (RowBandPlanner.Band b : plan.bands()) {
            Rows r = b.earlier()[l];
            if (!r.isEmpty()) {
                names[b.number() - 1] = byRows.computeIfAbsent(r, x -> prefix + b.number());
            }
        }
        return names;
    }

    // ---- forward, and its recomputation in backward -----------------------------------------------------

    /**
     * Runs every step of a band forward. In the forward pass it also writes the rows the band owns into the
     * stage's full outputs and fills keep tensors; in the backward pass it is the band's recomputation.
     */
    private void runBand(BandPass bp) {
        String kind = bp.backward ? "recompute " : training ? "forward " : "eval ";
        int count = bp.pl.steps().size();
        boolean[] run = new boolean[count];
        boolean[] read = new boolean[count];
        if (bp.backward) {
            neededInBackward(bp, run, read);
            recomputeSources(bp, read);
        } else {
            Arrays.fill(run, true);
            Arrays.fill(read, true);
        }
        for (int l = 0; l < count; l++) {
            Rows out = bp.band.out()[l];
            if (out.isEmpty() || !read[l]) {
                continue;
            }
            Node node = bp.node(l);
            Layer layer = node.layer();
            phase(kind + bp.label, node.name());
            List<String> ins = new ArrayList<>();
            for (int i = 0; i < node.inputs().size(); i++) {
                ins.add(inputRows(bp, l, i));
                phase(kind + bp.label, node.name());
            }
            bp.inputs[l] = ins.toArray(new String[0]);
            if (!run[l]) {
                continue;
            }
            String o = bandTensor(node.name() + ".out@" + bp.tag, node, node.index(), out.size(), Category.ACTIVATION);
            alloc(o);
            String ws = bandWorkspace(node, bp.band.read()[l][0].size(), Pass.FORWARD, bp.tag);
            emit(new Instruction.Run(node.index(), node.name(), Pass.FORWARD, training, ins, o, params(layer), List.of(),
                    List.of(), ws, null, List.of(), List.of(), false, null, true));
            bp.outputs[l] = o;
            bp.pieces.computeIfAbsent(l, x -> new ArrayList<>()).add(new Piece(o, out));
            if (bp.backward) {
                emit(new Instruction.Mark(Action.RECOMPUTE, o));
                continue;
            }
            Rows own = bp.band.own()[l];
            if (!own.isEmpty()) {
                String full = low.out(node.index());
                allocOnce(full);
                emit(new Instruction.CopyRows(o, own.lo() - out.lo(), full, own.lo(), own.size(), false));
            }
            if (!bp.sp.keeps.isEmpty()) {
                for (Map.Entry<String, Rows> k : bp.sp.keeps.get(l).entrySet()) {
                    Rows x = k.getValue().intersect(out);
                    if (!x.isEmpty()) {
                        if (allocOnce(k.getKey())) {
                            low.declare(k.getKey(), node.name(), Category.ACTIVATION,
                                    dims(node.index(), k.getValue().size()), false);
                        }
                        emit(new Instruction.CopyRows(o, x.lo() - out.lo(), k.getKey(), x.lo() - k.getValue().lo(),
                                x.size(), false));
                    }
                }
            }
        }
    }

    /** Whether a forward ran on whole maps with a larger workspace than its bands' would have had. */
    boolean widened() {
        return widened;
    }

    /**
     * Whether a stage's training forward runs on whole maps: with overlapping bands (two-phase bands fill keep
     * tensors that the backward reads), when every step but the sinks is an activation that can overwrite its
     * input ({@link RowTrunk#overwritesInPlace}). Then no map exists that the bands would not have held too;
     * only a whole map's workspace can be larger than a band's, so unless {@link WholeForward#ANY_WORKSPACE}
     * allows that (the mode then keeps this program only if its step peak is no higher), no step's may be. The
     * backward still runs in bands, recomputing from the kept maps.
     */
    private boolean runsWholeForward(StagePlan sp) {
        RowTrunk.Stage st = sp.stage;
        if (halo != Halo.OVERLAP || !training || wholeForward == WholeForward.NEVER || !trunk.overwritesInPlace(st)) {
            return false;
        }
        boolean wider = false;
        for (int l = 0; l < st.steps.size(); l++) {
            Node node = net.node(st.steps.get(l));
            boolean dataGrad = node.inputs().stream().anyMatch(low::requiresGrad);
            long band = 0;
            for (RowBandPlanner.Band b : sp.forward.bands()) {
                if (!b.out()[l].isEmpty()) {
                    band = Math.max(band, node.layer().bandWorkspaceBytes(low.options().workspace(), n,
                            b.read()[l][0].size(), Pass.FORWARD, dataGrad));
                }
            }
            wider |= node.layer().workspaceBytes(low.options().workspace(), n, Pass.FORWARD, dataGrad) > band;
        }
        if (wider && wholeForward != WholeForward.ANY_WORKSPACE) {
            return false;
        }
        widened |= wider;
        return true;
    }

    /**
     * A stage's forward on whole maps ({@link #runsWholeForward}): each activation overwrites its input, every other
     * step writes its whole output map.
     */
    private void runWhole(RowTrunk.Stage st) {
        Map<Integer, String> held = new HashMap<>();
        for (int index : st.steps) {
            Node node = net.node(index);
            Layer layer = node.layer();
            phase("forward", node.name());
            List<String> ins = node.inputs().stream().map(i -> held.getOrDefault(i, low.out(i))).toList();
            String o;
            if (st.sinks.contains(index)) {
                o = low.out(index);
                allocOnce(o);
            } else {
                o = ins.get(0);
            }
            held.put(index, o);
            String ws = low.workspace(node, Pass.FORWARD);
            if (ws != null) {
                alloc(ws);
            }
            emit(new Instruction.Run(node.index(), node.name(), Pass.FORWARD, true, ins, o, params(layer),
                    List.of(), List.of(), ws, null, List.of(), List.of(), false, null, false));
        }
    }

    /**
     * What a backward band must recompute: a step's forward only when its output is read again, by its own
     * backward (ReLU, max pooling) or by a consumer that is recomputed or whose backward reads its input; and a
     * step's inputs only when its forward runs or its backward reads them. A convolution feeding a batch norm,
     * whose input is kept whole anyway, is not recomputed at all.
     */
    private void neededInBackward(BandPass bp, boolean[] run, boolean[] read) {
        for (int l = run.length - 1; l >= 0; l--) {
            if (bp.band.out()[l].isEmpty()) {
                continue;
            }
            Node node = bp.node(l);
            boolean back = low.runsBackward(node);
            boolean need = back && node.layer().backwardReadsOutput();
            for (int[] c : bp.pl.consumers(l)) {
                Node m = bp.node(c[0]);
                need |= !bp.band.out()[c[0]].isEmpty()
                        && (run[c[0]] || (low.runsBackward(m) && m.layer().backwardReadsInput(c[1])));
            }
            run[l] = need;
            boolean readsInputs = false;
            for (int i = 0; i < node.inputs().size(); i++) {
                readsInputs |= node.layer().backwardReadsInput(i);
            }
            read[l] = need || (back && readsInputs);
        }
    }

    /**
     * The name of a tensor holding exactly the rows step l reads of input i in this band, padding rows
     * included: an existing band tensor when one matches, else a new one assembled from full maps and band
     * tensors, with padding rows filled with the layer's padding value.
     */
    private String inputRows(BandPass bp, int l, int i) {
        Node node = bp.node(l);
        RowBandPlanner.Input in = bp.pl.steps().get(l).inputs().get(i);
        Rows read = bp.band.read()[l][i];
        int h = bp.pl.inputHeight(l, i);
        Rows real = read.clamp(h);
        int producer = node.inputs().get(i);
        List<Piece> available;
        if (!in.fromSource()) {
            available = bp.pieces.getOrDefault(in.index(), List.of());
        } else if (bp.backward && trunk.recomputable(producer)) {
            Piece p = bp.recomputed.get(producer);
            available = p == null ? List.of() : List.of(p);
        } else {
            available = List.of(new Piece(low.out(producer), Rows.of(0, h)));
        }
        if (read.equals(real)) {
            for (Piece p : available) {
                if (p.rows().equals(real)) {
                    return p.tensor();
                }
            }
        }
        String name = bandTensor(node.name() + ".in" + i + "@" + bp.tag, node, producer, read.size(),
                Category.ACTIVATION);
        alloc(name);
        float pad = node.layer().rowPaddingValue();
        if (read.lo() < 0) {
            emit(new Instruction.FillRows(name, 0, Math.min(-read.lo(), read.size()), pad));
        }
        if (read.hi() > h) {
            int from = Math.max(h, read.lo());
            emit(new Instruction.FillRows(name, from - read.lo(), read.hi() - from, pad));
        }
        copyRows(available, real, name, read.lo());
        return name;
    }

    /** Copies rows {@code want} of a map from the pieces holding them into {@code dst}, whose row 0 is row {@code base}. */
    private void copyRows(List<Piece> pieces, Rows want, String dst, int base) {
        int row = want.lo();
        while (row < want.hi()) {
            Piece best = null;
            for (Piece p : pieces) {
                if (p.rows().contains(row) && (best == null || p.rows().hi() > best.rows().hi())) {
                    best = p;
                }
            }
            if (best == null) {
                throw new IllegalStateException("row-centric: no tensor holds row " + row + " for " + dst);
            }
            int take = Math.min(best.rows().hi(), want.hi()) - row;
            emit(new Instruction.CopyRows(best.tensor(), row - best.rows().lo(), dst, row - base, take, false));
            row += take;
        }
    }

    /**
     * Recomputes, for a backward band, the rows its steps ({@code read}) read of maps that were not kept whole:
     * batch-norm outputs from the kept batch-norm input and the statistics the whole-map forward saved, and
     * element-wise layers over those (the activations and residual sums between batch norms). Each map is
     * computed once per band, over all the rows the band reads of it.
     */
    private void recomputeSources(BandPass bp, boolean[] read) {
        Map<Integer, Rows> want = new TreeMap<>();
        for (int l = 0; l < bp.pl.steps().size(); l++) {
            if (!read[l]) {
                continue;
            }
            List<RowBandPlanner.Input> ins = bp.pl.steps().get(l).inputs();
            for (int i = 0; i < ins.size(); i++) {
                if (!ins.get(i).fromSource()) {
                    continue;
                }
                RowTrunk.Source src = bp.sp.stage.sources.get(ins.get(i).index());
                Rows r = bp.band.read()[l][i].clamp(src.height());
                if (trunk.recomputable(src.node()) && !r.isEmpty()) {
                    want(want, src.node(), r);
                }
            }
        }
        for (Map.Entry<Integer, Rows> w : want.entrySet()) {
            bp.recomputed.put(w.getKey(), recompute(bp, w.getKey(), w.getValue()));
        }
    }

    private void want(Map<Integer, Rows> want, int node, Rows rows) {
        want.merge(node, rows, Rows::hull);
        if (!(net.node(node).layer() instanceof BatchNorm2d)) {
            for (int p : net.node(node).inputs()) {
                if (trunk.recomputable(p)) {
                    want(want, p, rows);
                }
            }
        }
    }

    /** Runs one recomputable layer forward over rows {@code want}; its recomputable inputs are already done. */
    private Piece recompute(BandPass bp, int node, Rows want) {
        Node nd = net.node(node);
        String tag = "@s" + bp.sp.stage.index + "." + bp.tag;
        phase("recompute " + bp.label, nd.name());
        boolean batchNorm = nd.layer() instanceof BatchNorm2d;
        List<String> ins = new ArrayList<>();
        for (int i = 0; i < nd.inputs().size(); i++) {
            int p = nd.inputs().get(i);
            Piece from = !batchNorm && trunk.recomputable(p) ? bp.recomputed.get(p)
                    : new Piece(p == Network.DATA ? Lowering.INPUT : low.out(p), Rows.of(0, nd.out().h()));
            if (from.rows().equals(want)) {
                ins.add(from.tensor());
                continue;
            }
            String name = bandTensor(nd.name() + ".in" + i + tag, nd, p, want.size(), Category.ACTIVATION);
            alloc(name);
            copyRows(List.of(from), want, name, want.lo());
            ins.add(name);
        }
        String y = bandTensor(nd.name() + ".out" + tag, nd, node, want.size(), Category.ACTIVATION);
        alloc(y);
        emit(new Instruction.Run(node, nd.name(), Pass.FORWARD, true, ins, y, params(nd.layer()), List.of(),
                batchNorm ? low.saved(nd.layer()) : List.of(), null, null, List.of(), List.of(), false, null, true));
        emit(new Instruction.Mark(Action.RECOMPUTE, y));
        return new Piece(y, want);
    }

    // ---- backward ---------------------------------------------------------------------------------------

    /** Bands in reverse order: recompute the band, then propagate its gradient step by step. */
    private void backwardStage(StagePlan sp) {
        Map<Integer, Piece> owed = new HashMap<>();
        List<RowBandPlanner.Band> bands = sp.backward.bands();
        for (int k = bands.size() - 1; k >= 0; k--) {
            BandPass bp = new BandPass(sp, sp.backward, bands.get(k), true);
            runBand(bp);
            backwardBand(bp, owed);
        }
    }

    /**
     * The backward runs of one band. Each step's output gradient gathers, over rows {@code d}: what the
     * band's consumers sent back, the outside gradient of the rows the band owns, and (two-phase) what later
     * bands owe to rows this band computed. Gradient rows of rows computed by earlier bands are handed on as
     * owed ({@code owed}).
     */
    private void backwardBand(BandPass bp, Map<Integer, Piece> owed) {
        int count = bp.pl.steps().size();
        RowBandPlanner.Band b = bp.band;
        Rows[] d = new Rows[count];
        for (int l = 0; l < count; l++) {
            Piece o = owed.get(l);
            d[l] = b.out()[l].hull(b.earlier()[l]).hull(o == null ? Rows.EMPTY : o.rows());
        }
        Piece[] g = new Piece[count];
        String label = "backward " + bp.label;
        for (int l = count - 1; l >= 0; l--) {
            if (d[l].isEmpty()) {
                continue;
            }
            Node node = bp.node(l);
            phase(label, node.name());
            Rows own = b.own()[l];
            String outside = low.grad(node.index());
            if (!own.isEmpty() && allocated.contains(outside)) {
                contribute(bp, l, d, g, new Piece(outside, Rows.of(0, node.out().h())), own);
            }
            Piece o = owed.remove(l);
            if (o != null) {
                contribute(bp, l, d, g, o, o.rows());
            }
            Rows out = b.out()[l];
            if (!out.isEmpty() && low.runsBackward(node)) {
                backwardStep(bp, l, d, g);
            }
            Rows later = out.isEmpty() ? d[l] : Rows.of(d[l].lo(), out.lo());
            if (!later.isEmpty() && g[l] != null) {
                String keep = bandTensor(node.name() + ".out.grad.keep@" + bp.tag, node, node.index(), later.size(),
                        Category.ACTIVATION_GRAD);
                alloc(keep);
                emit(new Instruction.CopyRows(g[l].tensor(), later.lo() - d[l].lo(), keep, 0, later.size(), false));
                owed.put(l, new Piece(keep, later));
            }
        }
    }

    /** One step's backward run over the rows it computed in this band, and where its input gradients go. */
    private void backwardStep(BandPass bp, int l, Rows[] d, Piece[] g) {
        Node node = bp.node(l);
        Layer layer = node.layer();
        RowBandPlanner.Band b = bp.band;
        Rows out = b.out()[l];
        Piece gl = accumulator(bp, l, d, g);
        String gradOut = gl.tensor();
        if (!gl.rows().equals(out)) {
            gradOut = bandTensor(node.name() + ".out.grad.rows@" + bp.tag, node, node.index(), out.size(),
                    Category.ACTIVATION_GRAD);
            alloc(gradOut);
            emit(new Instruction.CopyRows(gl.tensor(), out.lo() - gl.rows().lo(), gradOut, 0, out.size(), false));
        }
        List<String> gradIns = new ArrayList<>();
        List<Boolean> accumulate = new ArrayList<>();
        List<Runnable> scatters = new ArrayList<>();
        for (int i = 0; i < node.inputs().size(); i++) {
            int producer = node.inputs().get(i);
            if (!low.requiresGrad(producer)) {
                gradIns.add(null);
                accumulate.add(false);
                continue;
            }
            RowBandPlanner.Input in = bp.pl.steps().get(l).inputs().get(i);
            Rows read = b.read()[l][i];
            int h = bp.pl.inputHeight(l, i);
            Rows real = read.clamp(h);
            if (!in.fromSource() && read.equals(real) && real.equals(d[in.index()])) {
                int p = in.index();
                boolean exists = g[p] != null;
                if (!exists) {
                    Node pn = bp.node(p);
                    String name = bandTensor(pn.name() + ".out.grad@" + bp.tag, pn, pn.index(), d[p].size(),
                            Category.ACTIVATION_GRAD);
                    alloc(name);
                    g[p] = new Piece(name, d[p]);
                }
                gradIns.add(g[p].tensor());
                accumulate.add(exists);
                continue;
            }
            String e = bandTensor(node.name() + ".in" + i + ".grad@" + bp.tag, node, producer, read.size(),
                    Category.ACTIVATION_GRAD);
            alloc(e);
            gradIns.add(e);
            accumulate.add(false);
            if (real.isEmpty()) {
                continue;
            }
            scatters.add(() -> {
                if (in.fromSource()) {
                    String full = low.grad(producer);
                    zeroedForAccumulation(full, h);
                    emit(new Instruction.CopyRows(e, real.lo() - read.lo(), full, real.lo(), real.size(), true));
                } else {
                    Piece gp = accumulator(bp, in.index(), d, g);
                    emit(new Instruction.CopyRows(e, real.lo() - read.lo(), gp.tensor(), real.lo() - gp.rows().lo(),
                            real.size(), true));
                }
            });
        }
        String ws = bandWorkspace(node, b.read()[l][0].size(), Pass.BACKWARD, bp.tag);
        List<String> ins = new ArrayList<>();
        for (int i = 0; i < node.inputs().size(); i++) {
            ins.add(layer.backwardReadsInput(i) ? bp.inputs[l][i] : null);
        }
        boolean trains = layer.params().stream().anyMatch(ParamDef::trainable);
        boolean accumulateParams = trains && !paramGradsWritten.add(node.index());
        emit(new Instruction.Run(node.index(), node.name(), Pass.BACKWARD, true, ins,
                layer.backwardReadsOutput() ? bp.outputs[l] : null, params(layer), paramGrads(layer), List.of(), ws,
                gradOut, gradIns, accumulate, accumulateParams, null, true));
        scatters.forEach(Runnable::run);
    }

    /**
     * Adds rows {@code rows} of a gradient held in {@code from} into step l's accumulator; when they are the
     * first and cover it, copies instead (no zero fill).
     */
    private void contribute(BandPass bp, int l, Rows[] d, Piece[] g, Piece from, Rows rows) {
        boolean first = g[l] == null && rows.equals(d[l]);
        if (first) {
            Node node = bp.node(l);
            String name = bandTensor(node.name() + ".out.grad@" + bp.tag, node, node.index(), d[l].size(),
                    Category.ACTIVATION_GRAD);
            alloc(name);
            g[l] = new Piece(name, d[l]);
        }
        Piece gl = accumulator(bp, l, d, g);
        emit(new Instruction.CopyRows(from.tensor(), rows.lo() - from.rows().lo(), gl.tensor(),
                rows.lo() - gl.rows().lo(), rows.size(), !first));
    }

    /** Step l's gradient accumulator for this band (rows {@code d[l]}), zero-filled when first needed. */
    private Piece accumulator(BandPass bp, int l, Rows[] d, Piece[] g) {
        if (g[l] == null) {
            Node node = bp.node(l);
            String name = bandTensor(node.name() + ".out.grad@" + bp.tag, node, node.index(), d[l].size(),
                    Category.ACTIVATION_GRAD);
            alloc(name);
            emit(new Instruction.FillRows(name, 0, d[l].size(), 0f));
            g[l] = new Piece(name, d[l]);
        }
        return g[l];
    }

    // ---- whole maps: batch norm, dropout, the head --------------------------------------------------------

    private void forwardWhole(Node node) {
        phase(training ? "forward" : "eval", node.name());
        allocOnce(low.out(node.index()));
        if (training || node.layer().isLoss()) {
            low.saved(node.layer()).forEach(this::alloc);
        }
        String ws = low.workspace(node, Pass.FORWARD, training);
        if (ws != null) {
            alloc(ws);
        }
        emit(low.forward(node, training, ws));
    }

    private void backwardWhole(Node node) {
        if (node.layer().isView() || !low.runsBackward(node)) {
            return;
        }
        phase("backward", node.name());
        if (!node.layer().isLoss()) {
            zeroedForAccumulation(low.grad(node.index()), node.out().h());
        }
        List<Boolean> accumulate = new ArrayList<>();
        for (int in : node.inputs()) {
            accumulate.add(low.requiresGrad(in) && !allocOnce(low.grad(in)));
        }
        String ws = low.workspace(node, Pass.BACKWARD);
        if (ws != null) {
            alloc(ws);
        }
        paramGradsWritten.add(node.index());
        emit(low.backward(node, ws, accumulate, false));
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    /** Makes sure a whole-map gradient exists before bands add into it: allocated and zeroed on first use. */
    private void zeroedForAccumulation(String grad, int height) {
        if (allocOnce(grad)) {
            emit(new Instruction.FillRows(grad, 0, height, 0f));
        }
    }

    /** Declares a band tensor of {@code rows} rows shaped like the output of {@code shapeOf} (or the input). */
    private String bandTensor(String name, Node owner, int shapeOf, int rows, Category category) {
        low.declare(name, owner.name(), category, dims(shapeOf, rows), false);
        return name;
    }

    private Dims dims(int shapeOf, int rows) {
        Shape s = shapeOf == Network.DATA ? net.input() : net.node(shapeOf).out();
        return Dims.of(n, s.c(), rows, s.w());
    }

    private String bandWorkspace(Node node, int inRows, Pass pass, String tag) {
        boolean dataGrad = node.inputs().stream().anyMatch(low::requiresGrad);
        long bytes = node.layer().bandWorkspaceBytes(low.options().workspace(), n, inRows, pass, dataGrad);
        if (bytes <= 0) {
            return null;
        }
        String name = node.name() + ".ws." + pass.label() + "@" + tag;
        low.declare(name, node.name(), Category.WORKSPACE, Lowering.workspaceDims(node, pass, bytes, n), false);
        alloc(name);
        return name;
    }

    private static List<String> params(Layer l) {
        return l.params().stream().map(p -> Lowering.param(l, p)).toList();
    }

    private static List<String> paramGrads(Layer l) {
        return l.params().stream().map(p -> p.trainable() ? Lowering.param(l, p) + ".grad" : null).toList();
    }

    private void alloc(String tensor) {
        if (!allocated.add(tensor)) {
            throw new IllegalStateException("row-centric: " + tensor + " allocated twice");
        }
        emit(new Instruction.Alloc(tensor));
    }

    /** Allocates a tensor unless it already is; true when this call allocated it. */
    private boolean allocOnce(String tensor) {
        if (allocated.add(tensor)) {
            emit(new Instruction.Alloc(tensor));
            return true;
        }
        return false;
    }

    private void phase(String name, String layer) {
        if (!name.equals(phaseName) || !layer.equals(phaseLayer)) {
            phaseName = name;
            phaseLayer = layer;
            emit(new Instruction.Phase(name, layer));
        }
    }

    private void emit(Instruction i) {
        low.emit(i);
    }
}
