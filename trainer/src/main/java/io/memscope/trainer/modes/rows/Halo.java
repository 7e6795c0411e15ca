package io.memscope.trainer.modes.rows;

import java.util.Locale;

/** How consecutive row bands handle the rows their windows share (the halo). */
public enum Halo {
    /**
     * Overlapping partitioning: every band recomputes its halo rows from the segment's inputs, so bands are
     * independent and nothing is kept between them.
     */
    OVERLAP,
    /**
     * Two-phase sharing: every row of every layer is computed once; a band keeps the boundary rows of the
     * bands before it and reuses them.
     */
    TWO_PHASE;

    /** The command-line spelling: {@code overlap}, {@code two-phase}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Halo parse(String s) {
        for (Halo h : values()) {
            if (h.label().equals(s.trim().toLowerCase(Locale.ROOT).replace('_', '-'))) {
                return h;
            }
        }
        throw new IllegalArgumentException("unknown halo strategy '" + s + "'; use overlap or two-phase");
    }
}
