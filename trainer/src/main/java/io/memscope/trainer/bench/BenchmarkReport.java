package io.memscope.trainer.bench;

import io.memscope.trainer.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes one benchmark's results into its own marked section of {@code docs/BENCHMARKS.md}
 * ({@code <!-- NAME:begin -->} … {@code <!-- NAME:end -->}), leaving the rest of the file as it is, so each
 * benchmark program refreshes its numbers without touching the others' or the prose around them.
 */
public final class BenchmarkReport {
    private BenchmarkReport() {}

    /** A benchmark's body: prints its results as it goes and returns its section's markdown. */
    @FunctionalInterface
    public interface Body {
        String run(Path root) throws Exception;
    }

    /**
     * What a benchmark program's main does: quiets netlib's start-up log, runs the body on the repository root
     * (the first argument, else the working folder) and rewrites the section {@code name} of its
     * {@code docs/BENCHMARKS.md}.
     */
    public static void run(String[] args, String name, Body body) throws Exception {
        java.util.logging.Logger.getLogger("dev.ludovic.netlib").setLevel(java.util.logging.Level.WARNING);
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        String markdown = body.run(root);
        Path doc = root.resolve("docs/BENCHMARKS.md");
        writeSection(doc, name, markdown);
        System.out.println("\nwritten to " + doc);
    }

    public static void writeSection(Path file, String name, String markdown) throws IOException {
        String begin = "<!-- " + name + ":begin -->";
        String end = "<!-- " + name + ":end -->";
        String old = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# Benchmarks\n";
        String section = begin + "\n" + markdown.strip() + "\n" + end;
        int b = old.indexOf(begin);
        int e = old.indexOf(end);
        String updated = b >= 0 && e > b
                ? old.substring(0, b) + section + old.substring(e + end.length())
                : old.stripTrailing() + "\n\n" + section + "\n";
        AtomicFiles.write(file, w -> w.write(updated));
    }
}
