package io.memscope.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compressed mode at the command line: what was held compressed, how much, within which bound; --fit-batch. */
class CompressedCliTest {
    @Test
    void trainPrintsEveryCompressedTensorWithItsRatioAndBoundAndTheTotal() {
        MemScopeCliTest.Result r = MemScopeCliTest.run("train", TestPaths.sample("vgg_small").toString(), "--mode",
                "compressed", "--eb", "rel:1e-3", "--batch", "8", "--steps", "2", "--eval", "0", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("compressed: layer outputs kept for backward are held compressed within eb rel:0.001 "
                + "(streams planned from a calibration step, with a 25% margin)"), r.out());
        assertTrue(r.out().contains("activations held compressed at step 2:"), r.out());
        List<String> rows = r.out().lines().filter(l -> l.matches("\\S+\\.out +[0-9.]+ [KM]iB +[0-9.]+ [KMi]*B +[0-9.]+x +"
                + "[0-9.]+e-[0-9]+")).toList();
        assertTrue(rows.size() >= 9, r.out());
        assertTrue(rows.stream().anyMatch(l -> l.startsWith("relu1_1.out ")), r.out());
        assertTrue(r.out().matches("(?s).*\n\\d+ tensors: [0-9.]+ MiB held as [0-9.]+ [KM]iB \\([0-9.]+x smaller\\)\n.*"),
                r.out());
        String summary = r.out().lines().filter(l -> l.startsWith("step time")).findFirst().orElseThrow();
        assertTrue(summary.matches(".*peak device memory [0-9.]+ MiB \\(planned [0-9.]+ MiB\\).*"), summary);
    }

    @Test
    void fitBatchPicksTheLargestBatchTheModeFits() {
        MemScopeCliTest.Result base = MemScopeCliTest.run("train", TestPaths.sample("vgg_small").toString(),
                "--fit-batch", "--budget", "24MiB", "--steps", "1", "--eval", "0", "--quiet");
        MemScopeCliTest.Result comp = MemScopeCliTest.run("train", TestPaths.sample("vgg_small").toString(),
                "--mode", "compressed", "--fit-batch", "--budget", "24MiB", "--steps", "1", "--eval", "0", "--quiet");
        assertEquals(0, base.code(), base.err());
        assertEquals(0, comp.code(), comp.err());
        int b = batch(base.out());
        int c = batch(comp.out());
        assertTrue(base.out().contains("fit the budget: batch " + b + " is the largest that baseline mode fits in 24.0 MiB"),
                base.out());
        assertTrue(c > b, "compressed fits " + c + ", baseline " + b);
        assertTrue(comp.out().contains("mode compressed, batch " + c + ","), comp.out());
    }

    private static int batch(String out) {
        return Integer.parseInt(out.replaceAll("(?s).*fit the budget: batch (\\d+) .*", "$1"));
    }
}
