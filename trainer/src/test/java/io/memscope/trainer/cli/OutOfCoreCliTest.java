package io.memscope.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import org.junit.jupiter.api.Test;

/** The out-of-core mode from the command line: trains under a budget baseline does not fit, refuses one too small. */
class OutOfCoreCliTest {
    @Test
    void trainsUnderABudgetBaselineDoesNotFitAndShowsTheHostTier() {
        String vgg = TestPaths.sample("vgg_small").toString();
        MemScopeCliTest.Result base = MemScopeCliTest.run("train", vgg, "--batch", "16", "--budget", "20MiB",
                "--steps", "2", "--eval", "0");
        assertEquals(1, base.code(), "baseline does not fit 20 MiB at batch 16: " + base.out());
        MemScopeCliTest.Result r = MemScopeCliTest.run("train", vgg, "--mode", "out-of-core", "--batch", "16",
                "--budget", "20MiB", "--steps", "2", "--eval", "0", "--link", "32");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("host memory peak"), r.out());
        assertTrue(r.out().contains("of 20.0 MiB"), r.out());
    }

    @Test
    void aBudgetTooSmallIsRefusedWithTheSmallestThatWorks() {
        MemScopeCliTest.Result r = MemScopeCliTest.run("train", TestPaths.sample("vgg_small").toString(), "--mode",
                "out-of-core", "--batch", "16", "--budget", "4MiB", "--steps", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("needs at least") && r.err().contains("raise --budget to"), r.err());
        assertFalse(r.err().contains("what fits"), "no advice computed for baseline: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        MemScopeCliTest.Result bad = MemScopeCliTest.run("train", TestPaths.sample("vgg_small").toString(), "--mode",
                "out-of-core", "--link", "fast", "--steps", "1");
        assertTrue(bad.err().contains("--link must be a positive number"), bad.err());
    }
}
