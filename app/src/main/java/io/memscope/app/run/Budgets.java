package io.memscope.app.run;

import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.train.TrainDefaults;
import java.util.List;

/** The budget presets and how a budget typed by the user is read. */
public final class Budgets {
    public static final List<String> PRESETS = List.of("256 MiB", "512 MiB", "1 GiB (GTX 750)", "2 GiB", "4 GiB",
            "8 GiB");
    /** The command line's default budget, as the presets write it. */
    public static final String DEFAULT = text(TrainDefaults.budgetBytes());

    private Budgets() {}

    /** A size as the presets write it: whole GiB or MiB ({@code 512 MiB}), else as {@link Bytes#format}. */
    public static String text(long bytes) {
        if (bytes > 0 && bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + " GiB";
        }
        if (bytes > 0 && bytes % (1L << 20) == 0) {
            return bytes / (1L << 20) + " MiB";
        }
        return Bytes.format(bytes);
    }

    /** Bytes of a preset or typed size; a note in parentheses is ignored. Throws with a readable message. */
    public static long parse(String text) {
        String t = text == null ? "" : text.trim();
        int paren = t.indexOf('(');
        if (paren >= 0) {
            t = t.substring(0, paren).trim();
        }
        if (t.isEmpty()) {
            throw new IllegalArgumentException("enter a budget, e.g. 512 MiB or 2 GiB");
        }
        return Bytes.parse(t);
    }
}
