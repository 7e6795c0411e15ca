package io.memscope.app.editor;

import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.NetworkSpec;
import io.memscope.trainer.net.Shape;
import io.memscope.trainer.net.layers.LayerFields;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The edits the network editor offers, as pure functions from one {@link NetworkSpec} to the next. Nothing here
 * checks whether the result builds: the editor shows the engine's verdict on every state, broken ones too.
 */
public final class NetworkEdits {
    /** Short names for new layers, by type: {@code conv3}, {@code bn2}, {@code fc1}. */
    private static final Map<String, String> NAME_STEMS = Map.ofEntries(
            Map.entry("conv2d", "conv"), Map.entry("batchnorm2d", "bn"), Map.entry("relu", "relu"),
            Map.entry("leaky_relu", "lrelu"), Map.entry("maxpool2d", "pool"), Map.entry("avgpool2d", "avgpool"),
            Map.entry("global_avgpool", "gap"), Map.entry("flatten", "flatten"), Map.entry("linear", "fc"),
            Map.entry("dropout", "drop"), Map.entry("add", "add"), Map.entry("concat", "cat"),
            Map.entry("softmax_cross_entropy", "loss"));

    private NetworkEdits() {}

    /** A small network that builds, for File ▸ New: the shape of a first CNN a class would write. */
    public static NetworkSpec starter() {
        List<LayerSpec> layers = new ArrayList<>();
        layers.add(layer("conv1", "conv2d", Map.of("out_channels", 8.0, "kernel", 3.0, "padding", 1.0)));
        layers.add(layer("relu1", "relu", Map.of()));
        layers.add(layer("pool1", "maxpool2d", Map.of("kernel", 2.0)));
        layers.add(layer("flatten", "flatten", Map.of()));
        layers.add(layer("fc1", "linear", Map.of("out_features", 10.0)));
        layers.add(layer("loss", "softmax_cross_entropy", Map.of()));
        return new NetworkSpec("untitled", new Shape(1, 28, 28), layers);
    }

    private static LayerSpec layer(String name, String type, Map<String, Object> attrs) {
        return new LayerSpec(name, type, List.of(), new java.util.TreeMap<>(attrs));
    }

    /** A name for a new layer of {@code type} that no layer of {@code spec} has yet. */
    public static String freshName(NetworkSpec spec, String type) {
        Set<String> used = names(spec);
        String stem = NAME_STEMS.getOrDefault(type, type);
        if (type.equals("softmax_cross_entropy") && !used.contains(stem)) {
            return stem;
        }
        for (int i = 1; ; i++) {
            if (!used.contains(stem + i)) {
                return stem + i;
            }
        }
    }

    /**
     * The index a new layer goes to when {@code selected} is selected (-1 for none): right after the selection,
     * but never behind the loss, which must stay last.
     */
    public static int insertionPoint(NetworkSpec spec, int selected) {
        int n = spec.layers().size();
        int at = selected < 0 || selected >= n ? n : selected + 1;
        if (at > 0 && at == n && spec.layers().get(n - 1).type().equals("softmax_cross_entropy")) {
            at = n - 1;
        }
        return at;
    }

    /** Inserts a new layer of {@code type} with its starter values at {@code index}. */
    public static NetworkSpec insert(NetworkSpec spec, int index, String type) {
        LayerFields.Type t = LayerFields.of(type);
        if (t == null) {
            throw new IllegalArgumentException("unknown layer type '" + type + "'");
        }
        List<LayerSpec> layers = new ArrayList<>(spec.layers());
        layers.add(index, new LayerSpec(freshName(spec, type), type, List.of(), t.starterValues()));
        return with(spec, layers);
    }

