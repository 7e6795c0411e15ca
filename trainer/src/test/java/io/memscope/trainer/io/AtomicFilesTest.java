package io.memscope.trainer.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesUtf8TextAndCreatesParentDirectories() throws IOException {
        Path target = dir.resolve("a/b/c/out.txt");
        AtomicFiles.write(target, w -> w.write("größe ✓ \"x\"\n"));
        assertEquals("größe ✓ \"x\"\n", Files.readString(target, StandardCharsets.UTF_8));
        assertEquals(List.of(target), listing(target.getParent()));
    }

    @Test
    void replacesExistingContent() throws IOException {
        Path target = dir.resolve("out.txt");
        AtomicFiles.write(target, w -> w.write("a much longer first version"));
        AtomicFiles.write(target, w -> w.write("second"));
        assertEquals("second", Files.readString(target));
        assertEquals(List.of(target), listing(dir));
    }

    @Test
    void failingWriterLeavesPreviousContentAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("out.txt");
        AtomicFiles.write(target, w -> w.write("previous"));
        IOException failure = new IOException("disk on fire");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(target, w -> {
            w.write("half of the new cont");
            w.flush();
            throw failure;
        }));
        assertSame(failure, thrown);
        assertEquals("previous", Files.readString(target));
        assertEquals(List.of(target), listing(dir));
    }

    @Test
    void runtimeFailureAlsoLeavesPreviousContent() throws IOException {
        Path target = dir.resolve("out.bin");
        AtomicFiles.writeStream(target, out -> out.write(new byte[] {1, 2, 3}));
        assertThrows(UncheckedIOException.class, () -> AtomicFiles.writeStream(target, out -> {
            out.write(new byte[1000]);
            throw new UncheckedIOException(new IOException("stream broke"));
        }));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        assertEquals(List.of(target), listing(dir));
    }

    @Test
    void failureWithoutPreviousFileLeavesNothing() throws IOException {
        Path target = dir.resolve("never.txt");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, w -> {
            throw new IOException("no");
        }));
        assertEquals(List.of(), listing(dir));
    }

    @Test
    void bodyMayCloseWhatItWrapsAroundTheStream() throws IOException {
        Path target = dir.resolve("out.txt.gz");
        byte[] payload = "compressed content ".repeat(1000).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.writeStream(target, out -> {
            try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                gzip.write(payload);
            }
        });
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(target))) {
            assertArrayEquals(payload, in.readAllBytes());
        }
    }

    @Test
    void writerLeftOpenIsFlushed() throws IOException {
        Path target = dir.resolve("open.txt");
        String text = "x".repeat(100_000);
        AtomicFiles.write(target, w -> w.write(text));
        assertEquals(text, Files.readString(target));
    }

    private static List<Path> listing(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            return files.sorted().toList();
        }
    }
}
