package io.memscope.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.export.TraceFile;
import io.memscope.trainer.memory.Paging;
import io.memscope.trainer.memory.TraceInfo;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --paged} and {@code --page-size} on train and plan: the run on pages, its trace, and bad page sizes. */
class PagedCliTest {
    @TempDir
    Path dir;

    @Test
    void theFlagsChooseTheAllocator() {
        String lenet = TestPaths.sample("lenet5").toString();
        assertEquals(Paging.NONE, MemScopeCli.configFor(lenet).paging());
        assertEquals(Paging.pages(), MemScopeCli.configFor(lenet, "--paged").paging());
        assertEquals(new Paging(64 << 10), MemScopeCli.configFor(lenet, "--page-size", "64KiB").paging());
    }

    /** The run counts resident pages as its plan did, and its trace names the page size and reads back. */
    @Test
    void trainsOnPagesAndItsTraceSaysSo() throws IOException {
        Path trace = dir.resolve("t.json");
        MemScopeCliTest.Result r = MemScopeCliTest.run("train", TestPaths.sample("lenet5").toString(), "--batch", "8",
                "--budget", "8MiB", "--page-size", "64KiB", "--steps", "2", "--eval", "0", "--quiet", "--trace",
                trace.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("budget 8.0 MiB (paged, 64.0 KiB pages)"), r.out());
        java.util.regex.Matcher peak = java.util.regex.Pattern.compile("peak device memory (\\S+ \\S+) \\(planned "
                + "(\\S+ \\S+)\\)").matcher(r.out());
        assertTrue(peak.find(), r.out());
        assertEquals(peak.group(2), peak.group(1), "the resident pages measured are the ones planned");
        TraceFile.LoadedTrace t = TraceFile.read(trace);
        assertEquals(65536, t.info().pageBytes());
        assertEquals("65536", t.info().extra().get(TraceInfo.PAGE_BYTES));
        MemScopeCliTest.Result export = MemScopeCliTest.run("export", trace.toString(), "--perfetto",
                dir.resolve("p.json").toString());
        assertEquals(0, export.code(), export.err());
    }

    /**
     * Out-of-core VGG-small at batch 8 needs 16.0 MiB on the classic arena; on 64 KiB pages 15.5 MiB is enough
     * (PagedDeviceTest prints both smallest budgets).
     */
    @Test
    void aPagedPlanFitsWhereTheArenaDoesNot() {
        String[] run = {"plan", TestPaths.sample("vgg_small").toString(), "--mode", "out-of-core", "--batch", "8",
            "--budget", "14MiB", "--eval", "0", "--threads", "2"};
        MemScopeCliTest.Result classic = MemScopeCliTest.run(run);
        assertEquals(1, classic.code(), classic.out());
        assertTrue(classic.err().contains("needs at least"), classic.err());
        String[] paged = java.util.Arrays.copyOf(run, run.length + 2);
        paged[run.length] = "--page-size";
        paged[run.length + 1] = "64KiB";
        MemScopeCliTest.Result r = MemScopeCliTest.run(paged);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("budget 14.0 MiB (paged, 64.0 KiB pages)"), r.out());
        assertTrue(r.out().contains("of 14.0 MiB budget: fits"), r.out());
        assertTrue(r.out().contains("paged, 64.0 KiB pages: the peak is ") && r.out().contains("page rounding"),
                r.out());
    }

    @Test
    void aBadPageSizeIsOneLineNamingTheNumber() {
        String vgg = TestPaths.sample("vgg_small").toString();
        MemScopeCliTest.Result odd = MemScopeCliTest.run("plan", vgg, "--page-size", "1000");
        assertEquals(2, odd.code());
        assertEquals("memscope: --page-size: a page of 1000 bytes is not a positive multiple of 256 B (the alignment "
                + "of every block); e.g. --page-size 64KiB or 2MiB", odd.err().strip());
        MemScopeCliTest.Result big = MemScopeCliTest.run("train", vgg, "--page-size", "1GiB", "--budget", "24MiB");
        assertEquals(2, big.code());
        assertEquals("memscope: --page-size: a page of 1.0 GiB (1073741824 bytes) is larger than the 24.0 MiB budget "
                + "(25165824 bytes); choose --page-size 16MiB or less, or raise --budget", big.err().strip());
        MemScopeCliTest.Result small = MemScopeCliTest.run("plan", vgg, "--paged", "--budget", "1MiB");
        assertEquals(2, small.code());
        assertTrue(small.err().startsWith("memscope: --paged: a page of 2.0 MiB"), small.err());
        MemScopeCliTest.Result negative = MemScopeCliTest.run("plan", vgg, "--page-size", "-4KiB");
        assertEquals(2, negative.code());
        assertTrue(negative.err().startsWith("memscope: --page-size: '-4KiB' is negative"), negative.err());
        for (MemScopeCliTest.Result r : new MemScopeCliTest.Result[] {odd, big, small, negative}) {
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
    }

    @Test
    void pagesOnACudaDeviceAreRefusedInOneLineBeforeAnythingRuns() {
        String lenet = TestPaths.sample("lenet5").toString();
        String line = "memscope: --paged runs on the CPU device only for now (the CUDA backend maps one allocation of "
                + "the budget, not pages); leave out --paged or use --device cpu";
        MemScopeCliTest.Result plan = MemScopeCliTest.run("plan", lenet, "--paged", "--device", "cuda");
        assertEquals(2, plan.code(), plan.out());
        assertEquals(line, plan.err().strip());
        MemScopeCliTest.Result train = MemScopeCliTest.run("train", lenet, "--paged", "--device", "cuda", "--steps", "1");
        assertEquals(1, train.code(), train.out());
        assertEquals(line, train.err().strip());
    }
}
