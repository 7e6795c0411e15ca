package io.memscope.trainer.modes.rows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The user's choices for the row-centric mode.
 *
 * @param halo     overlapping partitioning or two-phase sharing
 * @param forward  granularity of the forward pass
 * @param backward granularity of the backward pass (its recomputation included)
 * @param cuts     where the trunk is cut into segments besides batch norm and dropout
 * @param layers   per-layer choices: the named layer starts a new segment with its own granularity
 */
public record RowCentricOptions(Halo halo, Bands forward, Bands backward, Cuts cuts, Map<String, LayerBands> layers) {

    /** Where segments end, besides the layers that need whole maps (batch norm, dropout). */
    public enum Cuts {
        /** Bands go through the whole trunk. */
        NONE,
        /**
         * A new segment after every downsampling layer (pooling, strided convolution): the smaller map between
         * them is kept whole, and halos stop growing at every resolution.
         */
        DOWNSAMPLING;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Cuts parse(String s) {
            for (Cuts c : values()) {
                if (c.label().equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return c;
                }
            }
            throw new IllegalArgumentException("unknown cut policy '" + s + "'; use none or downsampling");
        }
    }

    /** A layer's own granularity, forward and backward. */
    public record LayerBands(Bands forward, Bands backward) {
        /** Parses {@code 8}, {@code rows:4}, or {@code FWD/BWD} such as {@code 4/8}. */
        public static LayerBands parse(String s) {
            int slash = s.indexOf('/');
            return slash < 0 ? new LayerBands(Bands.parse(s), Bands.parse(s))
                    : new LayerBands(Bands.parse(s.substring(0, slash)), Bands.parse(s.substring(slash + 1)));
        }

        @Override
        public String toString() {
            return forward.equals(backward) ? forward.toString() : forward + "/" + backward;
        }
    }

    /**
     * Overlapping bands, 4 forward and backward, a new segment after every downsampling layer: the choice that
     * saves the most across the sample networks without tuning (see docs/ROW_CENTRIC.md).
     */
    public static final RowCentricOptions DEFAULT = new RowCentricOptions(Halo.OVERLAP, Bands.count(4),
            Bands.count(4), Cuts.DOWNSAMPLING, Map.of());

    public RowCentricOptions {
        if (halo == null || forward == null || backward == null || cuts == null) {
            throw new IllegalArgumentException("row-centric options need a halo strategy, bands and a cut policy");
        }
        layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
    }

    public RowCentricOptions withHalo(Halo h) {
        return new RowCentricOptions(h, forward, backward, cuts, layers);
    }

    /** The same band count forward and backward. */
    public RowCentricOptions withBands(int bands) {
        return withBands(Bands.count(bands), Bands.count(bands));
    }

    public RowCentricOptions withBands(Bands fwd, Bands bwd) {
        return new RowCentricOptions(halo, fwd, bwd, cuts, layers);
    }

    public RowCentricOptions withCuts(Cuts c) {
        return new RowCentricOptions(halo, forward, backward, c, layers);
    }

    /** Starts a new segment at {@code layer} with its own granularity. */
    public RowCentricOptions withLayer(String layer, Bands fwd, Bands bwd) {
        Map<String, LayerBands> m = new LinkedHashMap<>(layers);
        m.put(layer, new LayerBands(fwd, bwd));
        return new RowCentricOptions(halo, forward, backward, cuts, m);
    }

    /**
     * Reads the mode's options from command-line style pairs (keys with or without leading dashes); other keys
     * are left to their owners. {@code halo} = overlap | two-phase; {@code bands} = N or rows:R (both passes);
     * {@code bwd-bands} = N or rows:R (backward only); {@code cuts} = none | downsampling;
     * {@code layer-bands} = LAYER=SPEC[,LAYER=SPEC...] with SPEC as in bands, or FWD/BWD.
     */
    public static RowCentricOptions parse(Map<String, String> args) {
        Map<String, String> a = new LinkedHashMap<>();
        args.forEach((k, v) -> a.put(k.replaceFirst("^-+", ""), v));
        RowCentricOptions o = DEFAULT;
        if (a.containsKey("halo")) {
            o = o.withHalo(Halo.parse(a.get("halo")));
        }
        if (a.containsKey("bands")) {
            Bands b = Bands.parse(a.get("bands"));
            o = o.withBands(b, b);
        }
        if (a.containsKey("bwd-bands")) {
            o = o.withBands(o.forward(), Bands.parse(a.get("bwd-bands")));
        }
        if (a.containsKey("cuts")) {
            o = o.withCuts(Cuts.parse(a.get("cuts")));
        }
        if (a.containsKey("layer-bands")) {
            for (String item : a.get("layer-bands").split(",")) {
                int eq = item.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("layer-bands takes LAYER=BANDS items, e.g. conv3_1=8 or "
                            + "conv1=rows:4/rows:2; got '" + item + "'");
                }
                LayerBands lb = LayerBands.parse(item.substring(eq + 1));
                o = o.withLayer(item.substring(0, eq).trim(), lb.forward(), lb.backward());
            }
        }
        return o;
    }

    /** One line for logs and reports, e.g. {@code two-phase, 4 bands (backward 8), cuts none}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        parts.add(halo.label());
        String fwd = forward.byHeight() ? "bands of " + forward.rows() + " rows"
                : forward.count() + (forward.count() == 1 ? " band" : " bands");
        parts.add(forward.equals(backward) ? fwd : fwd + " (backward " + backward + ")");
        parts.add("cuts " + cuts.label());
        if (!layers.isEmpty()) {
            List<String> l = new ArrayList<>();
            layers.forEach((k, v) -> l.add(k + "=" + v));
            parts.add("layers " + String.join(",", l));
        }
        return String.join(", ", parts);
    }
}
