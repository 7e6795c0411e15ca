package io.memscope.trainer.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes tiny MNIST and CIFAR-10 files for the loader tests. Pixel values follow {@link #pixel}. */
final class DataFiles {
    private DataFiles() {}

    /** The byte at position {@code p} of image {@code i}: varied enough to catch a mixed-up offset. */
    static int pixel(int i, int p) {
        return (i * 37 + p * 11) & 0xff;
    }

    static byte[] idxImages(int count, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(16 + count * rows * cols);
        b.putInt(IdxFile.IMAGES_MAGIC).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < rows * cols; p++) {
                b.put((byte) pixel(i, p));
            }
        }
        return b.array();
    }

    static byte[] idxLabels(int... labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(IdxFile.LABELS_MAGIC).putInt(labels.length);
        for (int label : labels) {
            b.put((byte) label);
        }
        return b.array();
    }

    /** CIFAR-10 records with the given labels; byte p of the image part of record i is {@link #pixel}(i, p). */
    static byte[] cifarRecords(int... labels) {
        byte[] out = new byte[labels.length * Cifar10Dataset.RECORD];
        for (int i = 0; i < labels.length; i++) {
            out[i * Cifar10Dataset.RECORD] = (byte) labels[i];
            for (int p = 0; p < Cifar10Dataset.RECORD - 1; p++) {
                out[i * Cifar10Dataset.RECORD + 1 + p] = (byte) pixel(i, p);
            }
        }
        return out;
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Path write(Path file, byte[] data) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A complete MNIST folder with 28x28 images: {@code train} and {@code test} labels, plain files. */
    static void mnistFolder(Path dir, int[] train, int[] test) {
        write(dir.resolve("train-images-idx3-ubyte"), idxImages(train.length, 28, 28));
        write(dir.resolve("train-labels-idx1-ubyte"), idxLabels(train));
        write(dir.resolve("t10k-images-idx3-ubyte"), idxImages(test.length, 28, 28));
        write(dir.resolve("t10k-labels-idx1-ubyte"), idxLabels(test));
    }

    static float[] allImages(Dataset data, float[] labels) {
        int[] indices = new int[data.size()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = i;
        }
        float[] images = new float[data.size() * data.channels() * data.height() * data.width()];
        data.fill(indices, images, labels);
        return images;
    }
}
