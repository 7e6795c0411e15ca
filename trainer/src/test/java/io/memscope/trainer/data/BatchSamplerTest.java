package io.memscope.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchSamplerTest {
    @Test
    void anEpochVisitsDistinctSamplesInFullBatches() {
        BatchSampler sampler = new BatchSampler(103, 10, 1);
        assertEquals(10, sampler.batchesPerEpoch());

        Set<Integer> seen = new HashSet<>();
        int[] batch = new int[10];
        for (int b = 0; b < 10; b++) {
            assertEquals(0, sampler.epoch());
            assertEquals(b, sampler.batchInEpoch());
            sampler.nextBatch(batch);
            for (int index : batch) {
                assertTrue(index >= 0 && index < 103, "index " + index);
                assertTrue(seen.add(index), "sample " + index + " twice in one epoch");
            }
        }

        assertEquals(100, seen.size());
        assertEquals(1, sampler.epoch());
        assertEquals(0, sampler.batchInEpoch());
    }

    @Test
    void theSamplesLeftOverChangeFromEpochToEpoch() {
        BatchSampler sampler = new BatchSampler(10, 3, 5);
        Set<Integer> seen = new HashSet<>();
        int[] batch = new int[3];
        for (int b = 0; b < 3 * 10; b++) {
            sampler.nextBatch(batch);
            Arrays.stream(batch).forEach(seen::add);
        }

        assertEquals(10, sampler.epoch());
        assertEquals(10, seen.size(), "every sample seen within ten epochs");
    }

    @Test
    void theSameSeedGivesTheSameBatchesAndEpochsDiffer() {
        int[][] a = drawEpochs(new BatchSampler(50, 25, 77), 3);
        int[][] b = drawEpochs(new BatchSampler(50, 25, 77), 3);
        int[][] other = drawEpochs(new BatchSampler(50, 25, 78), 3);

        assertArrayEquals(a, b);
        assertFalse(Arrays.deepEquals(a, other));
        assertFalse(Arrays.equals(a[0], a[2]), "epoch 0 and epoch 1 start with the same batch");
    }

    @Test
    void fillsImagesAndLabelsFromTheDataset() {
        ShapesDataset data = new ShapesDataset("train", 1, 8, 8, 4, 40, 2);
        BatchSampler sampler = new BatchSampler(data.size(), 8, 3);
        float[] images = new float[8 * 64];
        float[] labels = new float[8];

        int[] indices = sampler.nextBatch(data, images, labels);

        float[] expectedImages = new float[8 * 64];
        float[] expectedLabels = new float[8];
        data.fill(indices, expectedImages, expectedLabels);
        assertArrayEquals(expectedImages, images);
        assertArrayEquals(expectedLabels, labels);
    }

    @Test
    void rejectsImpossibleBatches() {
        assertThrows(IllegalArgumentException.class, () -> new BatchSampler(10, 11, 0));
        assertThrows(IllegalArgumentException.class, () -> new BatchSampler(10, 0, 0));
        BatchSampler sampler = new BatchSampler(10, 4, 0);
        assertThrows(IllegalArgumentException.class, () -> sampler.nextBatch(new int[3]));
        ShapesDataset other = new ShapesDataset("train", 1, 8, 8, 2, 11, 0);
        assertThrows(IllegalArgumentException.class, () -> sampler.nextBatch(other, new float[4 * 64], new float[4]));
    }

    private static int[][] drawEpochs(BatchSampler sampler, int epochs) {
        int[][] batches = new int[epochs * sampler.batchesPerEpoch()][sampler.batchSize()];
        for (int[] batch : batches) {
            sampler.nextBatch(batch);
        }
        return batches;
    }
}
