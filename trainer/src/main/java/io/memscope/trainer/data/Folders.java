package io.memscope.trainer.data;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks on the folder a data source names, worded the same for every source. */
final class Folders {
    private Folders() {}

    static void requireFolder(String source, Path dir, String whatToGive) {
        if (Files.isRegularFile(dir)) {
            throw new DataException(source + ": " + dir + " is a file; " + whatToGive);
        }
        if (!Files.isDirectory(dir)) {
            throw new DataException(source + ": folder " + dir.toAbsolutePath() + " does not exist; " + whatToGive);
        }
    }
}
