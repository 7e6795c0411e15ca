package io.memscope.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The real digits committed under samples/data/mnist-subset load through the ordinary MNIST source. */
class MnistSubsetTest {
    @Test
    void theCommittedSubsetLoads() {
        Path folder = repositoryRoot().resolve("samples/data/mnist-subset");

        DataSplit split = DataSource.parse("mnist:" + folder).open(1, 28, 28, 10, 0);

        assertEquals(8000, split.train().size());
        assertEquals(2000, split.test().size());
        // The counts the README states.
        assertArrayEquals(new int[] {817, 899, 783, 826, 774, 694, 827, 879, 740, 761}, classCounts(split.train()));
        assertArrayEquals(new int[] {184, 228, 208, 206, 206, 169, 187, 191, 204, 217}, classCounts(split.test()));
        // Real MNIST pixels: the MNIST statistics bring them close to mean 0, deviation 1.
        float[] images = DataFiles.allImages(split.test(), new float[2000]);
        double sum = 0;
        double squares = 0;
        for (float v : images) {
            sum += v;
            squares += (double) v * v;
        }
        double mean = sum / images.length;
        double std = Math.sqrt(squares / images.length - mean * mean);
        assertTrue(Math.abs(mean) < 0.05 && Math.abs(std - 1) < 0.05, "mean " + mean + ", std " + std);
    }

    private static int[] classCounts(Dataset data) {
        float[] labels = new float[data.size()];
        DataFiles.allImages(data, labels);
        int[] counts = new int[data.classes()];
        for (float label : labels) {
            counts[(int) label]++;
        }
        return counts;
    }

    /**
     * The folder holding pom.xml and samples/: found by walking up from memscope.root, which the build sets, or
     * from the working folder when run from an IDE. Walking up also covers a build started inside trainer/.
     */
    static Path repositoryRoot() {
        String property = System.getProperty("memscope.root", "");
        Path start = (property.isBlank() ? Path.of("") : Path.of(property)).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("samples")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no folder above " + start + " holds samples/ and pom.xml;"
                + " set -Dmemscope.root to the MemScope checkout");
    }
}
