package io.memscope.trainer;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's top level is, for tests that read samples. */
public final class TestPaths {
    private TestPaths() {}

    public static Path root() {
        String prop = System.getProperty("memscope.root");
        if (prop != null && Files.isDirectory(Path.of(prop, "samples"))) {
            return Path.of(prop);
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.isDirectory(p.resolve("samples")) && Files.exists(p.resolve("pom.xml")))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root from " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    public static Path sample(String name) {
        return root().resolve("samples").resolve(name + ".json");
    }
}
