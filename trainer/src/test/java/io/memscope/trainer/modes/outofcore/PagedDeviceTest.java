package io.memscope.trainer.modes.outofcore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.Paging;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.modes.StepRuns;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.plan.Planner;
import io.memscope.trainer.program.ProgramChecker;
import io.memscope.trainer.program.StepProgram;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A paged device changes where tensors lie, never what is computed: baseline's weights and out-of-core's are the
 * same bit for bit on pages, and out-of-core's plans for a paged device check and keep its budget.
 */
class PagedDeviceTest {
    private static final OutOfCoreMode MODE = (OutOfCoreMode) Modes.get(OutOfCoreMode.ID);
    private static final MemoryMode BASELINE = Modes.get("baseline");
    private static final Paging SMALL_PAGES = new Paging(64 << 10);

    /**
     * Three SGD steps of baseline on the CPU backend (fresh blocks poisoned with NaN): on 64 KiB and on 2 MiB pages,
     * in a budget of exactly the planned resident pages, the weights are the classic arena's bit for bit. Best fit
     * places every block where the classic arena does; on 64 KiB pages that budget is less than the classic arena
     * needs, whose addresses reach past it, so there the blocks beyond it live at virtual addresses only.
     */
    @ParameterizedTest
    @CsvSource({"vgg_small, 4", "resnet18_cifar, 4"})
    void baselineWeightsOnPagesAreTheArenasBitForBit(String sample, int batch) {
        Network net = Network.load(TestPaths.sample(sample));
        CompileOptions o = StepRuns.options(batch);
        long peak = Planner.plan(net, BASELINE, o, Planner.UNBOUNDED).peakBytes();
        long tight = Planner.smallestBudget(net, BASELINE, o, peak);
        OutOfCoreModeTest.Run classic = OutOfCoreModeTest.run(net, o, BASELINE, tight, 3);
        for (Paging paging : List.of(SMALL_PAGES, Paging.pages())) {
            CompileOptions po = o.withPaging(paging);
            long budget = Planner.plan(net, BASELINE, po, Planner.UNBOUNDED).peakBytes();
            OutOfCoreModeTest.Run paged = OutOfCoreModeTest.run(net, po, BASELINE, budget, 3);
            assertEquals(budget, paged.peak(), "the planned resident pages, exactly");
            assertEquals(0, budget % paging.pageBytes(), "the peak counts whole pages");
            for (Map.Entry<String, float[]> e : classic.params().entrySet()) {
                assertArrayEquals(e.getValue(), paged.params().get(e.getKey()), sample + " on " + paging.describe()
                        + ": " + e.getKey());
            }
            assertEquals(0, movedBlocks(classic.events(), paged.events()), "best fit places as the arena does");
            long end = paged.events().stream().mapToLong(e -> e.offset() + e.bytes()).max().orElseThrow();
            if (paging == SMALL_PAGES) {
                assertTrue(end > budget, "addresses up to " + end + ", past the budget " + budget);
                assertTrue(!Planner.plan(net, BASELINE, o, budget).fits(), "the classic arena of " + budget);
            }
            System.out.printf("%s batch %d: arena %d bytes (peak %d), %s %d bytes: identical, addresses up to %d%n",
                    sample, batch, tight, classic.peak(), paging.describe(), budget, end);
        }
    }

    /** Allocations (in order) whose address differs between two runs of the same program. */
    private static long movedBlocks(List<MemoryEvent> a, List<MemoryEvent> b) {
        List<MemoryEvent> x = a.stream().filter(e -> e.action() == Action.ALLOC).toList();
        List<MemoryEvent> y = b.stream().filter(e -> e.action() == Action.ALLOC).toList();
        assertEquals(x.size(), y.size());
        long moved = 0;
        for (int i = 0; i < x.size(); i++) {
            assertEquals(x.get(i).tensorName(), y.get(i).tensorName());
            assertEquals(x.get(i).bytes(), y.get(i).bytes(), "events record the block's size either way");
            moved += x.get(i).offset() != y.get(i).offset() ? 1 : 0;
        }
        return moved;
    }

