package io.memscope.trainer.render;

import java.util.Locale;

/** The families of phases the timeline colours differently; anything else is {@link #OTHER}. */
public enum PhaseKind {
    SETUP,
    FORWARD,
    BACKWARD,
    /** Row-centric backward: a band's forward run again before its gradient. */
    RECOMPUTE,
    UPDATE,
    EVAL,
    OTHER;

    private static final PhaseKind[] KNOWN = {SETUP, FORWARD, BACKWARD, RECOMPUTE, UPDATE, EVAL};

    private final String label = name().toLowerCase(Locale.ROOT);

    /**
     * Reads the family from a phase name such as {@code forward}, {@code backward band 2/4 of segment 1},
     * {@code recompute band 2/4} or {@code eval}.
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
