package io.memscope.trainer.modes.rows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.layers.RowWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The planner's row arithmetic against brute force: sets of rows propagated by enumerating every cell of
 * every kernel window, on random segments (chains, strides, padding, residual adds, several sinks).
 */
class RowBandPlannerTest {
    private static final int SEGMENTS = 300;

    @Test
    void neededRowsAreWhatEveryWindowReads() {
        Random r = new Random(1);
        for (int t = 0; t < SEGMENTS; t++) {
            RowBandPlanner pl = randomSegment(r);
            int count = pl.steps().size();
            Rows[] demand = new Rows[count];
            List<TreeSet<Integer>> sets = new ArrayList<>();
            for (int l = 0; l < count; l++) {
                int h = pl.steps().get(l).height();
                demand[l] = pl.steps().get(l).sink() && r.nextBoolean() ? randomRows(r, h) : Rows.EMPTY;
                TreeSet<Integer> s = new TreeSet<>();
                for (int o = demand[l].lo(); o < demand[l].hi(); o++) {
                    s.add(o);
                }
                sets.add(s);
            }
            // brute force: from the last step back, every real cell of every window of every needed row
            for (int m = count - 1; m >= 0; m--) {
                RowBandPlanner.Step step = pl.steps().get(m);
                for (int i = 0; i < step.inputs().size(); i++) {
                    RowBandPlanner.Input in = step.inputs().get(i);
                    if (in.fromSource()) {
                        continue;
                    }
                    int h = pl.steps().get(in.index()).height();
                    for (int o : sets.get(m)) {
                        for (int k = 0; k < in.window().kernel(); k++) {
                            int row = o * in.window().stride() - in.window().padding() + k;
                            if (row >= 0 && row < h) {
                                sets.get(in.index()).add(row);
                            }
                        }
                    }
                }
            }
            Rows[] need = pl.needed(demand);
            for (int l = 0; l < count; l++) {
                assertEquals(hull(sets.get(l)), need[l], "segment " + t + " step " + l);
            }
        }
    }

    @Test
    void readRangesSpanEveryWindowCellPaddingIncluded() {
        Random r = new Random(2);
        for (int t = 0; t < SEGMENTS; t++) {
            RowBandPlanner pl = randomSegment(r);
            for (int m = 0; m < pl.steps().size(); m++) {
                RowBandPlanner.Step step = pl.steps().get(m);
                Rows out = randomRows(r, step.height());
                for (int i = 0; i < step.inputs().size(); i++) {
                    RowWindow w = step.inputs().get(i).window();
                    int lo = Integer.MAX_VALUE;
                    int hi = Integer.MIN_VALUE;
                    for (int o = out.lo(); o < out.hi(); o++) {
                        for (int k = 0; k < w.kernel(); k++) {
                            lo = Math.min(lo, o * w.stride() - w.padding() + k);
                            hi = Math.max(hi, o * w.stride() - w.padding() + k + 1);
                        }
                    }
                    assertEquals(out.isEmpty() ? Rows.EMPTY : Rows.of(lo, hi), pl.read(m, i, out));
                }
            }
        }
    }

