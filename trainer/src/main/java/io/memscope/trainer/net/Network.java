package io.memscope.trainer.net;

import io.memscope.trainer.net.layers.Layer;
import io.memscope.trainer.net.layers.Layers;
import io.memscope.trainer.net.layers.ParamDef;
import io.memscope.trainer.net.layers.SoftmaxCrossEntropy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A network built from its spec: layers with resolved inputs and inferred shapes, ending in the loss. */
public final class Network {
    /** Node index that stands for the network's input data. */
    public static final int DATA = -1;
    public static final String INPUT_NAME = "input";

    private final NetworkSpec spec;
    private final List<Node> nodes;
    private final List<List<Integer>> consumers;

    private Network(NetworkSpec spec, List<Node> nodes) {
        this.spec = spec;
        this.nodes = List.copyOf(nodes);
        List<List<Integer>> users = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            users.add(new ArrayList<>());
        }
        for (Node n : nodes) {
            for (int in : n.inputs()) {
                if (in != DATA && !users.get(in).contains(n.index())) {
                    users.get(in).add(n.index());
                }
            }
        }
        this.consumers = users.stream().map(List::copyOf).toList();
    }

    /** Loads and builds a network file; every problem names the file and the layer. */
    public static Network load(Path file) {
        NetworkSpec spec = NetworkSpec.load(file);
        try {
            return build(spec);
        } catch (SpecException e) {
            throw e.inFile(file.toString());
        }
    }

    /** Builds and checks a network; every problem is a {@link SpecException} naming the layer. */
    public static Network build(NetworkSpec spec) {
        if (spec.layers().isEmpty()) {
            throw new SpecException("", "the network has no layers");
        }
        Map<String, Integer> byName = new HashMap<>();
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < spec.layers().size(); i++) {
            var ls = spec.layers().get(i);
            if (ls.name().isBlank()) {
                throw new SpecException("layer " + (i + 1), "name must not be empty");
            }
            if (ls.name().equals(INPUT_NAME) || byName.containsKey(ls.name())) {
                throw new SpecException(ls.name(), "name '" + ls.name() + "' is used twice"
                        + (ls.name().equals(INPUT_NAME) ? " (\"input\" is the network's data)" : ""));
            }
            Layer layer = Layers.create(ls);
            List<String> inputNames = ls.inputs().isEmpty()
                    ? List.of(i == 0 ? INPUT_NAME : spec.layers().get(i - 1).name())
                    : ls.inputs();
            if (inputNames.size() < layer.minInputs() || inputNames.size() > layer.maxInputs()) {
                String want = layer.minInputs() == layer.maxInputs() ? String.valueOf(layer.minInputs())
                        : "at least " + layer.minInputs();
                throw new SpecException(ls.name(), "a " + ls.type() + " layer takes " + want + " input"
                        + (layer.minInputs() == 1 && layer.maxInputs() == 1 ? "" : "s") + ", got " + inputNames.size()
                        + " " + inputNames);
            }
            List<Integer> inputs = new ArrayList<>();
            List<Shape> shapes = new ArrayList<>();
            for (String in : inputNames) {
                if (in.equals(INPUT_NAME)) {
                    inputs.add(DATA);
                    shapes.add(spec.input());
                    continue;
                }
                Integer idx = byName.get(in);
                if (idx == null) {
                    boolean later = spec.layers().stream().anyMatch(l -> l.name().equals(in));
                    throw new SpecException(ls.name(), "input '" + in + "' " + (later
                            ? "comes later in the file; layers run in file order, so move it before " + ls.name()
                            : "is not a layer of this network"));
                }
                if (nodes.get(idx).layer().isLoss()) {
                    throw new SpecException(ls.name(), "cannot read the loss layer '" + in + "'");
                }
                inputs.add(idx);
                shapes.add(nodes.get(idx).out());
            }
            if (inputs.size() == 1 && layer.isLoss() && inputs.get(0) == DATA) {
                throw new SpecException(ls.name(), "the loss needs class scores from a layer, not the raw input");
            }
            layer.bind(shapes);
            byName.put(ls.name(), i);
            nodes.add(new Node(i, layer, List.copyOf(inputs)));
        }
        Node last = nodes.get(nodes.size() - 1);
        long losses = nodes.stream().filter(n -> n.layer().isLoss()).count();
        if (!last.layer().isLoss()) {
            throw new SpecException(last.name(), "the last layer must be the loss (softmax_cross_entropy); "
                    + "add {\"type\": \"softmax_cross_entropy\"} at the end");
        }
        if (losses > 1) {
            throw new SpecException("", "the network has " + losses + " loss layers; exactly one, at the end");
        }
        Network net = new Network(spec, nodes);
        for (Node n : nodes) {
            if (!n.layer().isLoss() && net.consumers(n.index()).isEmpty()) {
                throw new SpecException(n.name(), "its output is not used by any later layer; connect it or remove it");
            }
        }
        return net;
    }

    public NetworkSpec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    public Shape input() {
        return spec.input();
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Node node(int index) {
        return nodes.get(index);
    }

    /** Nodes that read node {@code index}'s output, in execution order. */
    public List<Integer> consumers(int index) {
        return consumers.get(index);
    }

    /** The data nodes read directly: indices of nodes whose inputs include {@link #DATA}. */
    public List<Integer> dataConsumers() {
        return nodes.stream().filter(n -> n.inputs().contains(DATA)).map(Node::index).toList();
    }

    public Node loss() {
        return nodes.get(nodes.size() - 1);
    }

    public int classes() {
        return ((SoftmaxCrossEntropy) loss().layer()).classes();
    }

    public long parameterCount() {
        long total = 0;
        for (Node n : nodes) {
            for (ParamDef p : n.layer().params()) {
                if (p.trainable()) {
                    total += p.dims().elements();
                }
            }
        }
        return total;
    }

    public long flopsPerSample() {
        return nodes.stream().mapToLong(n -> n.layer().flopsPerSample()).sum();
    }

    /** Follows views (flatten) back to the node whose memory an output lives in; DATA stays DATA. */
    public int storageOf(int index) {
        int i = index;
        while (i != DATA && nodes.get(i).layer().isView()) {
            i = nodes.get(i).inputs().get(0);
        }
        return i;
    }
}
