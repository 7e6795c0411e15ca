package io.memscope.trainer.data;

/**
 * Procedural images of the {@link Shape}s: the built-in data, which needs no download and fits any network
 * input (1 or 3 channels, any height and width from 8). Each image holds one shape of random size (35-70% of
 * the shorter side), position, stroke and brightness on a noisy background of random brightness; with 3
 * channels the shape and the background get random colours. Because the class says nothing about where the
 * shape lies or how bright it is, a linear model on raw pixels does poorly and a small convolutional network
 * does well: the point of a first run.
 *
 * <p>Networks with more classes than there are shapes (VGG-16's 1000) get a grid of cells over the image: class
 * {@code k} is shape {@code k mod 10} drawn inside cell {@code k / 10} of a g×g grid (g = ⌈√⌈classes/10⌉⌉),
 * so there the position does carry the class. The cells must stay {@link #MIN_SIDE} pixels wide.
 *
 * <p>Nothing is stored: sample i is drawn on demand from (seed, part, i), so a dataset of a billion samples costs
 * no memory and the same arguments give the same floats, bit for bit, on every JDK. Labels are balanced: each
 * run of {@code classes} consecutive indices holds every class once, in a seeded order.
 *
 * <p>Normalization: pixels are drawn in [0, 1], then standardized with {@link #PIXEL_MEAN} and
 * {@link #PIXEL_STD}, the mean and standard deviation of that drawing measured over many samples, the same
 * treatment MNIST and CIFAR-10 get, so every data source feeds the network values with mean about 0 and
 * standard deviation about 1. Because shape sizes scale with the image, the two numbers hold for every image
 * size and for 1 and 3 channels.
 */
public final class ShapesDataset implements Dataset {
    /** Smallest height or width: below this the shapes can no longer be told apart. */
    public static final int MIN_SIDE = 8;
    /** Mean of the drawn [0, 1] pixels, over all classes, sizes and channels. */
    public static final float PIXEL_MEAN = 0.235f;
    /** Standard deviation of the drawn [0, 1] pixels. */
    public static final float PIXEL_STD = 0.226f;

    private static final float PAPER_MAX = 0.3f;
    private static final float INK_MIN = 0.4f;
    private static final float NOISE = 0.12f;
    /** Separates the label streams from the pixel streams of the same seed. */
    private static final long LABEL_STREAM = 0x4C4142454CL;

    private final String part;
    private final int channels;
    private final int height;
    private final int width;
    private final int classes;
    private final int size;
    private final long seed;
    private final long stream;

    /**
     * @param part    which split this is, e.g. {@code "train"} or {@code "test"}: shown in {@link #name()} and
     *                mixed into the seed, so the parts of one seed hold different images
     * @param classes 2 or more; up to 10 the first {@code classes} {@link Shape}s are used, beyond that shapes in
     *                grid cells
     * @param size    number of samples
     */
    public ShapesDataset(String part, int channels, int height, int width, int classes, int size, long seed) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("built-in shapes have 1 or 3 channels, not " + channels);
        }
        if (height < MIN_SIDE || width < MIN_SIDE) {
            throw new IllegalArgumentException("built-in shapes need images of at least " + MIN_SIDE + "x" + MIN_SIDE
                    + ", not " + height + "x" + width);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("built-in shapes need at least 2 classes, not " + classes);
        }
        int grid = grid(classes);
        if (Math.min(height, width) / grid < MIN_SIDE) {
            throw new IllegalArgumentException("built-in shapes draw " + classes + " classes in a " + grid + "x" + grid
                    + " grid of cells at least " + MIN_SIDE + " pixels wide, which needs images of at least "
                    + grid * MIN_SIDE + "x" + grid * MIN_SIDE + ", not " + height + "x" + width);
        }
        if (size < 1) {
            throw new IllegalArgumentException("a dataset needs at least one sample, not " + size);
        }
        this.part = part;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = classes;
        this.size = size;
        this.seed = seed;
        this.stream = part.hashCode();
    }

    /** Cells per side: 1 up to ten classes, else enough for one shape set per cell. */
    static int grid(int classes) {
        int cells = (classes + Shape.values().length - 1) / Shape.values().length;
        int g = (int) Math.ceil(Math.sqrt(cells));
        while ((long) g * g < cells) {
            g++;
        }
        return g;
    }

    @Override
    public String name() {
        return "builtin shapes " + part + " " + Datasets.shape(channels, height, width);
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public int size() {
        return size;
    }

    /** The class of sample {@code index}: a {@link Shape} ordinal, plus ten times its cell beyond ten classes. */
    public int label(int index) {
        int[] order = new int[classes];
        for (int k = 0; k < classes; k++) {
            order[k] = k;
        }
        SplitMix64.forItem(seed, stream ^ LABEL_STREAM, index / classes).shuffle(order);
        return order[index % classes];
    }

    @Override
    public void fill(int[] indices, float[] images, float[] labels) {
        Datasets.checkFill(this, indices, images, labels);
        int perSample = channels * height * width;
        for (int n = 0; n < indices.length; n++) {
            int label = label(indices[n]);
            labels[n] = label;
            int kinds = Shape.values().length;
            draw(indices[n], Shape.ofLabel(label % kinds), label / kinds, images, n * perSample);
        }
    }

    private void draw(int index, Shape shape, int cell, float[] images, int offset) {
        SplitMix64 rng = SplitMix64.forItem(seed, stream, index);
        int g = grid(classes);
        int cellH = height / g;
        int cellW = width / g;
        int side = Math.min(cellH, cellW);
        int smallest = Math.min(side, Math.max(5, Math.round(0.35f * side)));
        int box = rng.nextInt(smallest, Math.max(smallest, Math.round(0.7f * side)));
        int stroke = Math.max(1, Math.round(box / 7f));
        int top = (cell / g) * cellH + rng.nextInt(cellH - box + 1);
        int left = (cell % g) * cellW + rng.nextInt(cellW - box + 1);
        float[] paper = new float[channels];
        float[] ink = new float[channels];
        for (int c = 0; c < channels; c++) {
            paper[c] = rng.nextFloat(0f, PAPER_MAX);
            ink[c] = rng.nextFloat(INK_MIN, 1f);
        }
        boolean[] row = new boolean[width];
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            boolean inBox = y >= top && y < top + box;
            for (int x = 0; x < width; x++) {
                row[x] = inBox && x >= left && x < left + box && shape.covers(y - top, x - left, box, stroke);
            }
            for (int c = 0; c < channels; c++) {
                int at = offset + c * plane + y * width;
                for (int x = 0; x < width; x++) {
                    // The sum of two uniforms: noise that peaks at zero, cheaper than a Gaussian and JDK-independent.
                    float noise = NOISE * (rng.nextFloat() + rng.nextFloat() - 1f);
                    float v = Math.min(1f, Math.max(0f, (row[x] ? ink[c] : paper[c]) + noise));
                    images[at + x] = (v - PIXEL_MEAN) / PIXEL_STD;
                }
            }
        }
    }
}
