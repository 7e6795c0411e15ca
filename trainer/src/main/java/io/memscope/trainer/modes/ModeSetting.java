package io.memscope.trainer.modes;

import java.util.List;

/**
 * One setting a memory mode reads ({@link MemoryMode#configure}), described for a command line's help and a
 * window's form.
 *
 * @param key          the key, also the command-line flag without its dashes ({@code bands})
 * @param label        a short label for a form ({@code Bands})
 * @param help         one sentence: what it means and what it takes
 * @param choices      the values it takes, when it is a choice; empty for free text
 * @param defaultValue what it is when not given, as text a user would write
 */
public record ModeSetting(String key, String label, String help, List<String> choices, String defaultValue) {
    public ModeSetting {
        choices = List.copyOf(choices);
    }
}