    @Test
    void frontierIsTheRowsWhoseWindowsAreAvailable() {
        Random r = new Random(3);
        for (int t = 0; t < SEGMENTS; t++) {
            RowBandPlanner pl = randomSegment(r);
            int bands = 1 + r.nextInt(pl.sources().get(0).height());
            for (int j = 0; j < bands; j++) {
                int[] f = pl.frontier(j, bands);
                int[] brute = new int[f.length];
                for (int l = 0; l < f.length; l++) {
                    RowBandPlanner.Step step = pl.steps().get(l);
                    TreeSet<Integer> complete = new TreeSet<>();
                    for (int o = 0; o < step.height(); o++) {
                        boolean ok = true;
                        for (int i = 0; i < step.inputs().size(); i++) {
                            RowBandPlanner.Input in = step.inputs().get(i);
                            int avail = in.fromSource() ? pl.sourceRows(in.index(), j, bands) : brute[in.index()];
                            int h = pl.inputHeight(l, i);
                            for (int k = 0; k < in.window().kernel(); k++) {
                                int row = o * in.window().stride() - in.window().padding() + k;
                                ok &= row < 0 || row >= h || row < avail;
                            }
                        }
                        if (ok) {
                            complete.add(o);
                        }
                    }
                    brute[l] = complete.size();
                    assertEquals(hull(complete), Rows.of(0, complete.size()), "complete rows form a prefix");
                }
                assertEquals(java.util.Arrays.toString(brute), java.util.Arrays.toString(f), "segment " + t + " band " + j);
            }
            int[] last = pl.frontier(bands - 1, bands);
            for (int l = 0; l < last.length; l++) {
                assertEquals(pl.steps().get(l).height(), last[l], "the last band completes every row");
            }
        }
    }

    @Test
    void overlappingBandsOwnEverySinkRowOnceAndComputeWhatTheyNeed() {
        Random r = new Random(4);
        for (int t = 0; t < SEGMENTS; t++) {
            RowBandPlanner pl = randomSegment(r);
            int bands = 1 + r.nextInt(pl.sources().get(0).height());
            RowBandPlanner.Plan plan = pl.plan(Halo.OVERLAP, bands);
            int count = pl.steps().size();
            int[] next = new int[count];
            for (RowBandPlanner.Band b : plan.bands()) {
                Rows[] need = pl.needed(b.own());
                for (int l = 0; l < count; l++) {
                    assertEquals(need[l], b.out()[l]);
                    assertTrue(b.earlier()[l].isEmpty());
                    if (!b.own()[l].isEmpty()) {
                        assertEquals(next[l], b.own()[l].lo(), "own rows follow on");
                        next[l] = b.own()[l].hi();
                    }
                    assertReadsAvailable(pl, b, l, false);
                }
            }
            for (int l = 0; l < count; l++) {
                if (pl.steps().get(l).sink()) {
                    assertEquals(pl.steps().get(l).height(), next[l], "every sink row is owned");
                }
            }
        }
    }

    @Test
    void twoPhaseComputesEveryRowOnceFromRowsComputedBefore() {
        Random r = new Random(5);
        for (int t = 0; t < SEGMENTS; t++) {
            RowBandPlanner pl = randomSegment(r);
            int bands = 1 + r.nextInt(pl.sources().get(0).height());
            RowBandPlanner.Plan plan = pl.plan(Halo.TWO_PHASE, bands);
            int count = pl.steps().size();
            int[] done = new int[count];
            for (RowBandPlanner.Band b : plan.bands()) {
                for (int l = 0; l < count; l++) {
                    Rows out = b.out()[l];
                    if (!out.isEmpty()) {
                        assertEquals(done[l], out.lo(), "no row twice, none skipped");
                        done[l] = out.hi();
                    }
                    assertTrue(Rows.of(0, out.isEmpty() ? done[l] : out.lo()).contains(b.earlier()[l]),
                            "kept rows were computed by earlier bands");
                    assertEquals(pl.steps().get(l).sink() ? out : Rows.EMPTY, b.own()[l]);
                    assertReadsAvailable(pl, b, l, true);
                }
            }
            for (int l = 0; l < count; l++) {
                assertEquals(pl.steps().get(l).height(), done[l]);
            }
            assertEquals(plan.bands().size(), plan.bands().get(plan.bands().size() - 1).number());
        }
    }

