package io.memscope.trainer.render;

import java.util.Locale;

/** The families of phases the timeline colours differently; anything else is {@link #OTHER}. */
public enum PhaseKind {
    SETUP,
    FORWARD,
    BACKWARD,
    UPDATE,
    EVAL,
    OTHER;

    private static final PhaseKind[] KNOWN = {SETUP, FORWARD, BACKWARD, UPDATE, EVAL};

    private final String label = name().toLowerCase(Locale.ROOT);

    /**
     * Reads the family from a phase name such as {@code forward}, {@code backward-recompute} or {@code eval}.
     * Called for every phase of every column drawn, so it compares in place instead of lower-casing a copy.
     */
    public static PhaseKind of(String phaseName) {
        if (phaseName != null) {
            for (PhaseKind k : KNOWN) {
                if (phaseName.regionMatches(true, 0, k.label, 0, k.label.length())) {
                    return k;
                }
            }
        }
        return OTHER;
    }

    public String label() {
        return label;
    }
}
