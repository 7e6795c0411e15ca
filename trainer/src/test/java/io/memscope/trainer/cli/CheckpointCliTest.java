package io.memscope.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Gradient checkpointing from the command line: its segments, a larger batch in a budget, training, refusals. */
class CheckpointCliTest {
    private static int number(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        assertTrue(m.find(), regex + " in\n" + out);
        return Integer.parseInt(m.group(1).replace(",", ""));
    }

    /** plan shows the segments and, with --max-batch, finds a larger batch than baseline's in the same budget. */
    @Test
    void planShowsTheSegmentsAndTheLargestBatchInABudget() {
        String resnet = TestPaths.sample("resnet18_cifar").toString();
        MemScopeCliTest.Result base = MemScopeCliTest.run("plan", resnet, "--batch", "32", "--budget", "256MiB",
                "--eval", "0", "--max-batch");
        MemScopeCliTest.Result r = MemScopeCliTest.run("plan", resnet, "--mode", "checkpoint", "--batch", "32",
                "--budget", "256MiB", "--eval", "0", "--max-batch");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("mode checkpoint, batch 32"), r.out());
        assertTrue(r.out().contains("checkpoint: 5 segments, cut at 4 of the 21 places where one tensor crosses\n"
                + "  segment 1: conv1 .. layer1.1.relu2 (10 layers): recomputed in backward from the input; keeps "
                + "layer1.1.relu2's output\n"), r.out());
        String largest = "largest batch that fits 256\\.0 MiB: (\\d+)";
        assertTrue(number(r.out(), largest) > number(base.out(), largest), r.out() + "\n" + base.out());
        String peak = "\\npeak [^(]+\\(([\\d,]+) bytes\\)";
        assertTrue(number(r.out(), peak) < number(base.out(), peak), r.out() + "\n" + base.out());
    }

    /**
     * A budget baseline does not fit at batch 32 (whose advice names checkpointing), checkpointing trains in, with
     * --segments; the measured peak is the planned one.
     */
    @Test
    void trainsWhereBaselineDoesNotFit() {
        String vgg = TestPaths.sample("vgg_small").toString();
        MemScopeCliTest.Result base = MemScopeCliTest.run("train", vgg, "--batch", "32", "--budget", "36MiB", "--steps",
                "1", "--eval", "0");
        assertEquals(1, base.code(), base.out());
        assertTrue(base.err().contains("--mode checkpoint"), base.err());
        MemScopeCliTest.Result r = MemScopeCliTest.run("train", vgg, "--mode", "checkpoint", "--segments", "4",
                "--batch", "32", "--budget", "36MiB", "--steps", "2", "--eval", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("checkpoint: 4 segments"), r.out());
        Matcher m = Pattern.compile("peak device memory (\\S+ \\S+) \\(planned (\\S+ \\S+)\\) of 36\\.0 MiB")
                .matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals(m.group(2), m.group(1), "measured against planned");
    }

    /** More segments than places, a count that is no number, and the setting without the mode are refused. */
    @Test
    void wrongSegmentsAreRefusedWithWhatToDo() {
        String lenet = MemScopeCliTest.lenet();
        MemScopeCliTest.Result many = MemScopeCliTest.run("plan", lenet, "--mode", "checkpoint", "--segments", "40");
        assertEquals(1, many.code());
        assertTrue(many.err().contains("40 segments asked for, but LeNet-5 has 11 places where one tensor crosses, so "
                + "at most 12 segments: use --segments 12 or fewer, or auto"), many.err());
        MemScopeCliTest.Result word = MemScopeCliTest.run("plan", lenet, "--mode", "checkpoint", "--segments", "x");
        assertEquals(2, word.code());
        assertTrue(word.err().contains("--segments must be auto or a whole number of segments"), word.err());
        MemScopeCliTest.Result other = MemScopeCliTest.run("plan", lenet, "--segments", "4");
        assertEquals(2, other.code());
        assertTrue(other.err().contains("--segments is a setting of the checkpoint mode"), other.err());
        assertTrue(MemScopeCliTest.run("modes").out().contains("checkpoint   gradient checkpointing"));
    }
}
