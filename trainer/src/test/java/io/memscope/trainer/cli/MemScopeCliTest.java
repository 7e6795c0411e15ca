package io.memscope.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.export.TraceFile;
import io.memscope.trainer.memory.Action;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemScopeCliTest {
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new MemScopeCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String lenet() {
        return TestPaths.sample("lenet5").toString();
    }

    @Test
    void trainPrintsProgressAndSummaryAndWritesATraceThatExports(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("run.json");
        Result r = run("train", lenet(), "--steps", "4", "--batch", "8", "--eval", "16", "--trace", trace.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("step 4/4"), r.out());
        assertTrue(r.out().matches("(?s).*done: 4 steps, loss \\d+\\.\\d+, train accuracy .*"), r.out());
        assertTrue(r.out().contains("peak device memory"), r.out());
        TraceFile.LoadedTrace t = TraceFile.read(trace);
        assertEquals("LeNet-5", t.info().network());
        assertEquals(4, t.events().stream().filter(e -> e.action() == Action.SEGMENT).count());

        Path perfetto = dir.resolve("run.perfetto.json");
        Result e = run("export", trace.toString(), "--perfetto", perfetto.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(Files.readString(perfetto).contains("\"traceEvents\""));

        Path png = dir.resolve("run.png");
        Result p = run("export", trace.toString(), "--png", png.toString(), "--width", "900", "--height", "600",
                "--steps", "1-2");
        assertEquals(0, p.code(), p.err());
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(600, img.getHeight());
        int activationGreen = io.memscope.trainer.render.TimelineColors.of(io.memscope.trainer.memory.Category.ACTIVATION);
        boolean found = false;
        for (int y = 0; y < img.getHeight() && !found; y++) {
            for (int x = 0; x < img.getWidth() && !found; x++) {
                found = (img.getRGB(x, y) & 0xFFFFFF) == (activationGreen & 0xFFFFFF);
            }
        }
        assertTrue(found, "activation colour present in the picture");
        assertEquals(2, run("export", trace.toString(), "--png", png.toString(), "--steps", "7").code());
    }

    @Test
    void budgetTooSmallIsRefusedBeforeRunningWithTheLargestBatchThatFits(@TempDir Path dir) throws Exception {
        // conv1's output does not fit: the planner refuses before anything runs, naming the largest batch.
        Path trace = dir.resolve("oom.json");
        Result r = run("train", lenet(), "--steps", "2", "--batch", "512", "--budget", "4MiB", "--trace", trace.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("memscope: LeNet-5 at batch 512 in baseline mode needs "), r.err());
        assertTrue(r.err().contains("The largest batch that fits is"), r.err());
        assertFalse(r.err().contains("Exception"), "no stack trace: " + r.err());
        assertFalse(Files.exists(trace), "nothing ran, so there is no trace to write");
    }

    @Test
    void planPrintsLayersCategoriesPeakAndMaxBatch() {
        Result r = run("plan", "resnet18_cifar", "--batch", "8", "--budget", "1GiB", "--max-batch");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("layer4.2.conv2"), r.out());
        assertTrue(r.out().contains("optimizer_state"), r.out());
        assertTrue(r.out().matches("(?s).*peak [0-9.]+ MiB \\([0-9,]+ bytes\\) of 1.0 GiB budget: fits.*"), r.out());
        assertTrue(r.out().matches("(?s).*largest batch that fits 1.0 GiB: \\d+.*"), r.out());
    }

    @Test
    void badInputGetsOneClearLine(@TempDir Path dir) throws Exception {
        Result missing = run("train", dir.resolve("nope.json").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("nope.json: no such file"), missing.err());

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"input\":{\"channels\":1,\"height\":4,\"width\":4},\"layers\":[{\"name\":\"conv3\","
                + "\"type\":\"conv2d\",\"out_channels\":2,\"kernel\":5}]}");
        Result shape = run("plan", bad.toString());
        assertEquals(1, shape.code());
        assertEquals("memscope: " + bad + ": conv3: kernel 5 larger than padded input 4x4 (input 4x4, padding 0)\n",
                shape.err());

        Result data = run("train", lenet(), "--data", "mnist:" + dir.resolve("nowhere"), "--steps", "1");
        assertEquals(1, data.code());
        assertTrue(data.err().contains("nowhere"), data.err());

        Result typo = run("train", lenet(), "--stpes", "3");
        assertEquals(2, typo.code());
        assertTrue(typo.err().contains("'train' does not take --stpes"), typo.err());

        Result budget = run("plan", lenet(), "--budget", "lots");
        assertEquals(1, budget.code());
        assertTrue(budget.err().contains("'lots' is not a size"), budget.err());

        Result mode = run("plan", lenet(), "--mode", "magic");
        assertEquals(1, mode.code());
        assertTrue(mode.err().contains("unknown mode 'magic'; available: baseline"), mode.err());

        Result trace = run("export", dir.resolve("none.json").toString(), "--perfetto", dir.resolve("o.json").toString());
        assertEquals(2, trace.code());
    }

    @Test
    void helpAndListings() {
        assertTrue(run().out().contains("usage: memscope <command>"));
        assertTrue(run("modes").out().startsWith("baseline"));
        assertTrue(run("layers").out().contains("softmax_cross_entropy"));
        assertEquals(2, run("dance").code());
    }
}
