package io.memscope.trainer.modes;

import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.Node;
import io.memscope.trainer.net.layers.Layer;
import io.memscope.trainer.net.layers.ParamDef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which layers of a network reversible mode inverts — frees the input once the output exists, rebuilds it from
 * the output in backward — and, for every other layer, why not. A layer is inverted when it is invertible, its
 * input is a layer's own output (not the data, not a view) read by it alone, and inverting it saves memory: the
 * layer's backward reads its input or tensors its inverse rebuilds (a coupling block's), or the producer's
 * backward reads its output, or the producer is inverted too and needs it to rebuild its own input. The other layers keep what baseline keeps (the hybrid of the paper).
 */
public final class Reversibility {
    /** One layer: whether it is inverted, and if not, why not. */
    public record Entry(int node, String layer, String type, boolean inverted, String reason) {}

    private final Network net;
    private final List<Entry> entries;

    private Reversibility(Network net, List<Entry> entries) {
        this.net = net;
        this.entries = List.copyOf(entries);
    }

    public static Reversibility of(Network net) {
        boolean[] inverted = new boolean[net.nodes().size()];
        List<Entry> entries = new ArrayList<>();
        for (Node c : net.nodes()) {
            Layer l = c.layer();
            if (l.isView()) {
                continue;
            }
            String why = reason(net, c, inverted);
            inverted[c.index()] = why == null;
            entries.add(new Entry(c.index(), c.name(), l.type(), why == null, why == null ? "" : why));
        }
        return new Reversibility(net, entries);
    }

    /** Null when node c is inverted, else why not; {@code inverted} holds the verdicts of earlier nodes. */
    private static String reason(Network net, Node c, boolean[] inverted) {
        Layer l = c.layer();
        if (l.isLoss()) {
            return "the loss";
        }
        if (!l.invertible()) {
            return l.whyNotInvertible();
        }
        if (c.inputs().size() != 1) {
            return "takes " + c.inputs().size() + " inputs";
        }
        int in = c.inputs().get(0);
        if (in == Network.DATA) {
            return "its input is the data, which is never rebuilt (freed as soon as nothing reads it, as in baseline)";
        }
        if (net.storageOf(in) != in) {
            return "its input is a view (" + net.node(in).layer().type() + ") of " + net.node(net.storageOf(in)).name();
        }
        if (net.consumers(in).size() != 1) {
            List<String> others = net.consumers(in).stream().filter(k -> k != c.index()).map(k -> net.node(k).name())
                    .toList();
            return "its input " + net.node(in).name() + " is also read by " + String.join(", ", others);
        }
        if (!runsBackward(net, c)) {
            return "it runs no backward";
        }
        Layer producer = net.node(in).layer();
        boolean rebuildsSaved = false;
        for (int i = 0; i < l.saved(1).size(); i++) {
            rebuildsSaved |= l.inverseRebuildsSaved(i);
        }
        if (!l.backwardReadsInput(0) && !rebuildsSaved && !producer.backwardReadsOutput() && !inverted[in]) {
            return "backward does not need its input " + net.node(in).name() + ", which baseline frees after forward too";
        }
        return null;
    }

    /** As {@link Lowering#runsBackward}: it trains parameters or an input's producer runs backward. */
    private static boolean runsBackward(Network net, Node node) {
        if (node.layer().isView()) {
            return runsBackward(net, net.node(node.inputs().get(0)));
        }
        boolean trains = node.layer().params().stream().anyMatch(ParamDef::trainable);
        return trains || node.inputs().stream().anyMatch(i -> i != Network.DATA && runsBackward(net, net.node(i)));
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Indices of the inverted nodes. */
    public Set<Integer> inverted() {
        Set<Integer> out = new HashSet<>();
        for (Entry e : entries) {
            if (e.inverted()) {
                out.add(e.node());
            }
        }
        return out;
    }

    /** Whether the named layer is inverted. */
    public boolean inverted(String layer) {
        return entries.stream().anyMatch(e -> e.inverted() && e.layer().equals(layer));
    }

    /** Names of the inverted layers, in network order. */
    public List<String> invertedLayers() {
        return entries.stream().filter(Entry::inverted).map(Entry::layer).toList();
    }

    /**
     * For a reader: how many layers rebuild their input, then one line per layer with its type and what happens
     * to its input.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        long n = entries.stream().filter(Entry::inverted).count();
        sb.append(net.name()).append(", reversible: ").append(n).append(" of ").append(entries.size())
                .append(n == 1 ? " layer rebuilds its input" : " layers rebuild their input")
                .append(" from the output in backward").append(n == 0 ? " (none: the step is baseline's)" : "")
                .append('\n');
        int nameWidth = entries.stream().mapToInt(e -> e.layer().length()).max().orElse(0);
        int typeWidth = entries.stream().mapToInt(e -> e.type().length()).max().orElse(0);
        for (Entry e : entries) {
            sb.append("  ").append(pad(e.layer(), nameWidth)).append("  ").append(pad(e.type(), typeWidth)).append("  ")
                    .append(e.inverted() ? "rebuilt: input freed after forward, rebuilt from the output"
                            : "kept: " + e.reason())
                    .append('\n');
        }
        return sb.toString();
    }

    /** The inverted layers as one comma-separated line, or "none". */
    public String invertedSummary() {
        List<String> names = invertedLayers();
        return names.isEmpty() ? "none" : names.stream().collect(Collectors.joining(", "));
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}
