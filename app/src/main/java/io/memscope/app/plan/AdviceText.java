package io.memscope.app.plan;

import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.ModeSetting;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.plan.FitAdvice;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link FitAdvice} in the window's words, the names of its controls: "Batch 22 fits", "Bands 8 fits",
 * "Row-centric mode, Bands 4 fits", "Budget 3.3 MiB fits". The command line words the same advice as flags.
 */
public final class AdviceText {
    private AdviceText() {}

    /** One phrase per suggestion, in the advice's order: the control's setting, then "fits". */
    public static List<String> phrases(FitAdvice advice) {
        List<String> out = new ArrayList<>();
        for (FitAdvice.Suggestion s : advice.suggestions()) {
            out.add(control(s) + " fits" + (s instanceof FitAdvice.Budget && advice.setupExceedsBudget()
                    ? " (no smaller batch or other mode helps)" : ""));
        }
        return out;
    }

    /** The setting of the controls a suggestion makes: {@code Batch 22}, {@code Row-centric mode, Bands 4}. */
    public static String control(FitAdvice.Suggestion s) {
        if (s instanceof FitAdvice.Batch b) {
            return String.format("Batch %,d", b.batch());
        }
        if (s instanceof FitAdvice.Mode m) {
            List<String> parts = new ArrayList<>();
            if (!m.current()) {
                parts.add(modeLabel(m.mode()) + " mode");
            }
            m.settings().forEach((k, v) -> parts.add(settingLabel(m.mode(), k) + " " + v));
            return String.join(", ", parts);
        }
        return "Budget " + Bytes.format(((FitAdvice.Budget) s).bytes());
    }

    /** The phrases in one line: {@code Batch 22 fits · Row-centric mode, Bands 4 fits · Budget 3.3 MiB fits}. */
    public static String line(FitAdvice advice) {
        return String.join("  \u00b7  ", phrases(advice));
    }

    /** What a failed run says in the message bar: the facts, then what fits. */
    public static String sentence(String facts, FitAdvice advice) {
        return facts + ". " + line(advice) + ".";
    }

    static String modeLabel(String id) {
        return Character.toUpperCase(id.charAt(0)) + id.substring(1);
    }

    private static String settingLabel(String mode, String key) {
        MemoryMode m = Modes.get(mode);
        for (ModeSetting st : m.settings()) {
            if (st.key().equals(key)) {
                return st.label();
            }
        }
        return key;
    }
}
