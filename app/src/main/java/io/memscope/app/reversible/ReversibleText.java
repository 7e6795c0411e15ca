package io.memscope.app.reversible;

import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.Steps;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.Reversibility;
import io.memscope.trainer.modes.ReversibleMode;
import io.memscope.trainer.program.Reconstruction;
import io.memscope.trainer.render.PhaseInterval;
import io.memscope.trainer.render.PhaseKind;
import io.memscope.trainer.render.TensorLifetime;
import io.memscope.trainer.render.TimelineModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reversible mode in the window's words: how many layers rebuild their input and why the others keep it (the
 * Plan tab, the per-layer table), how well a tensor was rebuilt, and what the lifetime view adds about a
 * rebuilt tensor's block.
 */
public final class ReversibleText {
    private ReversibleText() {}

    /** "15 of 21 layers rebuild their input from their output in backward". */
    public static String summary(Reversibility rev) {
        List<Reversibility.Entry> entries = rev.entries();
        long n = entries.stream().filter(Reversibility.Entry::inverted).count();
        if (n == 0) {
            return "No layer rebuilds its input: reversible mode runs this network as baseline does";
        }
        return n + " of " + entries.size() + (n == 1 ? " layers rebuilds its input" : " layers rebuild their input")
                + " from their output in backward";
    }

    /** The layers that keep their input, grouped by reason in network order: "conv1, stage2.down: conv2d is not invertible". */
    public static List<String> keptByReason(Reversibility rev) {
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        for (Reversibility.Entry e : rev.entries()) {
            if (!e.inverted()) {
                byReason.computeIfAbsent(e.reason(), k -> new ArrayList<>()).add(e.layer());
            }
        }
        List<String> out = new ArrayList<>();
        byReason.forEach((why, layers) -> out.add(String.join(", ", layers) + ": " + why));
        return out;
    }

    /** "rebuilt" or "kept". */
    public static String verdict(Reversibility.Entry e) {
        return e.inverted() ? "rebuilt" : "kept";
    }

    /** A layer's verdict as a sentence, for a tooltip. */
    public static String explain(Reversibility.Entry e) {
        return e.layer() + " (" + e.type() + ")" + (e.inverted()
                ? ": its input is freed after forward and rebuilt from its output in backward, by its inverse"
                : " keeps its input for backward: " + e.reason());
    }

    /** "SNR 131.4 dB, max error 1.4e-06", or "exact, no error" when nothing was lost. */
    public static String measurement(Reconstruction r) {
        if (Double.isInfinite(r.snr())) {
            return "exact, no error";
        }
        return "SNR " + r.snrText() + ", max error " + error(r.maxError());
    }

    /** An absolute error with two figures: 1.4e-06. */
    private static String error(double e) {
        return String.format(Locale.ROOT, "%.1e", e);
    }

    /** A measurement for a tooltip: which tensor, which inverse, how well, when, and its depth in the chain. */
    public static String measuredAt(Reconstruction r) {
        return r.tensor() + " rebuilt by " + r.layer() + "'s inverse: " + measurement(r) + " (measured at step "
                + Steps.shown(r.step()) + ", depth " + r.depth() + ": errors add up along a chain of rebuilt tensors)";
    }

    /**
     * The log's lines for measurements, one per measured step: "Step 51: 15 tensors rebuilt by inverses; worst SNR
     * 98.1 dB, of stage1.rev1.out (stage1.rev2's inverse); max error 2.1e-06 over all".
     */
    public static List<String> logLines(List<Reconstruction> measured) {
        Map<Integer, List<Reconstruction>> byStep = new java.util.TreeMap<>();
        measured.forEach(r -> byStep.computeIfAbsent(r.step(), k -> new ArrayList<>()).add(r));
        List<String> out = new ArrayList<>();
        byStep.forEach((step, rs) -> {
            Reconstruction worst = rs.stream().min(java.util.Comparator.comparingDouble(Reconstruction::snr)).orElseThrow();
            double maxError = rs.stream().mapToDouble(Reconstruction::maxError).max().orElse(0);
            String head = "Step " + Steps.shown(step) + ": " + rs.size() + (rs.size() == 1 ? " tensor" : " tensors")
                    + " rebuilt by inverses";
            out.add(Double.isInfinite(worst.snr()) ? head + ", all exactly" : head + "; worst SNR " + worst.snrText()
                    + ", of " + worst.tensor() + " (" + worst.layer() + "'s inverse); max error "
                    + error(maxError) + " over all");
        });
        return out;
    }

    /**
     * What the lifetime view adds about a block of a reversible trace that an inverse rebuilt — a tensor allocated
     * in a {@code recompute} phase, whose layer is the one rebuilding its input — with the error measured at the
     * block's step or the last measurement before it: "rebuilt by stage1.rev3's inverse  ·  SNR 131.4 dB, max
     * error 1.4e-06 (measured at step 351)". Empty for every other block, workspace included.
     */
    public static String rebuiltDetail(TensorLifetime t, TimelineModel model, TraceInfo info, Reconstructions measured) {
        if (info == null || !ReversibleMode.ID.equals(info.mode()) || t.openStart() || t.category() == Category.WORKSPACE) {
            return "";
        }
        List<PhaseInterval> at = model.phasesIn(t.start(), t.start());
        PhaseInterval phase = at.isEmpty() ? null : at.get(at.size() - 1);
        if (phase == null || phase.kind() != PhaseKind.RECOMPUTE || phase.layer().isEmpty()) {
            return "";
        }
        String line = "rebuilt by " + phase.layer() + "'s inverse";
        Reconstruction r = measured.at(t.name(), phase.step());
        return r == null ? line : line + "  \u00b7  " + measurement(r) + " (measured at step " + Steps.shown(r.step()) + ")";
    }
}