    /** Every real row a step reads of an earlier step is in that step's band rows (or, two-phase, its kept rows). */
    private static void assertReadsAvailable(RowBandPlanner pl, RowBandPlanner.Band b, int m, boolean twoPhase) {
        List<RowBandPlanner.Input> inputs = pl.steps().get(m).inputs();
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).fromSource()) {
                continue;
            }
            int p = inputs.get(i).index();
            Rows real = b.read()[m][i].clamp(pl.steps().get(p).height());
            Rows held = twoPhase ? b.earlier()[p].hull(b.out()[p]) : b.out()[p];
            assertTrue(held.contains(real), "step " + m + " reads " + real + " of step " + p + ", which holds " + held);
            if (twoPhase && !b.earlier()[p].isEmpty() && !b.out()[p].isEmpty()) {
                assertEquals(b.earlier()[p].hi(), b.out()[p].lo(), "kept and new rows are contiguous");
            }
        }
    }

    @Test
    void haloOfThreeConvolutionsIsTheirReceptiveField() {
        RowWindow conv = new RowWindow(3, 1, 1);
        RowBandPlanner pl = new RowBandPlanner(List.of(new RowBandPlanner.Source("x", 32)), List.of(
                new RowBandPlanner.Step("c1", 32, List.of(RowBandPlanner.Input.source(0, conv)), false),
                new RowBandPlanner.Step("c2", 32, List.of(RowBandPlanner.Input.step(0, conv)), false),
                new RowBandPlanner.Step("c3", 32, List.of(RowBandPlanner.Input.step(1, conv)), true)));
        Rows[] need = pl.needed(new Rows[] {null, null, Rows.of(10, 11)});
        assertEquals(Rows.of(9, 12), need[1]);
        assertEquals(Rows.of(8, 13), need[0]);
        assertEquals(Rows.of(7, 14), pl.read(0, 0, need[0]), "one output row reads 7 input rows");

        // two-phase: a middle band keeps k − s = 2 rows of every layer it reads again
        RowBandPlanner.Band second = pl.plan(Halo.TWO_PHASE, 4).bands().get(1);
        assertEquals(2, second.earlier()[0].size());
        assertEquals(2, second.earlier()[1].size());
        // overlapping: the same band recomputes 2 extra rows per layer below it
        RowBandPlanner.Band overlap = pl.plan(Halo.OVERLAP, 4).bands().get(1);
        assertEquals(overlap.own()[2].size() + 2, overlap.out()[1].size());
        assertEquals(overlap.own()[2].size() + 4, overlap.out()[0].size());
    }

    @Test
    void residualBranchesNeedTheUnionOfTheirRows() {
        // x -> conv 3x3 -> add(conv, x): x must provide the conv's halo and the identity branch's rows
        RowBandPlanner pl = new RowBandPlanner(List.of(new RowBandPlanner.Source("in", 16)), List.of(
                new RowBandPlanner.Step("x", 16, List.of(RowBandPlanner.Input.source(0, RowWindow.IDENTITY)), false),
                new RowBandPlanner.Step("conv", 16, List.of(RowBandPlanner.Input.step(0, new RowWindow(5, 1, 2))), false),
                new RowBandPlanner.Step("add", 16, List.of(RowBandPlanner.Input.step(1, RowWindow.IDENTITY),
                        RowBandPlanner.Input.step(0, RowWindow.IDENTITY)), true)));
        Rows[] need = pl.needed(new Rows[] {null, null, Rows.of(4, 8)});
        assertEquals(Rows.of(4, 8), need[1]);
        assertEquals(Rows.of(2, 10), need[0]);
    }

    @Test
    void vgg16Pool5RowSeesTheKnownReceptiveField() {
        Network net = Network.load(TestPaths.sample("vgg16"));
        RowTrunk trunk = RowTrunk.analyse(net, RowCentricOptions.DEFAULT.withCuts(RowCentricOptions.Cuts.NONE));
        RowBandPlanner pl = trunk.stages.get(0).planner;
        int last = pl.steps().size() - 1;
        Rows[] demand = new Rows[pl.steps().size()];
        demand[last] = Rows.of(3, 4);
        Rows[] need = pl.needed(demand);
        // VGG-16's pool5 units see 212 input pixels (the published receptive field)
        assertEquals(212, pl.read(0, 0, need[0]).size());
    }

    @Test
    void moreBandsThanRowsLeaveOutBandsThatWouldDoNothing() {
        RowBandPlanner pl = new RowBandPlanner(List.of(new RowBandPlanner.Source("x", 8)), List.of(
                new RowBandPlanner.Step("pool", 4, List.of(RowBandPlanner.Input.source(0, new RowWindow(2, 2, 0))), true)));
        for (Halo h : Halo.values()) {
            RowBandPlanner.Plan plan = pl.plan(h, 8);
            assertEquals(4, plan.bands().size(), h + ": a band that completes no pooled row does nothing");
            assertFalse(plan.bands().stream().anyMatch(b -> b.out()[0].isEmpty()));
        }
    }

    // ---- random segments ------------------------------------------------------------------------------

    /** A random segment of up to 8 steps over one or two sources. */
    static RowBandPlanner randomSegment(Random r) {
        List<RowBandPlanner.Source> sources = new ArrayList<>();
        sources.add(new RowBandPlanner.Source("s0", 6 + r.nextInt(35)));
        List<RowBandPlanner.Step> steps = new ArrayList<>();
        List<int[]> maps = new ArrayList<>(); // {fromSource 1/0, index, height}
        maps.add(new int[] {1, 0, sources.get(0).height()});
        int count = 1 + r.nextInt(8);
        List<List<RowBandPlanner.Input>> inputs = new ArrayList<>();
        List<Integer> heights = new ArrayList<>();
        while (steps.size() < count) {
            int[] from = maps.get(r.nextInt(maps.size()));
            int kind = r.nextInt(3);
            List<RowBandPlanner.Input> in = new ArrayList<>();
            int height;
            if (kind == 0) {
                int k = 1 + r.nextInt(5);
                int s = 1 + r.nextInt(3);
                int p = r.nextInt(k);
                RowWindow w = new RowWindow(k, s, p);
                height = w.outputHeight(from[2]);
                if (from[2] + 2 * p < k || height < 1) {
                    continue;
                }
                in.add(input(from, w));
            } else if (kind == 1) {
                height = from[2];
                in.add(input(from, RowWindow.IDENTITY));
            } else {
                height = from[2];
                List<int[]> same = maps.stream().filter(m -> m[2] == from[2] && m != from).toList();
                int[] other;
                if (same.isEmpty() || r.nextInt(4) == 0) {
                    sources.add(new RowBandPlanner.Source("s" + sources.size(), height));
                    other = new int[] {1, sources.size() - 1, height};
                    maps.add(other);
                } else {
                    other = same.get(r.nextInt(same.size()));
                }
                in.add(input(from, RowWindow.IDENTITY));
                in.add(input(other, RowWindow.IDENTITY));
            }
            inputs.add(in);
            heights.add(height);
            steps.add(null);
            maps.add(new int[] {0, steps.size() - 1, height});
        }
        boolean[] consumed = new boolean[count];
        for (List<RowBandPlanner.Input> in : inputs) {
            for (RowBandPlanner.Input i : in) {
                if (!i.fromSource()) {
                    consumed[i.index()] = true;
                }
            }
        }
        for (int l = 0; l < count; l++) {
            boolean sink = !consumed[l] || r.nextInt(4) == 0;
            steps.set(l, new RowBandPlanner.Step("step" + l, heights.get(l), inputs.get(l), sink));
        }
        return new RowBandPlanner(sources, steps);
    }

    private static RowBandPlanner.Input input(int[] map, RowWindow w) {
        return map[0] == 1 ? RowBandPlanner.Input.source(map[1], w) : RowBandPlanner.Input.step(map[1], w);
    }

    private static Rows randomRows(Random r, int height) {
        int a = r.nextInt(height + 1);
        int b = r.nextInt(height + 1);
        return Rows.of(Math.min(a, b), Math.max(a, b));
    }

    private static Rows hull(TreeSet<Integer> rows) {
        return rows.isEmpty() ? Rows.EMPTY : Rows.of(rows.first(), rows.last() + 1);
    }
}
