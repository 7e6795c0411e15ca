package io.memscope.app.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The bundled sample networks ({@code samples/*.json}) and data, found from {@code -Dmemscope.root} or by
 * walking up from the working folder.
 */
public final class Samples {
    public static final String DEFAULT_NETWORK = "lenet5.json";

    private Samples() {}

    /** The project folder holding {@code samples/}, or the working folder when none is found. */
    public static Path root() {
        String prop = System.getProperty("memscope.root");
        if (prop != null && Files.isDirectory(Path.of(prop, "samples"))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("samples").resolve(DEFAULT_NETWORK))) {
                return p;
            }
        }
        return dir;
    }

    public static Path folder() {
        return root().resolve("samples");
    }

    /** File names of the sample networks, sorted. */
    public static List<String> networks() {
        try (Stream<Path> files = Files.list(folder())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).map(p -> p.getFileName().toString())
                    .sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    public static Path network(String name) {
        return folder().resolve(name);
    }

    /** The folder of the bundled MNIST subset. */
    public static Path mnistSubset() {
        return folder().resolve("data").resolve("mnist-subset");
    }
}
