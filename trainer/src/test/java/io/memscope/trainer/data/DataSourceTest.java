package io.memscope.trainer.data;

import static io.memscope.trainer.data.MnistDatasetTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSourceTest {
    @TempDir
    Path dir;

    @Test
    void parsesTheBuiltinSource() {
        DataSource plain = DataSource.parse(" builtin ");
        DataSource sized = DataSource.parse("builtin:1_000");

        assertEquals(DataSource.Kind.BUILTIN, plain.kind());
        assertTrue(plain.folder().isEmpty());
        assertEquals("builtin", plain.toString());
        assertEquals("builtin:1000", sized.toString());
    }

    @Test
    void parsesFileSourcesWithTheirFolders() {
        DataSource mnist = DataSource.parse("MNIST:/data/mnist");
        DataSource cifar = DataSource.parse("cifar10:C:/data/cifar");
        DataSource home = DataSource.parse("mnist:~/mnist");

        assertEquals(DataSource.Kind.MNIST, mnist.kind());
        assertEquals(Path.of("/data/mnist"), mnist.folder().orElseThrow());
        assertEquals(Path.of("C:/data/cifar"), cifar.folder().orElseThrow());
        assertEquals(Path.of(System.getProperty("user.home"), "mnist"), home.folder().orElseThrow());
        assertEquals("mnist:/data/mnist", mnist.toString());
    }

    @Test
    void badSpecsSayWhatIsAccepted() {
        assertMentions(assertThrows(DataException.class, () -> DataSource.parse("foo")),
                "unknown data source 'foo'", "builtin", "mnist:DIR", "cifar10:DIR");
        assertMentions(assertThrows(DataException.class, () -> DataSource.parse("")), "mnist:DIR");
        assertMentions(assertThrows(DataException.class, () -> DataSource.parse("mnist")), "mnist:DIR");
        assertMentions(assertThrows(DataException.class, () -> DataSource.parse("cifar10: ")), "cifar10:DIR");
        assertMentions(assertThrows(DataException.class, () -> DataSource.parse("builtin:lots")), "'lots'");
        assertMentions(assertThrows(DataException.class, () -> DataSource.parse("builtin:0")), "at least 1");
    }

    @Test
    void theBuiltinSourceFitsTheNetwork() {
        DataSplit split = DataSource.parse("builtin:400").open(3, 32, 40, 7, 1);

        assertEquals(400, split.train().size());
        assertEquals(100, split.test().size());
        for (Dataset data : new Dataset[] {split.train(), split.test()}) {
            assertEquals("3x32x40", Datasets.shape(data));
            assertEquals(7, data.classes());
        }
    }

    @Test
    void theBuiltinSourceExplainsANetworkItCannotFeed() {
        DataSource source = DataSource.parse("builtin");

        assertMentions(assertThrows(DataException.class, () -> source.open(2, 32, 32, 10, 0)),
                "input 2x32x32", "1 or 3 channels");
        assertMentions(assertThrows(DataException.class, () -> source.open(1, 28, 28, 100, 0)),
                "100 outputs", "4x4 grid", "at least 32x32");
    }

    @Test
    void opensMnistWhenTheNetworkFits() {
        DataFiles.mnistFolder(dir, new int[] {1, 2, 3}, new int[] {4, 5});

        DataSplit split = DataSource.mnist(dir).open(1, 28, 28, 10, 0);

        assertEquals(3, split.train().size());
        assertEquals(2, split.test().size());
    }

    @Test
    void refusesANetworkOfAnotherInputShape() {
        DataFiles.mnistFolder(dir, new int[] {1, 2, 3}, new int[] {4, 5});

        DataException e = assertThrows(DataException.class, () -> DataSource.mnist(dir).open(3, 32, 32, 10, 0));

        assertMentions(e, "network input 3x32x32 does not match the 1x28x28 images of MNIST train");
    }

    @Test
    void refusesANetworkWithAnotherClassCount() {
        Path batches = dir.resolve("cifar-10-batches-bin");
        DataFiles.write(batches.resolve("data_batch_1.bin"), DataFiles.cifarRecords(1, 2));
        DataFiles.write(batches.resolve("test_batch.bin"), DataFiles.cifarRecords(3));

        DataException e = assertThrows(DataException.class, () -> DataSource.cifar10(dir).open(3, 32, 32, 5, 0));

        assertMentions(e, "5 outputs", "CIFAR-10 train", "10 classes", "set the last layer's outputs to 10");
    }

    @Test
    void aMissingFolderFailsWhenOpened() {
        DataSource source = DataSource.parse("cifar10:" + dir.resolve("missing"));

        assertMentions(assertThrows(DataException.class, () -> source.open(3, 32, 32, 10, 0)), "does not exist");
    }
}
