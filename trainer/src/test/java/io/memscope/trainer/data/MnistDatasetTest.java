package io.memscope.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistDatasetTest {
    @TempDir
    Path dir;

    @Test
    void loadsPlainFilesAndNormalizesWithMnistStatistics() {
        DataFiles.mnistFolder(dir, new int[] {3, 1, 4, 1, 5}, new int[] {9, 2});

        MnistDataset train = MnistDataset.train(dir);
        MnistDataset test = MnistDataset.test(dir);

        assertEquals(5, train.size());
        assertEquals(2, test.size());
        assertEquals("1x28x28", Datasets.shape(train));
        assertEquals(10, train.classes());
        assertTrue(train.name().startsWith("MNIST train"), train.name());
        assertTrue(test.name().startsWith("MNIST test"), test.name());

        float[] labels = new float[2];
        float[] images = new float[2 * 784];
        train.fill(new int[] {4, 1}, images, labels);
        assertArrayEquals(new float[] {5, 1}, labels);
        for (int p = 0; p < 784; p++) {
            assertEquals((DataFiles.pixel(4, p) / 255f - 0.1307f) / 0.3081f, images[p], 1e-6f);
            assertEquals((DataFiles.pixel(1, p) / 255f - 0.1307f) / 0.3081f, images[784 + p], 1e-6f);
        }
    }

    @Test
    void loadsGzippedFilesUnderTheDottedNames() {
        DataFiles.write(dir.resolve("train-images.idx3-ubyte.gz"), DataFiles.gzip(DataFiles.idxImages(3, 28, 28)));
        DataFiles.write(dir.resolve("train-labels.idx1-ubyte.gz"), DataFiles.gzip(DataFiles.idxLabels(7, 8, 9)));

        MnistDataset train = MnistDataset.train(dir);

        assertEquals(3, train.size());
        assertEquals(8, train.label(1));
        float[] gz = DataFiles.allImages(train, new float[3]);
        DataFiles.mnistFolder(dir.resolve("plain"), new int[] {7, 8, 9}, new int[] {0});
        float[] plain = DataFiles.allImages(MnistDataset.train(dir.resolve("plain")), new float[3]);
        assertArrayEquals(plain, gz);
    }

    @Test
    void recognizesGzipByContentWhateverTheName() {
        DataFiles.write(dir.resolve("t10k-images-idx3-ubyte"), DataFiles.gzip(DataFiles.idxImages(2, 28, 28)));
        DataFiles.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), DataFiles.idxLabels(0, 6));

        MnistDataset test = MnistDataset.test(dir);

        assertEquals(2, test.size());
        assertEquals(6, test.label(1));
    }

    @Test
    void readsOtherImageSizesFromTheHeader() {
        Path images = DataFiles.write(dir.resolve("imgs"), DataFiles.idxImages(2, 5, 7));
        Path labels = DataFiles.write(dir.resolve("lbls"), DataFiles.idxLabels(1, 2));

        MnistDataset data = MnistDataset.read(images, labels, "small");

        assertEquals("1x5x7", Datasets.shape(data));
        assertEquals("small", data.name());
    }

    @Test
    void swappedFilesReportTheMagicNumber() {
        DataFiles.mnistFolder(dir, new int[] {1, 2}, new int[] {3});
        DataFiles.write(dir.resolve("train-images-idx3-ubyte"), DataFiles.idxLabels(1, 2));

        DataException e = assertThrows(DataException.class, () -> MnistDataset.train(dir));

        assertMentions(e, "train-images-idx3-ubyte", "2049", "2051", "swapped");
    }

    @Test
    void foreignFilesReportTheMagicNumber() {
        DataFiles.mnistFolder(dir, new int[] {1, 2}, new int[] {3});
        DataFiles.write(dir.resolve("t10k-labels-idx1-ubyte"), "hello, world".getBytes());

        DataException e = assertThrows(DataException.class, () -> MnistDataset.test(dir));

        assertMentions(e, "t10k-labels-idx1-ubyte", "not an IDX file");
    }

    @Test
    void truncatedPlainFileIsReported() {
        DataFiles.mnistFolder(dir, new int[] {1, 2, 3}, new int[] {3});
        byte[] images = DataFiles.idxImages(3, 28, 28);
        DataFiles.write(dir.resolve("train-images-idx3-ubyte"), Arrays.copyOf(images, images.length - 100));

        DataException e = assertThrows(DataException.class, () -> MnistDataset.train(dir));

        assertMentions(e, "train-images-idx3-ubyte", "truncated", "3 images");
    }

    @Test
    void truncatedGzipFileIsReported() {
        byte[] gz = DataFiles.gzip(DataFiles.idxImages(20, 28, 28));
        DataFiles.write(dir.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length / 2));
        DataFiles.write(dir.resolve("train-labels-idx1-ubyte.gz"), DataFiles.gzip(DataFiles.idxLabels(new int[20])));

        DataException e = assertThrows(DataException.class, () -> MnistDataset.train(dir));

        assertMentions(e, "train-images-idx3-ubyte.gz", "truncated");
    }

    @Test
    void fileEndingInsideTheHeaderIsReported() {
        DataFiles.mnistFolder(dir, new int[] {1}, new int[] {3});
        DataFiles.write(dir.resolve("train-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0});

        DataException e = assertThrows(DataException.class, () -> MnistDataset.train(dir));

        assertMentions(e, "train-labels-idx1-ubyte", "header");
    }

    @Test
    void extraBytesAfterTheDataAreReported() {
        DataFiles.mnistFolder(dir, new int[] {1, 2}, new int[] {3});
        byte[] labels = DataFiles.idxLabels(1, 2);
        DataFiles.write(dir.resolve("train-labels-idx1-ubyte"), Arrays.copyOf(labels, labels.length + 3));

        DataException e = assertThrows(DataException.class, () -> MnistDataset.train(dir));

        assertMentions(e, "train-labels-idx1-ubyte", "left over");
    }

    @Test
    void countMismatchNamesBothFiles() {
        DataFiles.mnistFolder(dir, new int[] {1, 2, 3}, new int[] {3});
        DataFiles.write(dir.resolve("train-labels-idx1-ubyte"), DataFiles.idxLabels(1, 2));

        DataException e = assertThrows(DataException.class, () -> MnistDataset.train(dir));

        assertMentions(e, "train-images-idx3-ubyte", "3 images", "train-labels-idx1-ubyte", "2 labels");
    }

    @Test
    void labelsOutsideTheDigitsAreReported() {
        DataFiles.mnistFolder(dir, new int[] {1, 12, 3}, new int[] {3});

        DataException e = assertThrows(DataException.class, () -> MnistDataset.train(dir));

        assertMentions(e, "train-labels-idx1-ubyte", "item 1", "label 12");
    }

    @Test
    void missingFileSaysWhatToDownload() {
        DataFiles.write(dir.resolve("train-labels-idx1-ubyte"), DataFiles.idxLabels(1));

        DataException e = assertThrows(DataException.class, () -> MnistDataset.train(dir));

        assertMentions(e, dir.toString(), "has no train-images-idx3-ubyte[.gz]", "http://yann.lecun.com/exdb/mnist/");
    }

    @Test
    void missingFolderIsReported() {
        Path missing = dir.resolve("nowhere");

        DataException e = assertThrows(DataException.class, () -> MnistDataset.train(missing));

        assertMentions(e, "MNIST", missing.toString(), "does not exist");
    }

    @Test
    void fillRejectsIndicesOutsideTheDataset() {
        DataFiles.mnistFolder(dir, new int[] {1, 2}, new int[] {3});
        MnistDataset train = MnistDataset.train(dir);

        assertThrows(IndexOutOfBoundsException.class, () -> train.fill(new int[] {2}, new float[784], new float[1]));
        assertThrows(IllegalArgumentException.class, () -> train.fill(new int[] {0, 1}, new float[784], new float[2]));
    }

    static void assertMentions(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message lacks '" + part + "': " + e.getMessage());
        }
    }
}
