package io.memscope.trainer.net;

import io.memscope.trainer.net.layers.ParamDef;
import io.memscope.trainer.net.layers.SoftmaxCrossEntropy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A network built from its spec: layers with resolved inputs and inferred shapes, ending in the loss. */
public final class Network {
    /** Node index that stands for the network's input data. */
    public static final int DATA = -1;
    public static final String INPUT_NAME = "input";

    private final NetworkSpec spec;
    private final List<Node> nodes;
    private final List<List<Integer>> consumers;

    Network(NetworkSpec spec, List<Node> nodes) {
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

    /** Builds and checks a network; the first problem is thrown, a {@link SpecException} naming the layer. */
    public static Network build(NetworkSpec spec) {
        NetworkCheck check = NetworkCheck.of(spec);
        if (check.firstProblem().isPresent()) {
            throw check.firstProblem().get();
        }
        return check.network();
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