    /**
     * Removes the layer at {@code index}. Layers that read it by name read what it read instead, so removing
     * an activation between a convolution and a residual add keeps the add connected.
     */
    public static NetworkSpec remove(NetworkSpec spec, int index) {
        LayerSpec gone = spec.layers().get(index);
        List<String> replacement = gone.inputs().isEmpty()
                ? List.of(index == 0 ? Network.INPUT_NAME : spec.layers().get(index - 1).name())
                : gone.inputs();
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < spec.layers().size(); i++) {
            if (i == index) {
                continue;
            }
            LayerSpec l = spec.layers().get(i);
            if (l.inputs().contains(gone.name())) {
                List<String> ins = new ArrayList<>();
                for (String in : l.inputs()) {
                    if (in.equals(gone.name())) {
                        replacement.stream().filter(r -> !ins.contains(r)).forEach(ins::add);
                    } else if (!ins.contains(in)) {
                        ins.add(in);
                    }
                }
                l = l.withInputs(ins);
            }
            layers.add(l);
        }
        return with(spec, layers);
    }

    /** Moves the layer at {@code from} to position {@code to}; the layers between shift by one. */
    public static NetworkSpec move(NetworkSpec spec, int from, int to) {
        int n = spec.layers().size();
        if (from < 0 || from >= n || to < 0 || to >= n || from == to) {
            return spec;
        }
        List<LayerSpec> layers = new ArrayList<>(spec.layers());
        layers.add(to, layers.remove(from));
        return with(spec, layers);
    }

    /**
     * Why {@code name} cannot be the new name of the layer at {@code index}, or null when it can.
     */
    public static String nameProblem(NetworkSpec spec, int index, String name) {
        String n = name == null ? "" : name.trim();
        if (n.isEmpty()) {
            return "a layer needs a name";
        }
        if (n.equals(Network.INPUT_NAME)) {
            return "\"input\" is the network's data; choose another name";
        }
        for (int i = 0; i < spec.layers().size(); i++) {
            if (i != index && spec.layers().get(i).name().equals(n)) {
                return "layer " + (i + 1) + " is already called '" + n + "'";
            }
        }
        return null;
    }

    /** Renames a layer and every reference to it. */
    public static NetworkSpec rename(NetworkSpec spec, int index, String name) {
        String problem = nameProblem(spec, index, name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        String old = spec.layers().get(index).name();
        String n = name.trim();
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerSpec l = spec.layers().get(i);
            if (i == index) {
                l = l.withName(n);
            }
            if (l.inputs().contains(old)) {
                l = l.withInputs(l.inputs().stream().map(in -> in.equals(old) ? n : in).toList());
            }
            layers.add(l);
        }
        return with(spec, layers);
    }

    /** Sets one field; null restores its default. */
    public static NetworkSpec setField(NetworkSpec spec, int index, String key, Object value) {
        List<LayerSpec> layers = new ArrayList<>(spec.layers());
        layers.set(index, layers.get(index).with(key, value));
        return with(spec, layers);
    }

    /**
     * Sets the inputs a layer reads; an empty list, or just the previous layer, means "the previous layer" and
     * is written as no {@code inputs} at all, the way hand-written files say it.
     */
    public static NetworkSpec setInputs(NetworkSpec spec, int index, List<String> inputs) {
        String previous = index == 0 ? Network.INPUT_NAME : spec.layers().get(index - 1).name();
        List<String> ins = inputs.size() == 1 && inputs.get(0).equals(previous) ? List.of() : List.copyOf(inputs);
        List<LayerSpec> layers = new ArrayList<>(spec.layers());
        layers.set(index, layers.get(index).withInputs(ins));
        return with(spec, layers);
    }

    /** The names a layer may read: the input and every layer before it, in file order. */
    public static List<String> readable(NetworkSpec spec, int index) {
        List<String> names = new ArrayList<>();
        names.add(Network.INPUT_NAME);
        for (int i = 0; i < index; i++) {
            names.add(spec.layers().get(i).name());
        }
        return names;
    }

    public static NetworkSpec rename(NetworkSpec spec, String networkName) {
        return new NetworkSpec(networkName, spec.input(), spec.layers());
    }

    public static NetworkSpec setInput(NetworkSpec spec, Shape input) {
        return new NetworkSpec(spec.name(), input, spec.layers());
    }

    private static NetworkSpec with(NetworkSpec spec, List<LayerSpec> layers) {
        return new NetworkSpec(spec.name(), spec.input(), layers);
    }

    private static Set<String> names(NetworkSpec spec) {
        Set<String> used = new HashSet<>();
        spec.layers().forEach(l -> used.add(l.name()));
        used.add(Network.INPUT_NAME);
        return used;
    }
}
