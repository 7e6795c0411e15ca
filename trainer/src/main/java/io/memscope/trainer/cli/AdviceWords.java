package io.memscope.trainer.cli;

import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.plan.FitAdvice;
import java.util.ArrayList;
import java.util.List;

/** {@link FitAdvice} in the command line's words: each suggestion as the flags that make it. */
final class AdviceWords {
    private AdviceWords() {}

    /**
     * E.g. {@code what fits: --batch 22, --bands 8, --mode row-centric --bands 4 or --budget 2.5MiB}; the facts
     * (peak, budget, what alone exceeds it) are the message's, not repeated here.
     */
    static String of(FitAdvice advice) {
        List<String> options = new ArrayList<>();
        for (FitAdvice.Suggestion s : advice.suggestions()) {
            options.add(flags(s));
        }
        if (advice.setupExceedsBudget()) {
            return "what fits: " + options.get(options.size() - 1) + " (no smaller batch or other mode helps)";
        }
        return "what fits: " + join(options);
    }

    private static String flags(FitAdvice.Suggestion s) {
        if (s instanceof FitAdvice.Batch b) {
            return "--batch " + b.batch();
        }
        if (s instanceof FitAdvice.Mode m) {
            List<String> words = new ArrayList<>();
            if (!m.current()) {
                words.add("--mode " + m.mode());
            }
            m.settings().forEach((k, v) -> words.add("--" + k + " " + v));
            return String.join(" ", words);
        }
        return "--budget " + budget(((FitAdvice.Budget) s).bytes());
    }

    /** A size as a flag value, as {@link Bytes#format} shows it: {@code 2.5MiB}. */
    private static String budget(long bytes) {
        return Bytes.format(bytes).replace(" ", "");
    }

    private static String join(List<String> items) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.get(items.size() - 1);
    }
}
