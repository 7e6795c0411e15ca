package io.memscope.trainer.modes.rows;

import io.memscope.trainer.net.layers.RowWindow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The row arithmetic of row bands over one segment of a convolutional trunk: which input rows a range of
 * output rows reads (kernel, stride, padding), which rows every step needs so that the segment's outputs
 * get the rows a band asks for (halos carried through the whole stack, and the union of what all consumers
 * read where a map feeds several layers, as both branches of a residual add do), and how many rows of every
 * step a band can complete.
 *
 * <p>A segment reads {@link Source}s (maps held in full) and computes {@link Step}s in order; a step reads
 * sources and earlier steps. A {@link Step#sink() sink} is a step whose whole output is kept beyond the
 * segment. Rows are half-open ranges; read ranges may reach outside the map, into padding.
 *
 * <p>Bands are paced by the sources: after band {@code j} of {@code B}, source rows
 * {@code [0, ceil((j+1)·H/B))} count as available, and a step's row is complete when every row its window
 * reads (padding aside) is. Both halo strategies use that pacing:
 * <ul>
 *   <li>{@link Halo#OVERLAP}: a band owns the sink rows it completes and computes, at every step, every row
 *       those need, its halo included, from the sources alone;</li>
 *   <li>{@link Halo#TWO_PHASE}: a band computes, at every step, exactly the rows it completes; the rows of
 *       earlier bands its windows read again (the shared boundary, {@code kernel − stride} rows per layer)
 *       are {@link Band#earlier() kept} from those bands.</li>
 * </ul>
 * Bands that would do nothing (possible when a segment has more bands than rows) are left out.
 */
public final class RowBandPlanner {
    /** A map the segment reads in full. */
    public record Source(String name, int height) {}

    /** One input of a step: a source or an earlier step, and the window the step reads it through. */
    public record Input(boolean fromSource, int index, RowWindow window) {
        public static Input source(int index, RowWindow window) {
            return new Input(true, index, window);
        }

        public static Input step(int index, RowWindow window) {
            return new Input(false, index, window);
        }
    }

    /** A layer of the segment: its output height, its inputs, whether its output is kept beyond the segment. */
    public record Step(String name, int height, List<Input> inputs, boolean sink) {
        public Step {
            inputs = List.copyOf(inputs);
        }
    }

    /**
     * What one band does; arrays are indexed like the steps.
     *
     * @param number  1-based position among the bands that do work
     * @param out     rows each step computes
     * @param own     rows of each sink the band delivers (written out, and whose gradient it propagates)
     * @param read    rows each step reads of each input, padding included
     * @param earlier rows of each step that earlier bands computed and this band reads again (two-phase only)
     */
    public record Band(int number, Rows[] out, Rows[] own, Rows[][] read, Rows[] earlier) {}

    /** The bands of a segment that do work, in order. */
    public record Plan(Halo halo, int requested, List<Band> bands) {
        public Plan {
            bands = List.copyOf(bands);
        }
    }

    private final List<Source> sources;
    private final List<Step> steps;
    /** For every step, the (consumer step, input index) pairs that read it. */
    private final List<List<int[]>> consumers = new ArrayList<>();

    public RowBandPlanner(List<Source> sources, List<Step> steps) {
        this.sources = List.copyOf(sources);
        this.steps = List.copyOf(steps);
        for (int l = 0; l < steps.size(); l++) {
            consumers.add(new ArrayList<>());
        }
        for (int m = 0; m < steps.size(); m++) {
            Step s = steps.get(m);
            for (int i = 0; i < s.inputs().size(); i++) {
                Input in = s.inputs().get(i);
                int limit = in.fromSource() ? sources.size() : m;
                if (in.index() < 0 || in.index() >= limit) {
                    throw new IllegalArgumentException(s.name() + " input " + i + " refers to "
                            + (in.fromSource() ? "source " : "step ") + in.index() + ", which does not precede it");
                }
                int expected = in.window().outputHeight(inputHeight(m, i));
                if (expected != s.height()) {
                    throw new IllegalArgumentException(s.name() + " is " + s.height() + " rows high, but its window "
                            + in.window() + " over " + inputHeight(m, i) + " rows gives " + expected);
                }
                if (!in.fromSource()) {
                    consumers.get(in.index()).add(new int[] {m, i});
                }
            }
        }
    }

    public List<Source> sources() {
        return sources;
    }

    public List<Step> steps() {
        return steps;
    }

    /** The (consumer step, input index) pairs that read step {@code l}. */
    public List<int[]> consumers(int l) {
        return consumers.get(l);
    }

    /** Height of the map step {@code m} reads as input {@code i}. */
    public int inputHeight(int m, int i) {
        Input in = steps.get(m).inputs().get(i);
        return in.fromSource() ? sources.get(in.index()).height() : steps.get(in.index()).height();
    }

    /** Rows of input {@code i} that output rows {@code out} of step {@code m} read, padding included. */
    public Rows read(int m, int i, Rows out) {
        if (out.isEmpty()) {
            return Rows.EMPTY;
        }
        RowWindow w = steps.get(m).inputs().get(i).window();
        return Rows.of(w.firstInputRow(out.lo()), w.endInputRow(out.hi() - 1));
    }

    /**
     * The rows every step must compute so that each step delivers its {@code demand} (null or empty for
     * none): the demand plus, through every consumer, the rows its window reads, carried back through the
     * whole segment.
     */
    public Rows[] needed(Rows[] demand) {
        Rows[] need = new Rows[steps.size()];
        for (int l = steps.size() - 1; l >= 0; l--) {
            int h = steps.get(l).height();
            Rows r = demand[l] == null ? Rows.EMPTY : demand[l].clamp(h);
            for (int[] c : consumers.get(l)) {
                r = r.hull(read(c[0], c[1], need[c[0]]).clamp(h));
            }
            need[l] = r;
        }
        return need;
    }

    /** Source rows available after band {@code band} of {@code bands}. */
    public int sourceRows(int source, int band, int bands) {
        int h = sources.get(source).height();
        return band >= bands - 1 ? h : (int) (((long) (band + 1) * h + bands - 1) / bands);
    }

    /** How many leading rows of every step are complete after band {@code band} of {@code bands}. */
    public int[] frontier(int band, int bands) {
        int[] f = new int[steps.size()];
        for (int l = 0; l < steps.size(); l++) {
            Step s = steps.get(l);
            int rows = s.height();
            for (int i = 0; i < s.inputs().size(); i++) {
                Input in = s.inputs().get(i);
                int avail = in.fromSource() ? sourceRows(in.index(), band, bands) : f[in.index()];
                rows = Math.min(rows, completeRows(in.window(), avail, inputHeight(l, i), s.height()));
            }
            f[l] = rows;
        }
        return f;
    }

    /**
     * Output rows o whose window's real rows all lie in the first {@code avail} of {@code inHeight} input rows:
     * min(o·s − p + k, inHeight) ≤ avail.
     */
    static int completeRows(RowWindow w, int avail, int inHeight, int outHeight) {
        if (avail >= inHeight) {
            return outHeight;
        }
        int slack = avail + w.padding() - w.kernel();
        return slack < 0 ? 0 : Math.min(outHeight, slack / w.stride() + 1);
    }

    /** The bands of the segment for a halo strategy and a band count (at least 1). */
    public Plan plan(Halo halo, int bands) {
        if (bands < 1) {
            throw new IllegalArgumentException("a segment needs at least one band, got " + bands);
        }
        int count = steps.size();
        List<Band> out = new ArrayList<>();
        int[] prev = new int[count];
        for (int j = 0; j < bands; j++) {
            int[] f = frontier(j, bands);
            Rows[] rows = new Rows[count];
            Rows[] own = new Rows[count];
            if (halo == Halo.OVERLAP) {
                for (int l = 0; l < count; l++) {
                    own[l] = steps.get(l).sink() ? Rows.of(prev[l], f[l]) : Rows.EMPTY;
                }
                rows = needed(own);
            } else {
                for (int l = 0; l < count; l++) {
                    rows[l] = Rows.of(prev[l], f[l]);
                    own[l] = steps.get(l).sink() ? rows[l] : Rows.EMPTY;
                }
            }
            Rows[][] read = new Rows[count][];
            for (int m = 0; m < count; m++) {
                read[m] = new Rows[steps.get(m).inputs().size()];
                for (int i = 0; i < read[m].length; i++) {
                    read[m][i] = read(m, i, rows[m]);
                }
            }
            Rows[] earlier = new Rows[count];
            for (int l = 0; l < count; l++) {
                Rows r = Rows.EMPTY;
                if (halo == Halo.TWO_PHASE) {
                    for (int[] c : consumers.get(l)) {
                        r = r.hull(read[c[0]][c[1]].clamp(steps.get(l).height()));
                    }
                    r = r.intersect(Rows.of(0, prev[l]));
                }
                earlier[l] = r;
            }
            boolean works = Arrays.stream(halo == Halo.OVERLAP ? own : rows).anyMatch(r -> !r.isEmpty());
            if (works) {
                out.add(new Band(out.size() + 1, rows, own, read, earlier));
            }
            prev = f;
        }
        return new Plan(halo, bands, out);
    }
}
