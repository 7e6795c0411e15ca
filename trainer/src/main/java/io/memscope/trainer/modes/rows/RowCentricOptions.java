package io.memscope.trainer.modes.rows;

import io.memscope.trainer.modes.ModeSetting;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

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

    /** What {@link #parse} reads, described for help texts and forms. */
    public static final List<ModeSetting> SETTINGS = List.of(
            new ModeSetting("halo", "Halo", "how bands share their boundary rows: overlap recomputes them, two-phase keeps"
                    + " them from the previous band", List.of("overlap", "two-phase"), "overlap"),
            new ModeSetting("bands", "Bands", "row bands per segment, forward and backward: a count (8), a height"
                    + " (rows:16), or auto: the coarsest that fits the budget", List.of(), "4"),
            new ModeSetting("bwd-bands", "Backward bands", "bands for the backward pass only, when it should differ:"
                    + " a count or rows:R", List.of(), "as forward"),
            new ModeSetting("cuts", "Cuts", "where the trunk splits into segments besides batch norm and dropout",
                    List.of("downsampling", "none"), "downsampling"),
            new ModeSetting("layer-bands", "Layer bands", "a new segment with its own bands from a layer on:"
                    + " LAYER=SPEC[,LAYER=SPEC...], SPEC a count, rows:R or FWD/BWD", List.of(), "none"));

    /** The keys {@link #parse} reads. */
    public static final List<String> KEYS = SETTINGS.stream().map(ModeSetting::key).toList();

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
        Map<String, String> spelled = new LinkedHashMap<>();
        args.forEach((k, v) -> {
            String key = k.replaceFirst("^-+", "");
            a.put(key, v);
            spelled.put(key, k);
        });
        RowCentricOptions o = DEFAULT;
        if (a.containsKey("halo")) {
            o = o.withHalo(read(spelled.get("halo"), a.get("halo"), Halo::parse));
        }
        if (a.containsKey("bands")) {
            Bands b = read(spelled.get("bands"), a.get("bands"), Bands::parse);
            o = o.withBands(b, b);
        }
        if (a.containsKey("bwd-bands")) {
            o = o.withBands(o.forward(), read(spelled.get("bwd-bands"), a.get("bwd-bands"), Bands::parse));
        }
        if (a.containsKey("cuts")) {
            o = o.withCuts(read(spelled.get("cuts"), a.get("cuts"), Cuts::parse));
        }
        if (a.containsKey("layer-bands")) {
            for (String item : a.get("layer-bands").split(",")) {
                int eq = item.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(spelled.get("layer-bands") + " takes LAYER=BANDS items, e.g. "
                            + "conv3_1=8 or conv1=rows:4/rows:2; got '" + item + "'");
                }
                String layer = item.substring(0, eq).trim();
                LayerBands lb = read(spelled.get("layer-bands") + " " + layer, item.substring(eq + 1),
                        LayerBands::parse);
                o = o.withLayer(layer, lb.forward(), lb.backward());
            }
        }
        return o;
    }

    /** Parses one setting's value; a message about a bad value starts with the setting, as it was spelled. */
    private static <T> T read(String setting, String value, Function<String, T> parse) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
        }
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
