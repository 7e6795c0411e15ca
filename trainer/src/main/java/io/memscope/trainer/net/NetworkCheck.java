package io.memscope.trainer.net;

import io.memscope.trainer.net.layers.Layer;
import io.memscope.trainer.net.layers.Layers;
import io.memscope.trainer.net.layers.ParamDef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A network description checked layer by layer. Where {@link Network#build} stops at the first problem, a check
 * goes on: every layer gets its output shape, parameters and FLOPs, or the problem that stops it, or the name of
 * the broken layer it waits for. An editor shows this while the user types; {@link Network#build} is the same
 * check, throwing its first problem.
 */
public final class NetworkCheck {
    /**
     * What one layer comes to.
     *
     * @param index    position in the file
     * @param spec     the layer as written
     * @param inputs   the names it reads, the implicit previous layer spelled out
     * @param layer    the layer, bound to its input shapes when {@code out} is known; null when it cannot be made
     * @param out      its output shape, or null when the layer cannot be built or waits for another layer
     * @param problem  what is wrong with this layer (the engine's message, naming the layer), or null
     * @param waitsFor the earlier layer whose problem keeps this one from being checked, or null
     */
    public record LayerResult(int index, LayerSpec spec, List<String> inputs, Layer layer, Shape out, String problem,
                              String waitsFor) {
        /** True when the layer builds and breaks no rule of the network as a whole. */
        public boolean isValid() {
            return out != null && problem == null;
        }

        /** True when the output shape is known (the layer itself builds). */
        public boolean isBound() {
            return out != null;
        }

        /** Trainable parameters (elements); 0 when unknown. */
        public long parameters() {
            if (!isBound()) {
                return 0;
            }
            long n = 0;
            for (ParamDef p : layer.params()) {
                if (p.trainable()) {
                    n += p.dims().elements();
                }
            }
            return n;
        }

        /** Forward FLOPs for one sample; 0 when unknown. */
        public long flopsPerSample() {
            return isBound() ? layer.flopsPerSample() : 0;
        }

        /** Bytes of this layer's output for a batch of {@code n} (float32); 0 for views and when unknown. */
        public long outputBytes(int n) {
            return isBound() && !layer.isView() ? 4L * n * out.elements() : 0;
        }
    }

    private final NetworkSpec spec;
    private final List<LayerResult> layers;
    private final List<SpecException> problems;
    private final Network network;

    private NetworkCheck(NetworkSpec spec, List<LayerResult> layers, List<SpecException> problems, Network network) {
        this.spec = spec;
        this.layers = List.copyOf(layers);
        this.problems = List.copyOf(problems);
        this.network = network;
    }

    public static NetworkCheck of(NetworkSpec spec) {
        return new Checker(spec).run();
    }

    public NetworkSpec spec() {
        return spec;
    }

    /** One result per layer of the spec, in file order. */
    public List<LayerResult> layers() {
        return layers;
    }

    /** Every problem found, in the order {@link Network#build} would meet them. */
    public List<SpecException> problems() {
        return problems;
    }

    public Optional<SpecException> firstProblem() {
        return problems.isEmpty() ? Optional.empty() : Optional.of(problems.get(0));
    }

    /** The first problem's message, or empty when the network builds. */
    public String problem() {
        return problems.isEmpty() ? "" : problems.get(0).getMessage();
    }

    /** Problems that belong to the network as a whole rather than to one layer. */
    public List<String> networkProblems() {
        return problems.stream().filter(p -> p.layer().isEmpty() || p.layer().equals("input"))
                .map(SpecException::getMessage).toList();
    }

    /** The built network, or null while there is a problem. */
    public Network network() {
        return network;
    }

    public boolean isValid() {
        return network != null;
    }

    /** The walk over the layers; one instance per check. */
    private static final class Checker {
        private final NetworkSpec spec;
        private final List<LayerResult> results = new ArrayList<>();
        private final List<SpecException> problems = new ArrayList<>();
        private final Map<String, Integer> byName = new HashMap<>();
        private final List<List<Integer>> inputIndices = new ArrayList<>();
        /** The input is more than one sample may hold: layers that read it wait for it instead. */
        private boolean inputTooLarge;

        Checker(NetworkSpec spec) {
            this.spec = spec;
        }

        NetworkCheck run() {
            Shape in = spec.input();
            checkInput("channels", in.c());
            checkInput("height", in.h());
            checkInput("width", in.w());
            String tooLarge = Shape.tooLarge(in.c(), in.h(), in.w());
            if (tooLarge != null) {
                problems.add(new SpecException("input", tooLarge + ": make the input smaller"));
                inputTooLarge = true;
            }
            if (spec.layers().isEmpty()) {
                problems.add(new SpecException("", "the network has no layers"));
            }
            for (int i = 0; i < spec.layers().size(); i++) {
                results.add(checkLayer(i));
            }
            checkWhole();
            Network network = null;
            if (problems.isEmpty() && results.stream().allMatch(LayerResult::isValid)) {
                List<Node> nodes = new ArrayList<>();
                for (LayerResult r : results) {
                    nodes.add(new Node(r.index(), r.layer(), List.copyOf(inputIndices.get(r.index()))));
                }
                network = new Network(spec, nodes);
            }
            return new NetworkCheck(spec, results, problems, network);
        }

        private void checkInput(String what, int value) {
            if (value < 1) {
                problems.add(new SpecException("input", what + " must be at least 1, got " + value));
            }
        }

        private LayerResult checkLayer(int i) {
            LayerSpec ls = spec.layers().get(i);
            List<String> inputNames = ls.inputs().isEmpty()
                    ? List.of(i == 0 ? Network.INPUT_NAME : spec.layers().get(i - 1).name())
                    : ls.inputs();
            List<Integer> indices = new ArrayList<>();
            inputIndices.add(indices);
            if (ls.name().isBlank()) {
                return failed(i, ls, inputNames, null, new SpecException("layer " + (i + 1), "name must not be empty"));
            }
            if (ls.name().equals(Network.INPUT_NAME) || byName.containsKey(ls.name())) {
                return failed(i, ls, inputNames, null, new SpecException(ls.name(), "name '" + ls.name()
                        + "' is used twice" + (ls.name().equals(Network.INPUT_NAME) ? " (\"input\" is the network's data)" : "")));
            }
            byName.put(ls.name(), i);
            Layer layer;
            try {
                layer = Layers.create(ls);
            } catch (SpecException e) {
                return failed(i, ls, inputNames, null, e);
            }
            if (inputNames.size() < layer.minInputs() || inputNames.size() > layer.maxInputs()) {
                String want = layer.minInputs() == layer.maxInputs() ? String.valueOf(layer.minInputs())
                        : "at least " + layer.minInputs();
                return failed(i, ls, inputNames, layer, new SpecException(ls.name(), LayerSpec.aLayer(ls.type()) + " takes "
                        + want + " input" + (layer.minInputs() == 1 && layer.maxInputs() == 1 ? "" : "s") + ", got "
                        + inputNames.size() + " " + inputNames));
            }
            List<Shape> shapes = new ArrayList<>();
            String waitsFor = null;
            for (String name : inputNames) {
                if (name.equals(Network.INPUT_NAME)) {
                    indices.add(Network.DATA);
                    if (inputTooLarge) {
                        waitsFor = waitsFor != null ? waitsFor : Network.INPUT_NAME;
                    } else {
                        shapes.add(spec.input());
                    }
                    continue;
                }
                if (name.equals(ls.name())) {
                    return failed(i, ls, inputNames, layer, new SpecException(ls.name(), "\"inputs\" names " + name
                            + " itself; a layer reads the outputs of earlier layers (or \"input\", the data)"));
                }
                Integer idx = byName.get(name);
                if (idx == null) {
                    boolean later = spec.layers().stream().anyMatch(l -> l.name().equals(name));
                    return failed(i, ls, inputNames, layer, new SpecException(ls.name(), "input '" + name + "' "
                            + (later ? "comes later in the file; layers run in file order, so move it before " + ls.name()
                            : "is not a layer of this network")));
                }
                indices.add(idx);
                LayerResult source = results.get(idx);
                if (source.layer() != null && source.layer().isLoss()) {
                    return failed(i, ls, inputNames, layer, new SpecException(ls.name(), "cannot read the loss layer '"
                            + name + "'"));
                }
                if (!source.isBound()) {
                    waitsFor = waitsFor != null ? waitsFor : source.waitsFor() != null ? source.waitsFor() : name;
                    continue;
                }
                shapes.add(source.out());
            }
            if (indices.size() == 1 && layer.isLoss() && indices.get(0) == Network.DATA) {
                return failed(i, ls, inputNames, layer, new SpecException(ls.name(),
                        "the loss needs class scores from a layer, not the raw input"));
            }
            if (waitsFor != null) {
                return new LayerResult(i, ls, inputNames, layer, null, null, waitsFor);
            }
            try {
                return new LayerResult(i, ls, inputNames, layer, layer.bind(shapes), null, null);
            } catch (SpecException e) {
                return failed(i, ls, inputNames, layer, e);
            }
        }

        private LayerResult failed(int i, LayerSpec ls, List<String> inputs, Layer layer, SpecException e) {
            problems.add(e);
            return new LayerResult(i, ls, inputs, layer, null, e.getMessage(), null);
        }

        /** The rules about the network as a whole: one loss, at the end, and every output read by someone. */
        private void checkWhole() {
            if (results.isEmpty()) {
                return;
            }
            LayerResult last = results.get(results.size() - 1);
            if (last.layer() != null && !last.layer().isLoss()) {
                mark(last.index(), new SpecException(last.spec().name(), "the last layer must be the loss "
                        + "(softmax_cross_entropy); add {\"type\": \"softmax_cross_entropy\"} at the end"));
            }
            long losses = results.stream().filter(r -> r.layer() != null && r.layer().isLoss()).count();
            if (losses > 1) {
                problems.add(new SpecException("", "the network has " + losses + " loss layers; exactly one, at the end"));
            }
            Set<Integer> read = new LinkedHashSet<>();
            inputIndices.forEach(read::addAll);
            for (LayerResult r : results) {
                boolean loss = r.layer() != null && r.layer().isLoss();
                if (!loss && !read.contains(r.index()) && r.problem() == null) {
                    mark(r.index(), new SpecException(r.spec().name(),
                            "its output is not used by any later layer; connect it or remove it"));
                }
            }
        }

        /** Records a problem found after the walk on a layer that had none. */
        private void mark(int index, SpecException e) {
            problems.add(e);
            LayerResult r = results.get(index);
            if (r.problem() == null) {
                results.set(index, new LayerResult(r.index(), r.spec(), r.inputs(), r.layer(), r.out(), e.getMessage(),
                        null));
            }
        }
    }
}
