package io.memscope.trainer.modes.rows;

import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.ModeSetting;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.StepProgram;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Row-centric training (LR-CNN, arXiv 2401.11471): the convolutional trunk runs band by band, each
 * horizontal band of rows carried through all of a segment's layers before the next band starts, so only
 * band-sized intermediates are alive at once.
 *
 * <ul>
 *   <li>Forward: per segment, band by band; each band writes the rows it completes of the segment's outputs
 *       into full maps. Nothing inside a segment is kept for backward (two-phase sharing keeps only the few
 *       boundary rows bands share).</li>
 *   <li>Backward: per segment in reverse, band by band from the bottom: recompute the band's forward, then
 *       propagate its gradient layer by layer; weight gradients are summed over bands, and input-gradient
 *       rows are added into the segment's input gradients (halo rows get contributions from two bands).</li>
 *   <li>Batch norm and dropout need whole maps: they bound segments and run on whole maps. Batch norm keeps
 *       only its input; the bands after it recompute its output rows from the saved batch statistics.</li>
 *   <li>The head (flatten, linear, global pooling, loss) runs layer by layer, as in the baseline.</li>
 * </ul>
 *
 * <p>Everything that cannot be honoured is refused at compile time with a message naming the layer and the
 * numbers: a network without a convolutional trunk, a layer inside the trunk whose rows depend on whole maps,
 * more bands than a map has rows. Nothing falls back to another mode.
 */
public final class RowCentricMode implements MemoryMode {
    public static final String ID = "row-centric";

    /** The value of {@code bands} that asks {@link #fitTo} to choose the bands for the budget. */
    public static final String AUTO = "auto";

    private final RowCentricOptions options;
    private final boolean autoBands;

    /** The default options: {@link RowCentricOptions#DEFAULT}. */
    public RowCentricMode() {
        this(RowCentricOptions.DEFAULT, false);
    }

    private RowCentricMode(RowCentricOptions options, boolean autoBands) {
        this.options = options;
        this.autoBands = autoBands;
    }

    public static RowCentricMode with(RowCentricOptions options) {
        return new RowCentricMode(options, false);
    }

    /** True when the bands are still to be chosen for a budget ({@code bands auto}). */
    public boolean choosesBands() {
        return autoBands;
    }

    public RowCentricOptions options() {
        return options;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "row bands through the convolutional trunk (LR-CNN); " + options.describe();
    }

