package io.memscope.trainer.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.memscope.trainer.TestPaths;
import io.memscope.trainer.cli.MemScopeCli;
import io.memscope.trainer.export.PerfettoExporter;
import io.memscope.trainer.export.TraceFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One run of three steps, read back everywhere a step is shown: the command line's progress, Perfetto's step
 * slices and the timeline picture's step labels all say steps 1, 2 and 3, and {@code export --steps 2} shows
 * the second step.
 */
class StepNumberingTest {
    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void theFirstStepIsStepOneEverywhere(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("run.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new MemScopeCli(new PrintStream(out, true, StandardCharsets.UTF_8), System.err).run("train",
                TestPaths.sample("lenet5").toString(), "--steps", "3", "--batch", "8", "--eval", "0", "--log-every", "1",
                "--budget", "64MiB", "--trace", trace.toString());
        assertEquals(0, code);
        assertEquals(List.of(1, 2, 3), numbers(out.toString(StandardCharsets.UTF_8), "\\] step (\\d+)/3"));

        TraceFile.LoadedTrace t = TraceFile.read(trace);
        StringWriter perfetto = new StringWriter();
        PerfettoExporter.export(perfetto, t.info(), t.events());
        List<Integer> slices = new ArrayList<>();
        for (JsonElement e : JsonParser.parseString(perfetto.toString()).getAsJsonObject().getAsJsonArray("traceEvents")) {
            JsonObject o = e.getAsJsonObject();
            if ("X".equals(o.get("ph").getAsString()) && o.get("name").getAsString().startsWith("step ")) {
                int n = Integer.parseInt(o.get("name").getAsString().substring(5));
                assertEquals(n, o.getAsJsonObject("args").get("step").getAsInt(), "slice name and argument agree");
                slices.add(n);
            }
        }
        assertEquals(List.of(1, 2, 3), slices);

        TimelineModel model = TimelineModel.of(t.info(), t.events());
        RecordingCanvas picture = RecordingCanvas.paint(model, 1600, 900, Viewport.of(model));
        List<String> labels = picture.textsStartingWith("step ").stream().map(RecordingCanvas.Text::text).toList();
        assertTrue(labels.contains("step 1") && labels.contains("step 3") && !labels.contains("step 0"),
                labels.toString());

        Path png = dir.resolve("second.png");
        code = new MemScopeCli(new PrintStream(new ByteArrayOutputStream()), System.err).run("export", trace.toString(),
                "--png", png.toString(), "--steps", "2");
        assertEquals(0, code);
        assertTrue(png.toFile().length() > 0);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        code = new MemScopeCli(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true,
                StandardCharsets.UTF_8)).run("export", trace.toString(), "--png", png.toString(), "--steps", "4");
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("it has steps 1 to 3"), err.toString());
    }

    private static List<Integer> numbers(String text, String regex) {
        List<Integer> out = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }
}
