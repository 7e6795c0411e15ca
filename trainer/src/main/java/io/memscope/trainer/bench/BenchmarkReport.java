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
