package io.memscope.trainer.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * MNIST handwritten digits read from the four IDX files of the original distribution, plain or gzipped, under
 * their standard names ({@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]},
 * {@code t10k-images-idx3-ubyte[.gz]}, {@code t10k-labels-idx1-ubyte[.gz]}) or the
 * {@code train-images.idx3-ubyte} spelling some mirrors use. Files of the same format with other image sizes
 * (Fashion-MNIST, for one) load too; their shape is read from the header.
 *
 * <p>Normalization: each pixel byte b becomes {@code (b / 255 - 0.1307) / 0.3081}, the mean and standard
 * deviation of the MNIST training images, so results compare with the usual MNIST recipes. The bytes are kept
 * as they are (one byte per pixel) and converted while filling a batch.
 */
public final class MnistDataset implements Dataset {
    public static final float MEAN = 0.1307f;
    public static final float STD = 0.3081f;
    public static final int CLASSES = 10;

    static final String SOURCE = "MNIST";
    private static final String DOWNLOAD = "download the four files from http://yann.lecun.com/exdb/mnist/"
            + " (or a mirror) into that folder; samples/data/mnist-subset in the MemScope sources holds a small"
            + " real subset";
    private static final float[] TO_FLOAT = new float[256];

    static {
        for (int b = 0; b < 256; b++) {
            TO_FLOAT[b] = (b / 255f - MEAN) / STD;
        }
    }

    private final String name;
    private final int count;
    private final int rows;
    private final int cols;
    private final byte[] pixels;
    private final byte[] labels;

    private MnistDataset(String name, IdxFile.Images images, byte[] labels) {
        this.name = name;
        this.count = images.count();
        this.rows = images.rows();
        this.cols = images.cols();
        this.pixels = images.pixels();
        this.labels = labels;
    }

    /** The 60,000 training digits ({@code train-*} files) in {@code dir}. */
    public static MnistDataset train(Path dir) {
        return load(dir, "train", "train");
    }

    /** The 10,000 test digits ({@code t10k-*} files) in {@code dir}. */
    public static MnistDataset test(Path dir) {
        return load(dir, "t10k", "test");
    }

    /** Reads one images file and its labels file; {@code name} is what {@link #name()} shows. */
    public static MnistDataset read(Path imagesFile, Path labelsFile, String name) {
        IdxFile.Images images = IdxFile.readImages(SOURCE, imagesFile);
        byte[] labels = IdxFile.readLabels(SOURCE, labelsFile);
        if (labels.length != images.count()) {
            throw new DataException(SOURCE + ": " + imagesFile + " holds " + images.count() + " images but "
                    + labelsFile + " holds " + labels.length + " labels; the two files must come from the same set");
        }
        for (int i = 0; i < labels.length; i++) {
            int label = labels[i] & 0xff;
            if (label >= CLASSES) {
                throw new DataException(SOURCE + ": " + labelsFile + " gives item " + i + " label " + label
                        + ", not a digit 0-9; the file is damaged or not MNIST");
            }
        }
        return new MnistDataset(name, images, labels);
    }

    private static MnistDataset load(Path dir, String prefix, String part) {
        Folders.requireFolder(SOURCE, dir, "give the folder holding the four MNIST files");
        Path images = find(dir, prefix, "images", "idx3");
        Path labels = find(dir, prefix, "labels", "idx1");
        return read(images, labels, SOURCE + " " + part + " (" + dir + ")");
    }

    private static Path find(Path dir, String prefix, String kind, String idx) {
        String standard = prefix + "-" + kind + "-" + idx + "-ubyte";
        String dotted = prefix + "-" + kind + "." + idx + "-ubyte";
        for (String base : new String[] {standard, dotted}) {
            for (String suffix : new String[] {"", ".gz"}) {
                Path file = dir.resolve(base + suffix);
                if (Files.isRegularFile(file)) {
                    return file;
                }
            }
        }
        throw new DataException(SOURCE + ": " + dir + " has no " + standard + "[.gz]; " + DOWNLOAD);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public int height() {
        return rows;
    }

    @Override
    public int width() {
        return cols;
    }

    @Override
    public int classes() {
        return CLASSES;
    }

    @Override
    public int size() {
        return count;
    }

    /** The digit shown by sample {@code index}. */
    public int label(int index) {
        return labels[index] & 0xff;
    }

    @Override
    public void fill(int[] indices, float[] images, float[] labels) {
        Datasets.checkFill(this, indices, images, labels);
        int perSample = rows * cols;
        for (int n = 0; n < indices.length; n++) {
            int from = indices[n] * perSample;
            int to = n * perSample;
            for (int p = 0; p < perSample; p++) {
                images[to + p] = TO_FLOAT[pixels[from + p] & 0xff];
            }
            labels[n] = label(indices[n]);
        }
    }
}
