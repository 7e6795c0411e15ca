package io.memscope.trainer.data;

/**
 * Draws training batches: each epoch visits the samples in a fresh seeded order, in batches of a fixed size.
 * Every batch is full, because the memory plan of a step is made for one batch size; the few samples left over
 * at the end of an epoch's order are skipped for that epoch only, and as the order changes every epoch, every
 * sample is still seen.
 *
 * <p>The order of epoch e depends only on (seed, e), so a run with the same seed sees the same batches, on every
 * JDK. Not thread-safe: one sampler per training loop.
 */
public final class BatchSampler {
    private static final long ORDER_STREAM = 0x4F52444552L;

    private final int size;
    private final int batchSize;
    private final long seed;
    private final int[] order;
    private int epoch;
    private int batchInEpoch;

    /**
     * @param size      number of samples in the dataset
     * @param batchSize samples per batch, 1 to {@code size}
     */
    public BatchSampler(int size, int batchSize, long seed) {
        if (batchSize < 1 || batchSize > size) {
            throw new IllegalArgumentException("a batch of " + batchSize + " cannot be drawn from " + size
                    + " samples; use a batch size from 1 to " + size);
        }
        this.size = size;
        this.batchSize = batchSize;
        this.seed = seed;
        this.order = new int[size];
        shuffle();
    }

    public int batchSize() {
        return batchSize;
    }

    /** Full batches in one epoch: {@code size / batchSize}. */
    public int batchesPerEpoch() {
        return size / batchSize;
    }

    /** Epochs completed so far, which is also the 0-based epoch the next batch belongs to. */
    public int epoch() {
        return epoch;
    }

    /** Position of the next batch within its epoch, from 0 to {@link #batchesPerEpoch()} - 1. */
    public int batchInEpoch() {
        return batchInEpoch;
    }

    /** Writes the sample indices of the next batch into {@code indices}, whose length must be the batch size. */
    public void nextBatch(int[] indices) {
        if (indices.length != batchSize) {
            throw new IllegalArgumentException("indices holds " + indices.length + " ints, the batch size is "
                    + batchSize);
        }
        System.arraycopy(order, batchInEpoch * batchSize, indices, 0, batchSize);
        if (++batchInEpoch == batchesPerEpoch()) {
            batchInEpoch = 0;
            epoch++;
            shuffle();
        }
    }

    /**
     * Draws the next batch and copies its images and labels out of {@code data} (see {@link Dataset#fill});
     * returns the sample indices used.
     */
    public int[] nextBatch(Dataset data, float[] images, float[] labels) {
        if (data.size() != size) {
            throw new IllegalArgumentException("this sampler draws from " + size + " samples but " + data.name()
                    + " has " + data.size());
        }
        int[] indices = new int[batchSize];
        nextBatch(indices);
        data.fill(indices, images, labels);
        return indices;
    }

    private void shuffle() {
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        SplitMix64.forItem(seed, ORDER_STREAM, epoch).shuffle(order);
    }
}
