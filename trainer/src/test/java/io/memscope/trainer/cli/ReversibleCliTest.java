package io.memscope.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.modes.Reversibility;
import io.memscope.trainer.net.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reversible mode at the command line: which layers are rebuilt, the reconstruction error, the conversion. */
class ReversibleCliTest {
    private static MemScopeCliTest.Result run(String... args) {
        return MemScopeCliTest.run(args);
    }

    @Test
    void planSaysWhichLayersAreRebuiltAndWhyTheOthersAreKept() {
        MemScopeCliTest.Result r = run("plan", TestPaths.sample("revnet38").toString(), "--mode", "reversible", "--batch", "8");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("RevNet-38 (CIFAR 32x32), reversible: 15 of 21 layers rebuild their input from the "
                + "output in backward"), r.out());
        assertTrue(r.out().matches("(?s).*\n  stage1\\.rev1 +coupling +rebuilt: input freed after forward, rebuilt from "
                + "the output\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*\n  stage2\\.down +conv2d +kept: conv2d is not invertible\n.*"), r.out());
    }

    /**
     * After a reversible run: one row per rebuilt tensor with the layer whose inverse rebuilt it, its depth in the
     * chain (back to 1 below a kept tensor: stage2.rev3's output feeds the strided convolution, which keeps it)
     * and its SNR, and the lowest SNR.
     */
    @Test
    void trainPrintsTheReconstructionErrorOfEveryRebuiltTensor() {
        MemScopeCliTest.Result r = run("train", TestPaths.sample("revnet38").toString(), "--mode", "reversible", "--batch", "4",
                "--steps", "2", "--eval", "0", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("reconstruction error at step 2 (SNR = mean(x^2) / mean((x - x')^2)"), r.out());
        List<String> rows = r.out().lines().filter(l -> l.matches("\\S+\\.out +\\S+ +\\d+ +[0-9.]+ dB +\\S+")).toList();
        int rebuilt = Reversibility.of(Network.load(TestPaths.sample("revnet38"))).invertedLayers().size();
        assertEquals(rebuilt, rows.size(), r.out());
        assertTrue(rows.get(0).matches("bn_final\\.out +act_final +1 .*"), rows.get(0));
        assertTrue(rows.stream().anyMatch(l -> l.matches("stage2\\.rev2\\.out +stage2\\.rev3 +1 .*")), r.out());
        assertTrue(rows.stream().anyMatch(l -> l.matches("conv1\\.out +bn1 +\\d+ .*")), r.out());
        assertTrue(r.out().matches("(?s).*\nlowest SNR [0-9.]+ dB, \\S+ rebuilt by \\S+ at depth \\d+\n.*"), r.out());

        MemScopeCliTest.Result base = run("train", TestPaths.sample("revnet38").toString(), "--batch", "4", "--steps", "1", "--eval", "0",
                "--quiet");
        assertEquals(0, base.code(), base.err());
        assertTrue(!base.out().contains("reconstruction error"), "baseline rebuilds nothing: " + base.out());
    }

    @Test
    void convertWritesTheReversibleNetworkAtomicallyAndItPlansInLessMemory(@TempDir Path dir) throws IOException {
        Path net = dir.resolve("resnet.json");
        Files.copy(TestPaths.sample("resnet18_cifar"), net);
        MemScopeCliTest.Result r = run("convert", net.toString());
        assertEquals(0, r.code(), r.err());
        Path written = dir.resolve("resnet_reversible.json");
        assertTrue(r.out().contains("changed: layer1.1.conv1, "), r.out());
        assertTrue(r.out().contains("  layer2.1.add: kept as it is: its branches change the block's input 64x32x32 "
                + "into 128x16x16"), r.out());
        assertTrue(r.out().contains("wrote " + written + ": 39 layers, 8,001,610 parameters (resnet.json had "
                + "11,173,962); plan it with: memscope plan " + written + " --mode reversible"), r.out());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("resnet.json", "resnet_reversible.json"), files.map(p -> p.getFileName().toString())
                    .sorted().toList(), "no temporary file is left");
        }
        MemScopeCliTest.Result plan = run("plan", written.toString(), "--mode", "reversible", "--batch", "32");
        MemScopeCliTest.Result before = run("plan", net.toString(), "--batch", "32");
        assertEquals(0, plan.code(), plan.err());
        assertTrue(peak(plan.out()) < peak(before.out()) * 0.6, plan.out() + "\n" + before.out());

        MemScopeCliTest.Result again = run("convert", net.toString());
        assertEquals(2, again.code());
        assertEquals(0, run("convert", net.toString(), "--force").code());
    }

    private static long peak(String planOutput) {
        String line = planOutput.lines().filter(l -> l.startsWith("peak ")).findFirst().orElseThrow();
        return Long.parseLong(line.replaceAll(".*\\(([0-9,]+) bytes\\).*", "$1").replace(",", ""));
    }
}