    /** {@code bands auto} leaves the band counts to {@link #fitTo}; the other settings are read as given. */
    @Override
    public MemoryMode configure(Map<String, String> settings) {
        Map<String, String> rest = new LinkedHashMap<>();
        boolean auto = false;
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String key = e.getKey().replaceFirst("^-+", "");
            if (key.equals("bands") && AUTO.equalsIgnoreCase(String.valueOf(e.getValue()).trim())) {
                auto = true;
            } else {
                rest.put(e.getKey(), e.getValue());
            }
        }
        if (auto && rest.keySet().stream().anyMatch(k -> k.replaceFirst("^-+", "").equals("bwd-bands"))) {
            throw new IllegalArgumentException("bands auto chooses the backward bands too; leave bwd-bands out");
        }
        return new RowCentricMode(RowCentricOptions.parse(rest), auto);
    }

    /** With {@code bands auto}: the coarsest bands that fit the budget ({@link #chooseFor}), or a refusal. */
    @Override
    public MemoryMode fitTo(Network net, CompileOptions compileOptions, long budget, Consumer<String> report) {
        if (!autoBands) {
            return this;
        }
        Choice c = chooseFor(net, compileOptions, budget, options);
        report.accept("row-centric bands for a " + Bytes.format(budget) + " budget at batch " + compileOptions.batch()
                + ":\n" + c.report().strip() + "\n");
        if (!c.fits()) {
            throw new IllegalArgumentException("row-centric: no band count fits " + Bytes.format(budget) + " at batch "
                    + compileOptions.batch() + " (" + c.report().lines().reduce((a, b) -> b).orElse("") + ")");
        }
        return with(c.options());
    }

    @Override
    public MemoryMode choosingForBudget() {
        return new RowCentricMode(options, true);
    }

    @Override
    public Map<String, String> chosenSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bands", options.forward().toString());
        if (!options.backward().equals(options.forward())) {
            m.put("bwd-bands", options.backward().toString());
        }
        return m;
    }

    @Override
    public List<ModeSetting> settings() {
        return RowCentricOptions.SETTINGS;
    }

    /**
     * The step, with the forward of a segment on whole maps where that holds no map its bands would not: with
     * the whole maps' workspaces too when the step's planned peak stays as low ({@code docs/ROW_CENTRIC.md}).
     */
    @Override
    public StepProgram compile(Network network, CompileOptions compileOptions) {
        StepProgram bounded = new RowCentricCompiler(network, compileOptions, options).compile(ID);
        RowCentricCompiler wider = new RowCentricCompiler(network, compileOptions, options,
                RowCentricCompiler.WholeForward.ANY_WORKSPACE);
        StepProgram program = wider.compile(ID);
        if (!wider.widened() || Planner.stepPeakBytes(network, program, compileOptions)
                > Planner.stepPeakBytes(network, bounded, compileOptions)) {
            return bounded;
        }
        return program;
    }

    /** Evaluation runs in the forward bands too, so it needs no more memory than training's forward pass. */
    @Override
    public StepProgram compileInference(Network network, CompileOptions compileOptions) {
        return new RowCentricCompiler(network, compileOptions, options).compileInference();
    }

    /**
     * The segments and bands a network gets with these options, one line per segment, e.g.
     * {@code segment 1: conv1_1..pool1 reads input (224 rows); writes pool1; forward 16 bands, backward 16 bands};
     * a count below the one asked for says so: {@code forward 13 bands (28 asked)}.
     * Throws as {@link #compile} does for networks the mode cannot split.
     */
    @Override
    public String layout(Network net) {
        RowTrunk trunk = RowTrunk.analyse(net, options);
        StringBuilder sb = new StringBuilder();
        sb.append(net.name()).append(", row-centric (").append(options.describe()).append(autoBands
                ? "; bands auto: chosen for the budget when planning or training starts, from these" : "").append("):\n");
        int segment = 0;
        for (RowTrunk.Stage st : trunk.stages) {
            if (!st.steps.isEmpty()) {
                segment++;
                List<String> reads = new ArrayList<>();
                for (RowTrunk.Source s : st.sources) {
                    reads.add((s.node() == Network.DATA ? Network.INPUT_NAME : net.node(s.node()).name()) + " ("
                            + s.height() + " rows)");
                }
                List<String> writes = st.steps.stream().filter(st.sinks::contains).map(i -> net.node(i).name())
                        .toList();
                int fwd = st.planner.plan(options.halo(), st.forwardBands).bands().size();
                int bwd = st.planner.plan(options.halo(), st.backwardBands).bands().size();
                sb.append("  segment ").append(segment).append(": ").append(st.label(net)).append(" reads ")
                        .append(String.join(", ", reads)).append("; writes ").append(String.join(", ", writes))
                        .append("; forward ").append(bands(fwd, st.forwardAsked)).append(", backward ")
                        .append(bands(bwd, st.backwardAsked));
                if (options.halo() == Halo.OVERLAP && trunk.overwritesInPlace(st)) {
                    sb.append("; the forward on whole maps instead (activations in place) where the step's peak stays"
                            + " as low");
                }
                sb.append('\n');
            }
            for (int w : st.wholeAfter) {
                sb.append("  whole maps: ").append(net.node(w).name()).append(" (").append(net.node(w).layer().type())
                        .append(st.alone && w == st.wholeAfter.get(0)
                                ? "; one layer between whole maps, where bands would save nothing" : "")
                        .append(")\n");
            }
        }
        sb.append("  head (layer by layer): ").append(net.node(trunk.end).name()).append("..")
                .append(net.loss().name()).append('\n');

        return sb.toString();
    }

    /** {@code 4 bands}, or {@code 13 bands (28 asked)} when bands that would complete no row were left out. */
    private static String bands(int run, int asked) {
        return run + (run == 1 ? " band" : " bands") + (run == asked ? "" : " (" + asked + " asked)");
    }

    /**
     * An automatic choice for a budget.
     *
     * @param options the chosen options, or null when none fits
     * @param plan    the plan of the choice (or of the finest granularity tried, when none fits)
     * @param report  what was tried and why this was chosen, for the user
     */
    public record Choice(RowCentricOptions options, Planner.Plan plan, String report) {
        public boolean fits() {
            return options != null;
        }
    }

    /**
     * The coarsest granularity that fits {@code budget}, keeping the halo strategy and cuts of {@code base}:
     * fewer bands mean less recomputation and fewer, larger kernel calls. It tries backward band counts from 1
     * up (the backward pass holds the most), and for the first that fits, the fewest forward bands that still
     * fit. Every probe is one meta-backend plan, fragmentation included.
     */
    public static Choice chooseFor(Network net, CompileOptions compileOptions, long budget, RowCentricOptions base) {
        int height = net.input().h();
        List<Integer> counts = new ArrayList<>();
        for (int b = 1; b <= height; b = b < 4 ? b + 1 : b * 2) {
            counts.add(b);
        }
        if (counts.get(counts.size() - 1) != height) {
            counts.add(height);
        }
        StringBuilder report = new StringBuilder();
        Planner.Plan last = null;
        for (int bwd : counts) {
            RowCentricOptions o = base.withBands(Bands.count(bwd), Bands.count(bwd));
            Planner.Plan plan = Planner.plan(net, with(o), compileOptions, budget);
            last = plan;
            report.append(String.format("%d band%s: peak %s%s%n", bwd, bwd == 1 ? "" : "s",
                    Bytes.format(plan.peakBytes()), plan.fits() ? "" : " (does not fit)"));
            if (!plan.fits()) {
                continue;
            }
            for (int fwd : counts) {
                if (fwd >= bwd) {
                    break;
                }
                RowCentricOptions coarser = base.withBands(Bands.count(fwd), Bands.count(bwd));
                Planner.Plan p = Planner.plan(net, with(coarser), compileOptions, budget);
                if (p.fits()) {
                    report.append(String.format("forward %d, backward %d bands: peak %s%n", fwd, bwd,
                            Bytes.format(p.peakBytes())));
                    o = coarser;
                    plan = p;
                    break;
                }
            }
            report.append("chosen: ").append(o.describe()).append(", peak ").append(Bytes.format(plan.peakBytes()))
                    .append(" within ").append(Bytes.format(budget));
            return new Choice(o, plan, report.toString());
        }
        report.append("no band count fits ").append(Bytes.format(budget)).append("; the finest needs ")
                .append(Bytes.format(last.peakBytes()));
        return new Choice(null, last, report.toString());
    }
}
