package io.memscope.trainer.data;

import static io.memscope.trainer.data.MnistDatasetTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10DatasetTest {
    private static final float[] MEAN = {0.4914f, 0.4822f, 0.4465f};
    private static final float[] STD = {0.2470f, 0.2435f, 0.2616f};

    @TempDir
    Path dir;

    @Test
    void loadsTheUnpackedArchiveFolderAndNormalizesPerChannel() {
        Path batches = dir.resolve("cifar-10-batches-bin");
        for (int k = 1; k <= 5; k++) {
            DataFiles.write(batches.resolve("data_batch_" + k + ".bin"), DataFiles.cifarRecords(k, 9));
        }
        DataFiles.write(batches.resolve("test_batch.bin"), DataFiles.cifarRecords(0, 1, 2));

        Cifar10Dataset train = Cifar10Dataset.train(dir);
        Cifar10Dataset test = Cifar10Dataset.test(dir);

        assertEquals(10, train.size());
        assertEquals(3, test.size());
        assertEquals("3x32x32", Datasets.shape(train));
        assertEquals("CIFAR-10 train (" + batches + ")", train.name());
        float[] labels = new float[2];
        float[] images = new float[2 * 3072];
        train.fill(new int[] {4, 5}, images, labels);
        // Record 4 is the first of data_batch_3, record 5 the second.
        assertArrayEquals(new float[] {3, 9}, labels);
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 1024; p++) {
                int b = c * 1024 + p;
                assertEquals((DataFiles.pixel(0, b) / 255f - MEAN[c]) / STD[c], images[b], 1e-6f);
                assertEquals((DataFiles.pixel(1, b) / 255f - MEAN[c]) / STD[c], images[3072 + b], 1e-6f);
            }
        }
    }

    @Test
    void loadsTheBatchesPresentAndSaysHowMany() {
        DataFiles.write(dir.resolve("data_batch_1.bin"), DataFiles.cifarRecords(1, 2, 3));
        DataFiles.write(dir.resolve("data_batch_4.bin"), DataFiles.cifarRecords(4));

        Cifar10Dataset train = Cifar10Dataset.train(dir);

        assertEquals(4, train.size());
        assertEquals(4, train.label(3));
        assertTrue(train.name().contains("2 of 5 batches"), train.name());
    }

    @Test
    void lengthNotAMultipleOfTheRecordIsReported() {
        DataFiles.write(dir.resolve("data_batch_1.bin"), new byte[1000]);

        DataException e = assertThrows(DataException.class, () -> Cifar10Dataset.train(dir));

        assertMentions(e, "data_batch_1.bin", "is 1000 bytes, not a multiple of 3073", "binary version");
    }

    @Test
    void emptyFileIsReported() {
        DataFiles.write(dir.resolve("test_batch.bin"), new byte[0]);

        DataException e = assertThrows(DataException.class, () -> Cifar10Dataset.test(dir));

        assertMentions(e, "test_batch.bin", "empty");
    }

    @Test
    void labelsOutsideTheTenClassesAreReported() {
        DataFiles.write(dir.resolve("test_batch.bin"), DataFiles.cifarRecords(0, 1, 10));

        DataException e = assertThrows(DataException.class, () -> Cifar10Dataset.test(dir));

        assertMentions(e, "test_batch.bin", "record 2", "label 10");
    }

    @Test
    void missingBatchesSayWhatToDownload() {
        DataFiles.write(dir.resolve("test_batch.bin"), DataFiles.cifarRecords(0));

        DataException e = assertThrows(DataException.class, () -> Cifar10Dataset.train(dir));

        assertMentions(e, dir.toString(), "no data_batch_1.bin", "cifar-10-binary.tar.gz");
    }

    @Test
    void missingTestBatchIsReported() {
        DataFiles.write(dir.resolve("data_batch_1.bin"), DataFiles.cifarRecords(0));

        DataException e = assertThrows(DataException.class, () -> Cifar10Dataset.test(dir));

        assertMentions(e, "no test_batch.bin");
    }

    @Test
    void missingFolderIsReported() {
        Path missing = dir.resolve("absent");

        DataException e = assertThrows(DataException.class, () -> Cifar10Dataset.train(missing));

        assertMentions(e, "CIFAR-10", missing.toString(), "does not exist");
    }

    @Test
    void aFileGivenAsTheFolderIsReported() {
        Path file = DataFiles.write(dir.resolve("data_batch_1.bin"), DataFiles.cifarRecords(0));

        DataException e = assertThrows(DataException.class, () -> Cifar10Dataset.train(file));

        assertMentions(e, file.toString(), "is a file");
    }
}
