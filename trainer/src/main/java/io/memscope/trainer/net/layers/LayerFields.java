package io.memscope.trainer.net.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The fields each layer type reads from its JSON object, with their kinds, defaults and meaning. Layers accept
 * exactly these fields ({@link io.memscope.trainer.net.LayerSpec#allowOnly}), so the schema an editor shows and
 * the rules the engine applies cannot drift apart.
 */
public final class LayerFields {
    /** What a field holds. */
    public enum Kind { WHOLE_NUMBER, NUMBER, FLAG }

    /**
     * One field of a layer type.
     *
     * @param key         the JSON key
     * @param kind        what it holds
     * @param required    whether the layer needs it (no default)
     * @param defaultText the default as a user reads it, e.g. {@code "1"} or {@code "same as kernel"}; empty when required
     * @param starter     the value a newly added layer gets, or null to leave the field at its default
     * @param help        one sentence for a tooltip
     */
    public record Field(String key, Kind kind, boolean required, String defaultText, Object starter, String help) {}

    /** A layer type: its one-line description and its fields. */
    public record Type(String name, String description, List<Field> fields) {
        public Set<String> keys() {
            return fields.stream().map(Field::key).collect(Collectors.toUnmodifiableSet());
        }

        /** Field values for a newly added layer of this type: required fields and a few useful settings. */
        public Map<String, Object> starterValues() {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Field f : fields) {
                if (f.starter() != null) {
                    m.put(f.key(), f.starter());
                }
            }
            return m;
        }
    }

    private static final Map<String, Type> TYPES = new LinkedHashMap<>();

    static {
        add("conv2d", "2-D convolution, square kernel",
                required("out_channels", 16, "output channels (filters)"),
                required("kernel", 3, "kernel size in rows and columns"),
                whole("stride", "1", null, "step between windows"),
                whole("padding", "0", 1, "zero rows and columns added on each side"),
                flag("bias", "true", "adds a learned bias per output channel"));
        add("batchnorm2d", "batch normalization over each channel",
                number("eps", "1e-5", "added to the variance for stability"),
                number("momentum", "0.1", "weight of the new batch in the running statistics"));
        add("inv_batchnorm2d", "invertible batch norm: scale |gamma| + scale_eps, rebuilt from its output in reversible mode",
                number("eps", "1e-5", "added to the variance for stability"),
                number("momentum", "0.1", "weight of the new batch in the running statistics"),
                number("scale_eps", "0.01", "added to |gamma| so the scale is never 0, in (0, 1]"));
        add("relu", "rectified linear unit, max(x, 0)");
        add("leaky_relu", "leaky ReLU: x, or slope·x below zero",
                number("negative_slope", "0.01", "slope for negative inputs, in [0, 1)"));
        add("maxpool2d", "maximum over each window", poolFields());
        add("avgpool2d", "average over each window (padding counts as zeros)", poolFields());
        add("global_avgpool", "average of each whole channel, to 1×1");
        add("space_to_depth", "invertible downsampling: each block×block square of pixels becomes channels",
                whole("block", "2", null, "side of the squares; height and width must be multiples of it"));
        add("flatten", "features as one vector (no copy)");
        add("linear", "fully connected layer",
                required("out_features", 10, "output features (classes, for the last one)"),
                flag("bias", "true", "adds a learned bias per output feature"));
        add("dropout", "zeroes inputs at random while training",
                number("p", "0.5", "probability of dropping an element, in [0, 1)"));
        add("add", "element-wise sum of two inputs of the same shape (residual connection)");
        add("concat", "joins two or more inputs along the channels");
        add("coupling", "reversible block: y1 = x1 + F(x2), y2 = x2 + G(y1), F and G conv-ReLU-conv",
                whole("hidden", "half the input channels", null, "channels inside F and G"),
                whole("kernel", "3", null, "kernel size of F's and G's convolutions, odd"));
        add("softmax_cross_entropy", "the loss: softmax of the class scores against the labels");
    }

    private LayerFields() {}

    private static Field[] poolFields() {
        return new Field[] {
            required("kernel", 2, "window size in rows and columns"),
            whole("stride", "same as kernel", null, "step between windows"),
            whole("padding", "0", null, "rows and columns added on each side, at most half the kernel"),
        };
    }

    private static void add(String name, String description, Field... fields) {
        TYPES.put(name, new Type(name, description, List.of(fields)));
    }

    private static Field required(String key, int starter, String help) {
        return new Field(key, Kind.WHOLE_NUMBER, true, "", starter, help);
    }

    private static Field whole(String key, String defaultText, Integer starter, String help) {
        return new Field(key, Kind.WHOLE_NUMBER, false, defaultText, starter, help);
    }

    private static Field number(String key, String defaultText, String help) {
        return new Field(key, Kind.NUMBER, false, defaultText, null, help);
    }

    private static Field flag(String key, String defaultText, String help) {
        return new Field(key, Kind.FLAG, false, defaultText, null, help);
    }

    /** Every layer type, in the order of {@link Layers#types()}. */
    public static List<Type> all() {
        return List.copyOf(TYPES.values());
    }

    /** The schema of a type, or null for an unknown type. */
    public static Type of(String type) {
        return TYPES.get(type);
    }

    /** The keys a layer of this type accepts; none for an unknown type. */
    public static Set<String> keys(String type) {
        Type t = TYPES.get(type);
        return t == null ? Set.of() : t.keys();
    }
}
