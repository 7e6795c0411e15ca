package io.memscope.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The engine stays free of JavaFX so it runs headless, in CI and behind the command line. */
class ArchitectureTest {
    @Test
    void trainerImportsNoJavaFx() throws IOException {
        Path src = TestPaths.root().resolve("trainer/src/main/java");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(src)) {
            offenders = files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    return Files.readAllLines(f).stream().anyMatch(l -> l.matches("\\s*import\\s+(static\\s+)?javafx\\..*"));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(Path::toString).toList();
        }
        assertTrue(Files.isDirectory(src));
        assertEquals(List.of(), offenders, "trainer/ must not import JavaFX");
    }
}