    /**
     * Out-of-core planned for a paged device, at 70% of baseline's peak and at the smallest budget it fits: the
     * program passes the checker, replays on the paged meta device within the budget, and three CPU steps in a
     * paged device of exactly the budget (real copies, poisoned blocks) give baseline's weights bit for bit.
     */
    @ParameterizedTest
    @CsvSource({"vgg_small, 8", "resnet18_cifar, 8"})
    void outOfCoreOnPagesChecksKeepsTheBudgetAndBaselinesWeights(String sample, int batch) {
        Network net = Network.load(TestPaths.sample(sample));
        CompileOptions o = StepRuns.options(batch);
        CompileOptions po = o.withPaging(SMALL_PAGES);
        long peak = Planner.plan(net, BASELINE, o, Planner.UNBOUNDED).peakBytes();
        OutOfCoreModeTest.Run base = OutOfCoreModeTest.run(net, o, BASELINE, peak * 2, 3);
        long min = MODE.minimumBudget(net, po);
        System.out.printf("%s batch %d: baseline peak %d; out-of-core's smallest budget %d on %s, %d unpaged%n",
                sample, batch, peak, min, SMALL_PAGES.describe(), MODE.minimumBudget(net, o));
        for (long budget : new long[] {Math.max(min, peak * 7 / 10), min}) {
            MemoryMode fitted = MODE.fitTo(net, po, budget, s -> { });
            StepProgram p = fitted.compile(net, po);
            ProgramChecker.verify(p);
            assertTrue(OutOfCoreMode.replayFits(net, p, po, budget, false), sample + " at " + budget);
            Planner.Plan plan = Planner.plan(net, fitted, po, budget);
            assertTrue(plan.fits(), sample + " at " + budget + ": " + plan.oom());
            OutOfCoreModeTest.Run r = OutOfCoreModeTest.run(net, po, fitted, budget, 3);
            assertTrue(r.swaps().swapOuts() > 0, sample + " at " + budget + " swaps");
            assertTrue(r.peak() <= budget, "resident pages " + r.peak() + " within " + budget);
            long blocks = 0;
            long worst = 0;
            for (MemoryEvent e : r.events()) {
                blocks += e.residentDelta();
                worst = Math.max(worst, blocks);
            }
            assertTrue(worst <= r.peak(), "the blocks' bytes " + worst + " within the resident pages " + r.peak());
            for (Map.Entry<String, float[]> e : base.params().entrySet()) {
                assertArrayEquals(e.getValue(), r.params().get(e.getKey()), sample + " at " + budget + ": "
                        + e.getKey());
            }
        }
    }

    /** A paged plan's peak is its resident pages, no less than its blocks, and its trace says it was paged. */
    @Test
    void aPagedPlansPeakIsItsResidentPages() {
        Network net = Network.load(TestPaths.sample("vgg_small"));
        CompileOptions o = StepRuns.options(16);
        Planner.Plan classic = Planner.plan(net, BASELINE, o, 64L << 20);
        Planner.Plan paged = Planner.plan(net, BASELINE, o.withPaging(Paging.pages()), 64L << 20);
        assertEquals(classic.profile().peakBytes(), classic.peakBytes());
        assertEquals(classic.profile().peakBytes(), paged.profile().peakBytes(), "the same blocks");
        assertEquals(paged.atPeak().usedBytes(), paged.peakBytes());
        assertEquals(0, paged.peakBytes() % Paging.DEFAULT_PAGE_BYTES);
        assertTrue(paged.peakBytes() >= paged.atPeak().blockBytes());
        assertEquals(String.valueOf(Paging.DEFAULT_PAGE_BYTES), paged.info().extra().get(TraceInfo.PAGE_BYTES));
        assertEquals(null, classic.info().extra().get(TraceInfo.PAGE_BYTES));
    }
}
