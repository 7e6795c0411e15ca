package io.memscope.trainer.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 read from the "binary version" of the distribution: {@code data_batch_1.bin} to
 * {@code data_batch_5.bin} and {@code test_batch.bin}, each a run of 3073-byte records (one label byte, then
 * 1024 red, 1024 green and 1024 blue bytes, rows top to bottom). The folder given may be the one holding the
 * files or the one the archive was unpacked in, holding {@code cifar-10-batches-bin}. Training uses the
 * {@code data_batch} files present, so a quick run may use fewer than five; {@link #name()} says how many.
 *
 * <p>Normalization: per channel, {@code (b / 255 - mean[c]) / std[c]} with the means 0.4914, 0.4822, 0.4465
 * and standard deviations 0.2470, 0.2435, 0.2616 of the CIFAR-10 training images, as the usual recipes do.
 */
public final class Cifar10Dataset implements Dataset {
    public static final int CLASSES = 10;
    public static final int CHANNELS = 3;
    public static final int SIDE = 32;
    /** Bytes per record: the label, then the three colour planes. */
    public static final int RECORD = 1 + CHANNELS * SIDE * SIDE;

    static final String SOURCE = "CIFAR-10";
    private static final String UNPACKED = "cifar-10-batches-bin";
    private static final int TRAIN_BATCHES = 5;
    private static final String DOWNLOAD = "download https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz and"
            + " unpack it there";
    private static final float[] MEAN = {0.4914f, 0.4822f, 0.4465f};
    private static final float[] STD = {0.2470f, 0.2435f, 0.2616f};
    private static final float[][] TO_FLOAT = new float[CHANNELS][256];

    static {
        for (int c = 0; c < CHANNELS; c++) {
            for (int b = 0; b < 256; b++) {
                TO_FLOAT[c][b] = (b / 255f - MEAN[c]) / STD[c];
            }
        }
    }

    private final String name;
    private final byte[] records;
    private final int count;

    private Cifar10Dataset(String name, byte[] records) {
        this.name = name;
        this.records = records;
        this.count = records.length / RECORD;
    }

    /** The training batches present in {@code dir} (or in its {@code cifar-10-batches-bin}). */
    public static Cifar10Dataset train(Path dir) {
        Path folder = batchFolder(dir);
        List<Path> files = new ArrayList<>();
        for (int k = 1; k <= TRAIN_BATCHES; k++) {
            Path file = folder.resolve("data_batch_" + k + ".bin");
            if (Files.isRegularFile(file)) {
                files.add(file);
            }
        }
        if (files.isEmpty()) {
            throw new DataException(SOURCE + ": " + folder + " has no data_batch_1.bin to data_batch_5.bin; "
                    + DOWNLOAD);
        }
        String batches = files.size() == TRAIN_BATCHES ? "" : files.size() + " of " + TRAIN_BATCHES + " batches, ";
        return read(files, SOURCE + " train (" + batches + folder + ")");
    }

    /** The test batch in {@code dir} (or in its {@code cifar-10-batches-bin}). */
    public static Cifar10Dataset test(Path dir) {
        Path folder = batchFolder(dir);
        Path file = folder.resolve("test_batch.bin");
        if (!Files.isRegularFile(file)) {
            throw new DataException(SOURCE + ": " + folder + " has no test_batch.bin; " + DOWNLOAD);
        }
        return read(List.of(file), SOURCE + " test (" + folder + ")");
    }

    /** Reads and joins the given batch files; {@code name} is what {@link #name()} shows. */
    public static Cifar10Dataset read(List<Path> files, String name) {
        if (files.isEmpty()) {
            throw new DataException(SOURCE + ": no batch files given for " + name);
        }
        long[] lengths = new long[files.size()];
        long total = 0;
        for (int f = 0; f < lengths.length; f++) {
            lengths[f] = checkedLength(files.get(f));
            total += lengths[f];
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new DataException(SOURCE + ": " + files.size() + " files of " + total
                    + " bytes in all are more than one dataset can hold; give fewer batch files");
        }
        byte[] records = new byte[(int) total];
        int at = 0;
        for (int f = 0; f < lengths.length; f++) {
            Path file = files.get(f);
            int length = (int) lengths[f];
            try (InputStream in = Files.newInputStream(file)) {
                if (in.readNBytes(records, at, length) != length) {
                    throw new DataException(SOURCE + ": " + file + " shrank while it was read; read it again");
                }
            } catch (IOException e) {
                throw new DataException(SOURCE + ": cannot read " + file + ": " + e, e);
            }
            checkLabels(file, records, at, length);
            at += length;
        }
        return new Cifar10Dataset(name, records);
    }

    private static Path batchFolder(Path dir) {
        Folders.requireFolder(SOURCE, dir, "give the folder holding the CIFAR-10 .bin files");
        Path unpacked = dir.resolve(UNPACKED);
        return Files.isDirectory(unpacked) ? unpacked : dir;
    }

    private static long checkedLength(Path file) {
        long length;
        try {
            length = Files.size(file);
        } catch (IOException e) {
            throw new DataException(SOURCE + ": cannot read " + file + ": " + e, e);
        }
        if (length == 0) {
            throw new DataException(SOURCE + ": " + file + " is empty; fetch it again");
        }
        if (length % RECORD != 0) {
            throw new DataException(SOURCE + ": " + file + " is " + length + " bytes, not a multiple of " + RECORD
                    + " — is it the binary version? (CIFAR-100 records are 3074 bytes; the Python version is"
                    + " pickled)");
        }
        return length;
    }

    private static void checkLabels(Path file, byte[] records, int from, int length) {
        for (int r = 0; r < length / RECORD; r++) {
            int label = records[from + r * RECORD] & 0xff;
            if (label >= CLASSES) {
                throw new DataException(SOURCE + ": " + file + " record " + r + " has label " + label
                        + ", not 0-9 — is it the binary version of CIFAR-10?");
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int channels() {
        return CHANNELS;
    }

    @Override
    public int height() {
        return SIDE;
    }

    @Override
    public int width() {
        return SIDE;
    }

    @Override
    public int classes() {
        return CLASSES;
    }

    @Override
    public int size() {
        return count;
    }

    /** The class of sample {@code index} (0 airplane ... 9 truck). */
    public int label(int index) {
        return records[index * RECORD] & 0xff;
    }

    @Override
    public void fill(int[] indices, float[] images, float[] labels) {
        Datasets.checkFill(this, indices, images, labels);
        int plane = SIDE * SIDE;
        for (int n = 0; n < indices.length; n++) {
            int from = indices[n] * RECORD + 1;
            int to = n * CHANNELS * plane;
            for (int c = 0; c < CHANNELS; c++) {
                float[] table = TO_FLOAT[c];
                for (int p = 0; p < plane; p++) {
                    images[to + c * plane + p] = table[records[from + c * plane + p] & 0xff];
                }
            }
            labels[n] = label(indices[n]);
        }
    }
}
