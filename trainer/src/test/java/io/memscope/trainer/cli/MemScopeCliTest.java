package io.memscope.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.HostTierEvents;
import io.memscope.trainer.TestPaths;
import io.memscope.trainer.export.TraceFile;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.TraceInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    void exportSaysTheHostPeakOfATraceWithHostMemory(@TempDir Path dir) throws Exception {
        TraceInfo info = new TraceInfo("net", "out-of-core", "cpu", 8, 5 * HostTierEvents.B, java.util.Map.of());
        Path trace = dir.resolve("host.json");
        TraceFile.write(trace, info, HostTierEvents.pattern());
        Path png = dir.resolve("host.png");
        Result r = run("export", trace.toString(), "--png", png.toString(), "--perfetto",
                dir.resolve("host.perfetto.json").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().endsWith("host memory peak 12.0 KiB (copies swapped out of the device, not part of the "
                + "budget)" + System.lineSeparator()), r.out());

        Path deviceOnly = dir.resolve("device.json");
        TraceFile.write(deviceOnly, info, HostTierEvents.pattern().stream()
                .filter(e -> e.category() != Category.HOST).toList());
        Result plain = run("export", deviceOnly.toString(), "--png", dir.resolve("device.png").toString());
        assertEquals(0, plain.code(), plain.err());
        assertFalse(plain.out().contains("host memory"), plain.out());
    }

    @Test
    void exportsTheTimelineAsSvgBesideThePng(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("run.json");
        Result r = run("train", "lenet5", "--steps", "2", "--batch", "8", "--eval", "16", "--quiet",
                "--trace", trace.toString());
        assertEquals(0, r.code(), r.err());

        Path svg = dir.resolve("out/run.svg");
        Path png = dir.resolve("run.png");
        Result e = run("export", trace.toString(), "--svg", svg.toString(), "--png", png.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("wrote " + svg + " (1920x1080)"), e.out());
        assertTrue(e.out().contains("wrote " + png + " (1920x1080)"), e.out());
        javax.xml.parsers.DocumentBuilderFactory f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        org.w3c.dom.Document doc = f.newDocumentBuilder().parse(svg.toFile());
        assertEquals("http://www.w3.org/2000/svg", doc.getDocumentElement().getNamespaceURI());
        assertEquals("1920", doc.getDocumentElement().getAttribute("width"));
        org.w3c.dom.NodeList texts = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
        assertTrue(texts.item(0).getTextContent().startsWith("LeNet-5"), texts.item(0).getTextContent());
        System.out.printf("LeNet-5, 2 steps: SVG at 1920x1080 has %,d bytes%n", Files.size(svg));

        Path zoomed = dir.resolve("step2.svg");
        Result z = run("export", trace.toString(), "--svg", zoomed.toString(), "--width", "900", "--height", "600",
                "--steps", "2", "--axis", "events");
        assertEquals(0, z.code(), z.err());
        assertEquals("900", f.newDocumentBuilder().parse(zoomed.toFile()).getDocumentElement().getAttribute("width"));

        Path bad = dir.resolve("bad.svg");
        Result narrow = run("export", trace.toString(), "--svg", bad.toString(), "--width", "5");
        assertEquals(2, narrow.code());
        assertEquals("memscope: --width must be from 200 to 16384, got 5\n", narrow.err());
        Result huge = run("export", trace.toString(), "--svg", bad.toString(), "--width", "16384", "--height", "16384");
        assertEquals(1, huge.code());
        assertTrue(huge.err().matches("memscope: image 16384x16384 has more than \\d+ pixels; [^\n]*\n"), huge.err());
        Result dirAsFile = run("export", trace.toString(), "--svg", dir.toString());
        assertEquals(1, dirAsFile.code());
        assertEquals(1, dirAsFile.err().lines().count(), dirAsFile.err());
        assertFalse(Files.exists(bad));
        Result nothing = run("export", trace.toString(), "--width", "800");
        assertEquals(2, nothing.code());
        assertTrue(nothing.err().contains("--svg OUT.svg"), nothing.err());
    }

    @Test
    void budgetTooSmallIsRefusedBeforeRunningWithTheLargestBatchThatFits(@TempDir Path dir) throws Exception {
        // conv1's output does not fit: the planner refuses before anything runs, naming the largest batch.
        Path trace = dir.resolve("oom.json");
        Result r = run("train", lenet(), "--steps", "2", "--batch", "44", "--budget", "2MiB", "--trace", trace.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("memscope: LeNet-5 at batch 44 in baseline mode does not fit: the run needs "),
                r.err());
        assertTrue(r.err().matches("(?s).*; what fits: --batch \\d+, --mode row-centric --bands \\d+ or --budget [0-9.]+MiB\n"),
                r.err());
        assertFalse(r.err().contains("Exception"), "no stack trace: " + r.err());
        assertFalse(Files.exists(trace), "nothing ran, so there is no trace to write");
    }

    @Test
    void adviceFitsTheCase() {
        // parameters, gradients and momentum alone exceed the budget: only a budget helps, and no batch is offered
        Result big = run("train", "vgg16", "--batch", "2", "--budget", "64MiB");
        assertEquals(1, big.code());
        assertTrue(big.err().contains("parameters, gradients and optimizer state alone need 1.5 GiB, more than the "
                + "64.0 MiB budget"), big.err());
        assertTrue(big.err().matches("(?s).*what fits: --budget [0-9.]+GiB \\(no smaller batch or other mode helps\\)\n"),
                big.err());
        assertFalse(big.err().contains("--batch"), big.err());

        // already row-centric: the advice is this mode's setting, not "a memory-saving mode"
        Result rows = run("train", lenet(), "--mode", "row-centric", "--batch", "64", "--budget", "2MiB");
        assertEquals(1, rows.code());
        assertTrue(rows.err().contains("(training forward band 4/4 of segment 1: relu1.out@f4"), rows.err());
        assertTrue(rows.err().matches("(?s).*what fits: --batch \\d+, --bands \\d+( --bwd-bands \\d+)? or --budget .*"),
                rows.err());
        assertFalse(rows.err().contains("--mode"), rows.err());
    }

    @Test
    void planSaysWhatFitsAndCoversTheEvaluation() {
        Result r = run("plan", lenet(), "--batch", "44", "--budget", "2MiB", "--mode", "row-centric");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("then evaluation in batches of 44"), r.out());
        assertTrue(r.out().matches("(?s).*training step peak [0-9.]+ MiB, evaluation peak [0-9.]+ [KM]iB\n.*"), r.out());

        Result no = run("plan", lenet(), "--batch", "44", "--budget", "2MiB");
        assertEquals(0, no.code(), no.err());
        assertTrue(no.out().matches("(?s).*does NOT fit — training forward: relu1.out .*\nwhat fits: --batch 22, "
                + "--mode row-centric --bands \\d+ or --budget [0-9.]+MiB\n.*"), no.out());

        Result none = run("plan", lenet(), "--batch", "44", "--budget", "2MiB", "--mode", "row-centric", "--eval", "0");
        assertTrue(none.out().contains("no evaluation"), none.out());
    }

    @Test
    void planRefusesABudgetTheCpuDeviceCannotHold() {
        Result r = run("plan", lenet(), "--budget", "1TiB");
        assertEquals(1, r.code());
        assertTrue(r.out().contains("budget: fits"), r.out());
        assertTrue(r.err().startsWith("memscope: the plan is for a 1.0 TiB device, but the CPU backend cannot run it: "
                + "a 1.0 TiB CPU device does not fit one Java float array"), r.err());
    }

    @Test
    void aBatchOfThreeThousandTrainsAndEvaluates() {
        // the evaluation buffer's size once overflowed an int at this batch
        Result r = run("train", lenet(), "--batch", "3000", "--steps", "1", "--eval", "3000", "--budget", "1GiB");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test accuracy"), r.out());
        assertTrue(r.out().matches("(?s).*peak device memory ([0-9.]+ MiB) \\(planned \\1\\).*"), r.out());
    }

    @Test
    void aTraceThatCannotBeWrittenFailsTheRunWithOneLine(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Result r = run("train", lenet(), "--steps", "1", "--eval", "0", "--trace", file.resolve("t.json").toString());
        assertEquals(1, r.code(), "the trace asked for was not written");
        assertTrue(r.out().contains("done: 1 steps"), "the run itself finished: " + r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("memscope: could not write the trace to " + file.resolve("t.json")
                + ": a file stands where a folder is needed (" + file + ")"), r.err());
    }

    @Test
    void aBadStepRangeWritesNothing(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("run.json");
        assertEquals(0, run("train", lenet(), "--steps", "2", "--eval", "0", "--trace", trace.toString()).code());
        Path perfetto = dir.resolve("p.json");
        Result r = run("export", trace.toString(), "--perfetto", perfetto.toString(), "--png",
                dir.resolve("p.png").toString(), "--steps", "7");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("it has steps 1 to 2"), r.err());
        assertFalse(Files.exists(perfetto), "nothing written before the range was checked");
        Result only = run("export", trace.toString(), "--perfetto", perfetto.toString(), "--steps", "1");
        assertEquals(2, only.code());
        assertTrue(only.err().contains("--steps chooses the range of a picture"), only.err());
    }

    @Test
    void anUnknownOptionBeforeTheNetworkIsNamed() {
        Result r = run("train", "--fast", lenet());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("memscope: --fast " + lenet() + " is not an option here"), r.err());
        Result trace = run("train", "--trace", "out.json");
        assertTrue(trace.err().contains("name one network file"), "--trace takes a file: " + trace.err());
    }

    @Test
    void everyCommandTakesHelp() {
        for (String command : new String[] {"train", "plan", "export", "modes", "layers"}) {
            Result r = run(command, "--help");
            assertEquals(0, r.code(), command + ": " + r.err());
            assertTrue(r.out().startsWith("MemScope: memory-efficient CNN training"), command + ": " + r.out());
            assertTrue(r.err().isEmpty(), r.err());
        }
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
        assertEquals(2, budget.code());
        assertTrue(budget.err().contains("'lots' is not a size"), budget.err());

        Result mode = run("plan", lenet(), "--mode", "magic");
        assertEquals(2, mode.code());
        assertTrue(mode.err().contains("unknown mode 'magic'; available: baseline"), mode.err());

        Result trace = run("export", dir.resolve("none.json").toString(), "--perfetto", dir.resolve("o.json").toString());
        assertEquals(2, trace.code());
    }

    @Test
    void rowCentricSettingsReachTheModeInPlanAndTrain(@TempDir Path dir) throws Exception {
        Result plan = run("plan", lenet(), "--batch", "4", "--mode", "row-centric", "--halo", "two-phase", "--bands",
                "8", "--bwd-bands", "rows:4", "--cuts", "none", "--layer-bands", "conv2=2");
        assertEquals(0, plan.code(), plan.err());
        assertTrue(plan.out().contains("LeNet-5, row-centric (two-phase, 8 bands (backward rows:4), cuts none, "
                + "layers conv2=2):"), plan.out());
        assertTrue(plan.out().contains("segment 1: conv1..pool1 reads input (28 rows); writes pool1; forward 8 bands, "
                + "backward 7 bands\n"), plan.out());
        assertTrue(plan.out().contains("segment 2: conv2..pool2 reads pool1 (14 rows); writes pool2; forward 2 bands, "
                + "backward 2 bands\n"), plan.out());
        Result defaults = run("plan", lenet(), "--batch", "4", "--mode", "row-centric");
        assertTrue(defaults.out().contains("(overlap, 4 bands, cuts downsampling)"), defaults.out());
        assertFalse(run("plan", lenet(), "--batch", "4").out().contains("segment"), "baseline has no layout");

        Path trace = dir.resolve("rows.json");
        Result train = run("train", lenet(), "--steps", "2", "--batch", "4", "--eval", "0", "--mode", "row-centric",
                "--bands=7", "--halo", "two-phase", "--trace", trace.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("mode row-centric"), train.out());
        assertTrue(train.out().contains("row-centric (two-phase, 7 bands, cuts downsampling)"), train.out());
        assertTrue(train.out().contains("done: 2 steps"), train.out());
        assertTrue(TraceFile.read(trace).events().stream().anyMatch(e -> e.phase().equals("forward band 7/7 of segment 1")),
                "the run used the 7 bands asked for");
    }

    @Test
    void aSettingOfAnotherModeIsRefused() {
        Result plan = run("plan", lenet(), "--bands", "8");
        assertEquals(2, plan.code());
        assertEquals("memscope: --bands is a setting of the row-centric mode, not of baseline; add --mode row-centric "
                + "or leave --bands out\n", plan.err());
        Result train = run("train", lenet(), "--mode", "baseline", "--halo", "overlap", "--steps", "1");
        assertEquals(2, train.code());
        assertTrue(train.err().startsWith("memscope: --halo is a setting of the row-centric mode"), train.err());
        assertEquals("", train.out(), "nothing ran");
    }

    @Test
    void rowCentricBadInputGetsOneLineBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("never.json");
        Result tooMany = run("train", lenet(), "--mode", "row-centric", "--bands", "29", "--steps", "1", "--trace",
                trace.toString());
        assertEquals(1, tooMany.code());
        assertEquals("memscope: row-centric: 29 forward bands are more than the 28 rows of the input map; use at most "
                + "28 bands\n", tooMany.err());
        assertEquals("", tooMany.out(), "refused before training starts");
        assertFalse(Files.exists(trace), "nothing ran, so there is no trace");

        Result layer = run("plan", lenet(), "--mode", "row-centric", "--layer-bands", "conv2=15");
        assertEquals(1, layer.code());
        assertTrue(layer.err().contains("15 forward bands are more than the 14 rows of the segment starting at conv2"),
                layer.err());

        Path mlp = dir.resolve("mlp.json");
        Files.writeString(mlp, """
                {"name": "mlp", "input": {"channels": 1, "height": 8, "width": 8}, "layers": [
                 {"name": "flat", "type": "flatten"}, {"name": "fc", "type": "linear", "out_features": 3},
                 {"name": "loss", "type": "softmax_cross_entropy"}]}""");
        Result noTrunk = run("train", mlp.toString(), "--mode", "row-centric", "--steps", "1");
        assertEquals(1, noTrunk.code());
        assertTrue(noTrunk.err().startsWith("memscope: row-centric: network 'mlp' has no convolutional trunk"),
                noTrunk.err());
        assertTrue(noTrunk.err().contains("Use the baseline mode for this network."), noTrunk.err());

        Path gap = dir.resolve("gap.json");
        Files.writeString(gap, """
                {"name": "gap", "input": {"channels": 1, "height": 8, "width": 8}, "layers": [
                 {"name": "c1", "type": "conv2d", "out_channels": 2, "kernel": 3, "padding": 1},
                 {"name": "gap", "type": "global_avgpool"},
                 {"name": "c2", "type": "conv2d", "out_channels": 3, "kernel": 1},
                 {"name": "flat", "type": "flatten"},
                 {"name": "loss", "type": "softmax_cross_entropy"}]}""");
        Result split = run("plan", gap.toString(), "--mode", "row-centric");
        assertEquals(1, split.code());
        assertTrue(split.err().startsWith("memscope: row-centric: cannot split layer gap (global_avgpool) into row "
                + "bands"), split.err());

        Result value = run("plan", lenet(), "--mode", "row-centric", "--bands", "many");
        assertEquals(2, value.code(), "the setting alone is wrong: a usage error");
        assertEquals("memscope: --bands: 'many' is not a band count (e.g. 4) or a band height (e.g. rows:8)\n",
                value.err());
        Result unknown = run("plan", lenet(), "--mode", "row-centric", "--layer-bands", "conv9=2");
        assertTrue(unknown.err().contains("row-centric: the network has no layer named 'conv9'"), unknown.err());

        for (Result r : List.of(tooMany, layer, noTrunk, split, value, unknown)) {
            assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        }
    }

    @Test
    void helpAndListings() {
        assertTrue(run().out().contains("usage: memscope <command>"));
        assertTrue(run("modes").out().startsWith("baseline"));
        assertTrue(run("modes").out().contains("  --halo         how bands share their boundary rows"), run("modes").out());
        String layers = run("layers").out();
        assertTrue(layers.startsWith("conv2d"), layers);
        assertTrue(layers.contains("  kernel           kernel size in rows and columns (required)"), layers);
        assertTrue(layers.contains("  stride           step between windows (default same as kernel)"), layers);
        assertTrue(run("layers").out().contains("softmax_cross_entropy"));
        assertEquals(2, run("dance").code());
    }

    @Test
    void bandsAutoChoosesForTheBudgetAndPrintsTheChoice() {
        var r = run("plan", TestPaths.sample("vgg_small").toString(), "--batch", "8", "--mode", "row-centric",
                "--bands", "auto", "--budget", "64MiB");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("row-centric bands for a 64.0 MiB budget at batch 8:"), r.out());
        assertTrue(r.out().contains("chosen: overlap, 1 band"), r.out());
        var none = run("plan", TestPaths.sample("vgg_small").toString(), "--batch", "8", "--mode", "row-centric",
                "--bands", "auto", "--budget", "4MiB");
        assertEquals(1, none.code());
        assertTrue(none.err().startsWith("memscope: row-centric: no band count fits 4.0 MiB at batch 8"), none.err());
    }

}
