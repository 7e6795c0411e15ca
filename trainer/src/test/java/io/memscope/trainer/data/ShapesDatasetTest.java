package io.memscope.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class ShapesDatasetTest {
    private static final float LOW = (0f - ShapesDataset.PIXEL_MEAN) / ShapesDataset.PIXEL_STD;
    private static final float HIGH = (1f - ShapesDataset.PIXEL_MEAN) / ShapesDataset.PIXEL_STD;
    /** CRC-32 of the float bits of four pinned samples (see drawingIsPinnedAcrossVersions). */
    private static final long PINNED_CRC = 2302921212L;

    @Test
    void sameSeedGivesTheSameBits() {
        ShapesDataset a = new ShapesDataset("train", 3, 32, 32, 10, 1000, 42);
        ShapesDataset b = new ShapesDataset("train", 3, 32, 32, 10, 1000, 42);
        int[] indices = {999, 0, 517, 3, 3};

        assertArrayEquals(images(a, indices), images(b, indices));
    }

    @Test
    void aSampleDoesNotDependOnItsBatch() {
        ShapesDataset data = new ShapesDataset("train", 1, 28, 28, 10, 100, 7);
        float[] together = images(data, new int[] {12, 80});

        float[] second = images(data, new int[] {80});

        assertArrayEquals(Arrays.copyOfRange(together, 784, 2 * 784), second);
    }

    @Test
    void seedsAndPartsGiveDifferentSamples() {
        int[] indices = {0, 1, 2, 3};
        float[] base = images(new ShapesDataset("train", 1, 28, 28, 10, 100, 1), indices);

        assertFalse(Arrays.equals(base, images(new ShapesDataset("train", 1, 28, 28, 10, 100, 2), indices)));
        assertFalse(Arrays.equals(base, images(new ShapesDataset("test", 1, 28, 28, 10, 100, 1), indices)));
    }

    @Test
    void moreClassesThanShapesPutEachClassInItsOwnCell() {
        // VGG-16's 1000 classes: ten shapes in a 10x10 grid of 22-pixel cells of a 224x224 image.
        ShapesDataset data = new ShapesDataset("train", 1, 224, 224, 1000, 3000, 5);
        int[] counts = new int[1000];
        for (int i = 0; i < 3000; i++) {
            counts[data.label(i)]++;
        }
        assertTrue(Arrays.stream(counts).allMatch(c -> c == 3), "every class three times in 3000 samples");

        for (int i = 0; i < 40; i++) {
            int label = data.label(i);
            int cell = label / 10;
            int top = (cell / 10) * 22;
            int left = (cell % 10) * 22;
            float[] img = images(data, new int[] {i});
            for (int y = 0; y < 224; y++) {
                for (int x = 0; x < 224; x++) {
                    boolean inCell = y >= top && y < top + 22 && x >= left && x < left + 22;
                    // outside its cell a pixel is paper plus noise: never as bright as ink can be
                    if (!inCell) {
                        assertTrue(img[y * 224 + x] < ((0.3f + 0.12f) - ShapesDataset.PIXEL_MEAN)
                                / ShapesDataset.PIXEL_STD + 1e-6f, "sample " + i + " class " + label + " pixel " + y + "," + x);
                    }
                }
            }
        }
    }

    @Test
    void aGridTooFineForTheImageIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ShapesDataset("train", 1, 28, 28, 100, 10, 1));
        assertTrue(e.getMessage().contains("4x4 grid") && e.getMessage().contains("32x32"), e.getMessage());
    }

    @Test
    void drawingIsPinnedAcrossVersions() {
        // A changed number here means every seed now gives other images: only accept it for a deliberate change.
        ShapesDataset data = new ShapesDataset("train", 3, 16, 20, 10, 50, 12345);
        float[] images = images(data, new int[] {0, 1, 2, 49});
        CRC32 crc = new CRC32();
        for (float v : images) {
            int bits = Float.floatToIntBits(v);
            crc.update(new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits});
        }

        assertEquals(PINNED_CRC, crc.getValue(), "CRC of the pinned samples");
    }

    @Test
    void everyRunOfClassesIndicesHoldsEachClassOnce() {
        for (int classes = 2; classes <= 10; classes++) {
            ShapesDataset data = new ShapesDataset("train", 1, 8, 8, classes, 20 * classes, 3);
            int[] counts = new int[classes];
            for (int i = 0; i < data.size(); i++) {
                counts[data.label(i)]++;
            }
            int[] expected = new int[classes];
            Arrays.fill(expected, 20);
            assertArrayEquals(expected, counts, classes + " classes");
        }
    }

    @Test
    void fillWritesTheLabelsAndFiniteValuesInTheNormalizedRange() {
        ShapesDataset data = new ShapesDataset("train", 1, 28, 28, 10, 500, 9);
        float[] labels = new float[500];
        float[] images = DataFiles.allImages(data, labels);

        for (int i = 0; i < 500; i++) {
            assertEquals(data.label(i), labels[i]);
        }
        for (float v : images) {
            assertTrue(Float.isFinite(v) && v >= LOW - 1e-5f && v <= HIGH + 1e-5f, "value " + v);
        }
    }

    @Test
    void normalizedPixelsHaveMeanNearZeroAndDeviationNearOne() {
        for (int[] shape : new int[][] {{1, 28, 28}, {3, 32, 32}, {1, 64, 48}}) {
            ShapesDataset data = new ShapesDataset("train", shape[0], shape[1], shape[2], 10, 2000, 5);
            float[] images = DataFiles.allImages(data, new float[data.size()]);
            double sum = 0;
            double squares = 0;
            for (float v : images) {
                sum += v;
                squares += (double) v * v;
            }
            double mean = sum / images.length;
            double std = Math.sqrt(squares / images.length - mean * mean);
            String what = Datasets.shape(data) + ": mean " + mean + ", std " + std;
            assertTrue(Math.abs(mean) < 0.1 && Math.abs(std - 1) < 0.1, what);
        }
    }

    @Test
    void threeChannelShapesAreColoured() {
        ShapesDataset data = new ShapesDataset("train", 3, 32, 32, 10, 10, 11);
        float[] images = images(data, new int[] {0});

        float[] red = Arrays.copyOfRange(images, 0, 1024);
        float[] green = Arrays.copyOfRange(images, 1024, 2048);
        assertFalse(Arrays.equals(red, green));
    }

    @Test
    void drawsSmallWideAndLargeImages() {
        for (int[] shape : new int[][] {{1, 8, 8}, {3, 8, 8}, {1, 12, 40}, {3, 224, 224}}) {
            ShapesDataset data = new ShapesDataset("train", shape[0], shape[1], shape[2], 10, 20, 1);
            float[] images = images(data, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
            double spread = 0;
            for (float v : images) {
                spread = Math.max(spread, v - LOW);
            }
            // Some pixel is well above the background: a shape was drawn.
            assertTrue(spread > 0.5 * (HIGH - LOW), Datasets.shape(data));
            assertEquals("builtin shapes train " + Datasets.shape(data), data.name());
        }
    }

    @Test
    void rejectsShapesItCannotDraw() {
        assertThrows(IllegalArgumentException.class, () -> new ShapesDataset("train", 2, 28, 28, 10, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new ShapesDataset("train", 1, 7, 28, 10, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new ShapesDataset("train", 1, 28, 28, 1, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new ShapesDataset("train", 1, 12, 12, 11, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new ShapesDataset("train", 1, 28, 28, 10, 0, 0));
    }

    private static float[] images(ShapesDataset data, int[] indices) {
        float[] images = new float[indices.length * data.channels() * data.height() * data.width()];
        data.fill(indices, images, new float[indices.length]);
        return images;
    }
}
