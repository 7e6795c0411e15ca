package io.memscope.trainer.plan;

import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.Phases;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.net.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What would make a run that does not fit its budget fit, as data: the command line words each suggestion as
 * flags ({@code --batch 22}), the window as its controls ("Batch 22 fits"). Every suggestion was planned on the
 * meta backend, fragmentation and evaluation included, and does fit.
 *
 * @param phase       where the run first runs out of memory, in words ({@code evaluation}, {@code training
 *                    backward}), or empty when the run was refused before planning a step
 * @param needBytes   the run's peak without a budget
 * @param budget      the budget it does not fit
 * @param setupBytes  what parameters, their gradients and the optimizer's state hold before any step: when this
 *                    alone exceeds the budget, no batch and no mode that keeps them all on the device fits
 * @param suggestions what fits, most specific first: a batch, then settings or modes, then a budget
 */
public record FitAdvice(String phase, long needBytes, long budget, long setupBytes, List<Suggestion> suggestions) {

    /** One change that fits. */
    public sealed interface Suggestion {}

    /** The largest batch that fits, all else as it is. */
    public record Batch(int batch) implements Suggestion {}

    /**
     * A mode (the one in use, or another) with the settings a budget choice made, e.g. row-centric with
     * {@code bands=8}: {@code current} when only the settings change.
     */
    public record Mode(String mode, Map<String, String> settings, boolean current, long peakBytes) implements Suggestion {}

    /** The smallest budget that fits, rounded up to the precision sizes are shown in. */
    public record Budget(long bytes) implements Suggestion {}

    public FitAdvice {
        suggestions = List.copyOf(suggestions);
    }

    /** True when the persistent tensors alone exceed the budget, so only a larger budget helps. */
    public boolean setupExceedsBudget() {
        return setupBytes > budget;
    }

    /** A neutral sentence of the facts, without the suggestions (those are worded by the interface). */
    public String facts() {
        if (setupExceedsBudget()) {
            return "parameters, gradients and optimizer state alone need " + Bytes.format(setupBytes) + ", more than the "
                    + Bytes.format(budget) + " budget, so no batch size or memory mode fits";
        }
        if (needBytes > budget) {
            return "the run needs " + Bytes.format(needBytes) + " at its peak, more than the " + Bytes.format(budget)
                    + " budget";
        }
        return "the run's peak of " + Bytes.format(needBytes) + " is within the " + Bytes.format(budget)
                + " budget, but the free memory is split into blocks too small for one allocation";
    }

    /**
     * Advice for a plan that does not fit: the largest batch in this mode, the settings (of this mode and of
     * every other) that fit at this batch, and the smallest budget. {@code mode} is the mode as configured.
     */
    public static FitAdvice of(Network net, MemoryMode mode, CompileOptions options, long budget, Planner.Plan plan) {
        return of(net, mode, options, budget, plan, -1);
    }

    /**
     * As above, with the largest batch that fits already known ({@link Planner#maxBatch}, 0 when none), so it is
     * not searched again; -1 to search.
     */
    public static FitAdvice of(Network net, MemoryMode mode, CompileOptions options, long budget, Planner.Plan plan,
                               int largestBatch) {
        String phase = plan.oom() == null ? "" : Phases.describe(plan.oom().event().phase());
        long setup = plan.profile().setupBytes();
        List<Suggestion> out = new ArrayList<>();
        if (setup <= budget) {
            int max = largestBatch >= 0 ? Math.min(largestBatch, options.batch() - 1)
                    : Planner.maxBatch(net, mode, options, budget, Math.max(1, options.batch() - 1));
            if (max > 0) {
                out.add(new Batch(max));
            }
            for (MemoryMode m : Modes.all()) {
                boolean current = m.id().equals(mode.id());
                MemoryMode chooser = (current ? mode : m).choosingForBudget();
                if (current && chooser == mode) {
                    continue; // nothing left to choose in the mode in use
                }
                MemoryMode fitted;
                try {
                    fitted = chooser.fitTo(net, options, budget, QUIET);
                } catch (IllegalArgumentException e) {
                    continue; // the network cannot take this mode, or no choice fits
                }
                Planner.Plan p = Planner.plan(net, fitted, options, budget);
                if (p.fits()) {
                    out.add(new Mode(m.id(), fitted.chosenSettings(), current, p.peakBytes()));
                }
            }
        }
        out.add(new Budget(Planner.smallestBudget(net, mode, options, plan.peakBytes())));
        return new FitAdvice(phase, plan.peakBytes(), budget, setup, out);
    }

    /** Hears nothing; for {@link MemoryMode#fitTo} calls whose trail nobody reads. */
    static final Consumer<String> QUIET = ignored -> { };
}
