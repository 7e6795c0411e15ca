package io.memscope.trainer.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a residual network into its reversible counterpart, as RevNet does ResNet: every residual block whose
 * branch keeps the input's shape — a chain of convolutions, batch norms and ReLUs from the block's input x to
 * an {@code add} with x, and the ReLU after it — becomes one {@code coupling} block on x (F and G conv–ReLU–conv
 * on half the channels, with the branch's kernel); the remaining batch norms become {@code inv_batchnorm2d} and
 * the remaining ReLUs {@code leaky_relu} where reversible mode then rebuilds their inputs (elsewhere they stay). A block whose
 * branches change the shape (downsampling, a projection shortcut) is kept as it is, with the reason. The result
 * is an architecture of the same stages, widths and depth, not the same function: it trains from scratch.
 */
public final class ReversibleConversion {
    private static final Set<String> BRANCH_TYPES = Set.of("conv2d", "batchnorm2d", "inv_batchnorm2d", "relu",
            "leaky_relu");

    /**
     * The converted network, what changed and what was kept and why.
     *
     * @param network the reversible network (checked: it builds)
     * @param changes one line per change, e.g. a block turned into a coupling
     * @param kept    one line per residual block that could not be converted, with the reason
     */
    public record Result(NetworkSpec network, List<String> changes, List<String> kept) {}

    private ReversibleConversion() {}

    /** Converts; a {@link SpecException} when the network does not build or offers nothing to convert. */
    public static Result convert(NetworkSpec spec) {
        Network net = Network.build(spec);
        List<Node> nodes = net.nodes();
        Map<Integer, Block> blockAt = new HashMap<>();   // the add's index (or its trailing ReLU's) -> block
        Set<Integer> absorbed = new HashSet<>();
        Set<Integer> untouched = new HashSet<>();
        List<String> kept = new ArrayList<>();
        for (Node add : nodes) {
            if (!add.layer().type().equals("add") || add.inputs().size() != 2) {
                continue;
            }
            Block b = block(net, add);
            if (b.why != null) {
                kept.add(add.name() + ": kept as it is: " + b.why);
                untouched.addAll(b.branchNodes);
                untouched.add(add.index());
                continue;
            }
            absorbed.addAll(b.members);
            blockAt.put(b.last, b);
        }
        List<LayerSpec> out = new ArrayList<>();
        Map<String, String> renamed = new HashMap<>();
        Set<String> names = new HashSet<>();
        nodes.forEach(n -> names.add(n.name()));
        List<String> changes = new ArrayList<>();
        List<String> bns = new ArrayList<>();
        List<String> relus = new ArrayList<>();
        String previous = Network.INPUT_NAME;
        for (Node n : nodes) {
            Block b = blockAt.get(n.index());
            LayerSpec made;
            if (b != null) {
                String name = couplingName(net, b, names);
                String input = inputName(net, b.input, renamed);
                Map<String, Object> attrs = new LinkedHashMap<>();
                if (b.kernel != 3) {
                    attrs.put("kernel", b.kernel);
                }
                made = new LayerSpec(name, "coupling", List.of(input), attrs);
                renamed.put(n.name(), name);
                Shape s = n.out();
                changes.add(String.join(", ", b.memberNames(net)) + " -> coupling " + name + " (F and G: conv "
                        + b.kernel + "x" + b.kernel + ", ReLU, conv " + b.kernel + "x" + b.kernel + " on " + s.c() / 2
                        + " of " + s.c() + " channels)");
            } else if (absorbed.contains(n.index())) {
                continue;
            } else {
                List<String> inputs = n.inputs().stream().map(i -> inputName(net, i, renamed)).toList();
                LayerSpec ls = n.layer().spec().withInputs(inputs);
                if (!untouched.contains(n.index()) && ls.type().equals("batchnorm2d")) {
                    ls = new LayerSpec(ls.name(), "inv_batchnorm2d", ls.inputs(), ls.attrs());
                    bns.add(ls.name());
                } else if (!untouched.contains(n.index()) && ls.type().equals("relu")) {
                    ls = new LayerSpec(ls.name(), "leaky_relu", ls.inputs(), ls.attrs());
                    relus.add(ls.name());
                }
                made = ls;
            }
            // an input that is the layer just before is left implicit, as files write it
            if (made.inputs().size() == 1 && made.inputs().get(0).equals(previous)) {
                made = made.withInputs(List.of());
            }
            out.add(made);
            previous = made.name();
        }
        // a batch norm or ReLU made invertible that reversible mode would still not rebuild is put back
        Set<String> rebuilt = new HashSet<>(io.memscope.trainer.modes.Reversibility.of(
                Network.build(new NetworkSpec(spec.name(), spec.input(), out))).invertedLayers());
        for (int i = 0; i < out.size(); i++) {
            LayerSpec ls = out.get(i);
            if ((bns.contains(ls.name()) || relus.contains(ls.name())) && !rebuilt.contains(ls.name())) {
                out.set(i, new LayerSpec(ls.name(), bns.contains(ls.name()) ? "batchnorm2d" : "relu", ls.inputs(),
                        ls.attrs()));
            }
        }
        bns.retainAll(rebuilt);
        relus.retainAll(rebuilt);
        if (!bns.isEmpty()) {
            changes.add(bns.size() + " batchnorm2d -> inv_batchnorm2d (scale |gamma| + 0.01, input rebuilt from the "
                    + "output): " + String.join(", ", bns));
        }
        if (!relus.isEmpty()) {
            changes.add(relus.size() + " relu -> leaky_relu (slope 0.01, input rebuilt from the output): "
                    + String.join(", ", relus));
        }
        if (changes.isEmpty()) {
            throw new SpecException("", spec.name() + " has no residual block whose branch keeps its input's shape, and "
                    + "making its batch norms or ReLUs invertible would rebuild nothing (baseline frees their inputs "
                    + "after forward already): nothing to make reversible"
                    + (kept.isEmpty() ? "" : " (" + String.join("; ", kept) + ")"));
        }
        NetworkSpec converted = new NetworkSpec(spec.name() + " (reversible)", spec.input(), out);
        Network.build(converted); // throws if the conversion broke a shape: a bug, not the user's
        return new Result(converted, List.copyOf(changes), List.copyOf(kept));
    }

    /** A residual block found at an add: its input, its members, its kernel, or why it cannot convert. */
    private static final class Block {
        int input;
        int last;
        int kernel = 3;
        final List<Integer> members = new ArrayList<>();
        final List<Integer> branchNodes = new ArrayList<>();
        String why;

        List<String> memberNames(Network net) {
            return members.stream().sorted().map(i -> net.node(i).name()).toList();
        }
    }

    private static Block block(Network net, Node add) {
        Block b = new Block();
        for (int side = 0; side < 2; side++) {
            int tip = add.inputs().get(side);
            int skip = add.inputs().get(1 - side);
            List<Integer> chain = chain(net, tip, skip, add.index());
            if (chain != null) {
                b.input = skip;
                b.members.addAll(chain);
                b.members.add(add.index());
                b.last = add.index();
                List<Integer> after = net.consumers(add.index());
                if (after.size() == 1 && (net.node(after.get(0)).layer().type().equals("relu")
                        || net.node(after.get(0)).layer().type().equals("leaky_relu"))) {
                    b.members.add(after.get(0));
                    b.last = after.get(0);
                }
                for (int k : chain) {
                    if (net.node(k).layer() instanceof io.memscope.trainer.net.layers.Conv2d c) {
                        b.kernel = c.kernel();
                    }
                }
                Shape s = add.out();
                if (s.c() % 2 != 0) {
                    b.why = "its " + s.c() + " channels do not split into two halves for F and G";
                }
                if (b.kernel % 2 == 0) {
                    b.why = "its convolutions' kernel " + b.kernel + " is even; a coupling block's is odd";
                }
                return b;
            }
        }
        for (int in : add.inputs()) {
            int k = in;
            while (k != Network.DATA && BRANCH_TYPES.contains(net.node(k).layer().type())
                    && net.consumers(k).size() == 1) {
                b.branchNodes.add(k);
                k = net.node(k).inputs().get(0);
            }
        }
        String from = add.inputs().stream().map(i -> i == Network.DATA ? "the input" : net.node(i).name()).toList()
                .toString();
        Shape outShape = add.out();
        Shape source = sourceShape(net, b.branchNodes);
        b.why = source != null && !source.equals(outShape)
                ? "its branches change the block's input " + shape(source) + " into " + shape(outShape)
                        + ", and a coupling block keeps its input's shape; it keeps its activations, as RevNet's "
                        + "downsampling units do (for a fully invertible net, space_to_depth turns " + shape(source)
                        + " into " + (source.c() * 4) + "x" + (source.h() / 2) + "x" + (source.w() / 2) + " without loss)"
                : "neither of its inputs " + from + " is the block's input with the other a chain of convolutions, "
                        + "batch norms and ReLUs from it";
        return b;
    }

    /**
     * The nodes from {@code tip} back to {@code skip} when they form a branch: single-input layers of the branch
     * types, each read only by the next one (the last by the add), with at least one convolution; else null.
     */
    private static List<Integer> chain(Network net, int tip, int skip, int add) {
        List<Integer> chain = new ArrayList<>();
        int k = tip;
        int reader = add;
        boolean conv = false;
        while (k != skip) {
            if (k == Network.DATA) {
                return null;
            }
            Node n = net.node(k);
            if (!BRANCH_TYPES.contains(n.layer().type()) || n.inputs().size() != 1
                    || !net.consumers(k).equals(List.of(reader))) {
                return null;
            }
            conv |= n.layer().type().equals("conv2d");
            chain.add(k);
            reader = k;
            k = n.inputs().get(0);
        }
        return conv ? chain : null;
    }

    /** The shape entering the earliest of the branch nodes, or null. */
    private static Shape sourceShape(Network net, List<Integer> branch) {
        int first = branch.stream().mapToInt(Integer::intValue).min().orElse(-1);
        if (first < 0) {
            return null;
        }
        int in = net.node(first).inputs().get(0);
        return in == Network.DATA ? net.input() : net.node(in).out();
    }

    private static String shape(Shape s) {
        return s.c() + "x" + s.h() + "x" + s.w();
    }

    /** The block's common name prefix (layer1.1 for layer1.1.conv1 ... layer1.1.relu2), if free; else add + ".rev". */
    private static String couplingName(Network net, Block b, Set<String> names) {
        List<String> ns = b.memberNames(net);
        String prefix = ns.get(0);
        for (String n : ns) {
            while (!n.startsWith(prefix + ".") && !n.equals(prefix) && prefix.contains(".")) {
                prefix = prefix.substring(0, prefix.lastIndexOf('.'));
            }
            if (!n.startsWith(prefix)) {
                prefix = "";
            }
        }
        String name = prefix.isEmpty() || names.contains(prefix) ? net.node(b.last).name() + ".rev" : prefix;
        names.add(name);
        return name;
    }

    private static String inputName(Network net, int index, Map<String, String> renamed) {
        if (index == Network.DATA) {
            return Network.INPUT_NAME;
        }
        String n = net.node(index).name();
        return renamed.getOrDefault(n, n);
    }
}
