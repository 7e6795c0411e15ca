package io.memscope.trainer.modes.checkpoint;

import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where gradient checkpointing cuts a network's layer order into segments. A place to cut is after a layer that
 * only one tensor crosses: the layer's own output is the only tensor made up to there that a later layer reads.
 * In a chain that is after every layer; in a residual network it is between blocks, since inside a block the skip
 * tensor crosses too. The output at a cut is the checkpoint, kept from forward to backward; it is all a segment
 * needs to compute its forward again, because whatever the segment reads from before the cut crosses the cut.
 *
 * <p>Of the n places, {@code auto} keeps every ⌈√n⌉-th (Chen et al. 2016: about √n segments of about √n layers);
 * a number K asks for K segments, cut at places ⌊i·(n + 1)/K⌋ for i = 1 … K − 1 (the places split the network
 * into n + 1 pieces, shared out as evenly as whole pieces allow).
 */
public final class Segments {
    /** {@link #of}'s request for ⌈√n⌉ spacing. */
    public static final int AUTO = 0;

    private final Network net;
    private final List<Integer> places;
    private final List<Integer> cuts;
    private final int[] segmentOf;

    private Segments(Network net, List<Integer> places, List<Integer> cuts) {
        this.net = net;
        this.places = List.copyOf(places);
        this.cuts = List.copyOf(cuts);
        segmentOf = new int[net.nodes().size()];
        int s = 0;
        for (int j = 0; j < segmentOf.length; j++) {
            segmentOf[j] = s;
            if (s < cuts.size() && cuts.get(s) == j) {
                s++;
            }
        }
    }

    /**
     * The segments of a network: {@code requested} of them, or {@link #AUTO}. An {@link IllegalArgumentException}
     * names the most there can be when more are asked for.
     */
    public static Segments of(Network net, int requested) {
        if (requested < 0) {
            throw new IllegalArgumentException("segments must be at least 1, got " + requested);
        }
        List<Integer> places = places(net);
        int n = places.size();
        List<Integer> cuts = new ArrayList<>();
        if (requested == AUTO) {
            int every = (int) Math.ceil(Math.sqrt(n));
            for (int i = every; i <= n; i += every) {
                cuts.add(places.get(i - 1));
            }
        } else if (requested > n + 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "checkpoint: %d segments asked for, but %s "
                    + "has %d place%s where one tensor crosses, so at most %d segments: use --segments %d or fewer, or "
                    + "auto", requested, net.name(), n, n == 1 ? "" : "s", n + 1, n + 1));
        } else {
            for (int i = 1; i < requested; i++) {
                cuts.add(places.get((int) ((long) i * (n + 1) / requested) - 1));
            }
        }
        return new Segments(net, places, cuts);
    }

    /**
     * The nodes after which exactly one tensor crosses: the node's output is the only tensor made at or before it
     * (the data included) that a later node reads. The loss and views are never places (a view's tensor is the
     * one before it).
     */
    static List<Integer> places(Network net) {
        int count = net.nodes().size();
        // lastReader[s + 1]: the last node reading the tensor of storage s (Network.DATA = -1)
        int[] lastReader = new int[count + 1];
        Arrays.fill(lastReader, -1);
        for (Node node : net.nodes()) {
            if (node.layer().isView()) {
                continue;
            }
            for (int in : node.inputs()) {
                int s = net.storageOf(in);
                lastReader[s + 1] = Math.max(lastReader[s + 1], node.index());
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            Node node = net.node(k);
            if (node.layer().isView() || node.layer().isLoss()) {
                continue;
            }
            boolean onlyOwn = lastReader[k + 1] > k;
            for (int s = -1; s < k && onlyOwn; s++) {
                onlyOwn = lastReader[s + 1] <= k;
            }
            if (onlyOwn) {
                out.add(k);
            }
        }
        return out;
    }

    /** How many segments. */
    public int count() {
        return cuts.size() + 1;
    }

    /** The nodes after which one tensor crosses, in order. */
    public List<Integer> places() {
        return places;
    }

    /** The places cut: the last node of every segment but the last, whose outputs are the checkpoints. */
    public List<Integer> cuts() {
        return cuts;
    }

    /** The segment (from 0) node {@code j} is in. */
    public int segmentOf(int j) {
        return segmentOf[j];
    }

    /** The first node of segment {@code s}. */
    public int first(int s) {
        return s == 0 ? 0 : cuts.get(s - 1) + 1;
    }

    /** The last node of segment {@code s}. */
    public int last(int s) {
        return s == cuts.size() ? net.nodes().size() - 1 : cuts.get(s);
    }

    /** The segments for a reader: the places, the cuts, each segment's layers and what it keeps. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "checkpoint: %d segment%s, cut at %d of the %d places where one tensor "
                + "crosses%n", count(), count() == 1 ? "" : "s", cuts.size(), places.size()));
        for (int s = 0; s < count(); s++) {
            String range = net.node(first(s)).name() + " .. " + net.node(last(s)).name();
            String what = s == count() - 1 ? "kept as in baseline (its backward follows its forward)"
                    : "recomputed in backward from " + (s == 0 ? "the input" : net.node(cuts.get(s - 1)).name()
                    + "'s output") + "; keeps " + net.node(cuts.get(s)).name() + "'s output";
            sb.append(String.format(Locale.ROOT, "  segment %d: %s (%d layers): %s%n", s + 1, range,
                    last(s) - first(s) + 1, what));
        }
        return sb.toString();
    }
}
