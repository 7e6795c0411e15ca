package io.memscope.trainer.backend.cpu;

/**
 * The CPU kernels' inner loops over ranges of one float array ({@code m}, float indices, {@code n} elements).
 * Two implementations: {@link VectorLanes}, on Java's vector API (module {@code jdk.incubator.vector}, which the
 * launchers, the app and the tests add), and {@link ScalarLanes}, plain loops for a JVM started without it. The
 * JIT does not vectorize plain loops over two ranges of one array (it cannot rule out that they overlap), so
 * the vector lanes are three to ten times faster on data in cache.
 *
 * <p>Results: elementwise operations give the same floats in both (same float operations per element). Sums
 * differ in rounding: the scalar lanes add in double, the vector lanes add blocks of at most
 * {@link #BLOCK} elements in float lanes and the blocks in double. Both are deterministic on one machine; the
 * vector lanes' order depends on the machine's vector width.
 */
public abstract class Lanes {
    /** Elements a vector sum adds in float lanes before it adds the block's sum in double. */
    static final int BLOCK = 1024;

    private static final Lanes INSTANCE = pick();

    /** The lanes the CPU backend uses: vector lanes where the module is there and not switched off. */
    public static Lanes get() {
        return INSTANCE;
    }

    /** Plain loops, always available. */
    public static Lanes scalar() {
        return ScalarLanes.INSTANCE;
    }

    /** The vector lanes, or empty when the module is absent. */
    public static java.util.Optional<Lanes> vector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return java.util.Optional.empty();
        }
        try {
            // by name, so that this class never links against the incubator module when it is not there
            return java.util.Optional.of((Lanes) Class.forName(Lanes.class.getPackageName() + ".VectorLanes")
                    .getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            return java.util.Optional.empty();
        }
    }

    private static Lanes pick() {
        if (!Boolean.parseBoolean(System.getProperty("memscope.vector", "true"))) {
            return scalar();
        }
        return vector().orElse(scalar());
    }

    /** In words, for benchmark headers: "vector lanes (16 floats)" or "scalar loops (…)". */
    public abstract String describe();

    /** m[dst + i] += m[src + i]. */
    public abstract void add(float[] m, int dst, int src, int n);

    /** m[y + i] = m[a + i] + m[b + i]; y may be a or b. */
    public abstract void sum(float[] m, int a, int b, int y, int n);

    /** m[y + i] += alpha · m[x + i]. */
    public abstract void axpy(float[] m, float alpha, int x, int y, int n);

    /** m[y + i] = max(x, slope·x) for x = m[x + i], slope in [0, 1]: ReLU (slope 0) and leaky ReLU. */
    public abstract void leakyRelu(float[] m, int x, int y, int n, float slope);

    /**
     * ReLU's backward: m[dx + i] (+)= m[dy + i] where y = m[y + i] is positive, else +0 (y is ReLU's output, so
     * that is where x was positive).
     */
    public abstract void reluBackward(float[] m, int y, int dy, int dx, int n, boolean accumulate);

    /** Σ m[a + i]. */
    public abstract double sum(float[] m, int a, int n);

    /** Σ (m[a + i] − mean)². */
    public abstract double squares(float[] m, int a, int n, double mean);

    /** Σ m[dy + i]·(m[x + i] − mean). */
    public abstract double dot(float[] m, int dy, int x, int n, double mean);

    /**
     * {@link #sum(float[], int, int)} over {@code count} segments of {@code n} elements, segment {@code j} at
     * {@code a + j·stride}: a channel's planes across a batch. The vector lanes add short segments into the same
     * float lanes (blocks of {@link #BLOCK} elements, as for one range), instead of a sum per plane.
     */
    public double planesSum(float[] m, int a, int n, int count, int stride) {
        double total = 0;
        for (int j = 0; j < count; j++) {
            total += sum(m, a + j * stride, n);
        }
        return total;
    }

    /** {@link #squares(float[], int, int, double)} over segments, as {@link #planesSum}. */
    public double planesSquares(float[] m, int a, int n, int count, int stride, double mean) {
        double total = 0;
        for (int j = 0; j < count; j++) {
            total += squares(m, a + j * stride, n, mean);
        }
        return total;
    }

    /**
     * {@link #dot(float[], int, int, int, double)} over segments, as {@link #planesSum};
     * {@code dy} and {@code x} have the same stride.
     */
    public double planesDot(float[] m, int dy, int x, int n, int count, int stride, double mean) {
        double total = 0;
        for (int j = 0; j < count; j++) {
            total += dot(m, dy + j * stride, x + j * stride, n, mean);
        }
        return total;
    }

    /** m[y + i] = (m[x + i] − mu)·scale + shift. */
    public abstract void affine(float[] m, int x, int y, int n, float mu, float scale, float shift);

    /** m[dx + i] (+)= a·m[dy + i] + b·(m[x + i] − mu) + k: batch norm's input gradient. */
    public abstract void normGrad(float[] m, int dy, int x, int dx, int n, float a, float b, float mu, float k,
                                  boolean accumulate);

    /**
     * Rows {@code [rowFrom, rowTo)} of windows of 2×2 max pooling at stride 2, {@code outW} windows a row: window
     * {@code (r, j)} reads the cells {@code 2j, 2j + 1} of the input rows starting at {@code x + 2r·w} and
     * {@code x + (2r + 1)·w}, and {@code m[y + r·outW + j]} becomes the largest of the four by {@link Math#max}
     * (a NaN among them gives NaN; +0 is larger than −0). The windows of a whole batch with even heights are one
     * run of rows, planes one after another.
     */
    public abstract void maxPool2x2(float[] m, int x, int w, int outW, int rowFrom, int rowTo, int y);

    /**
     * The gradient of {@link #maxPool2x2}, into {@code dx} laid out as {@code x}: of each window the first cell in
     * row-major order equal to the window's maximum gets {@code m[dy + r·outW + j]}, set or (with
     * {@code accumulate}) added; without {@code accumulate} the window's other cells are set to zero. A window
     * holding NaN passes no gradient (no cell equals its maximum). The cells no window covers (an odd last row or
     * column) are not touched.
     */
    public abstract void maxPool2x2Backward(float[] m, int x, int w, int outW, int rowFrom, int rowTo, int dy,
                                            int dx, boolean accumulate);

    /**
     * SGD with momentum and weight decay, PyTorch's order: g = dw + wd·w; v = momentum·v + g (without a
     * velocity, velocity &lt; 0, v = g); w −= lr·v.
     */
    public abstract void sgd(float[] m, int w, int dw, int velocity, int n, float lr, float momentum,
                             float weightDecay);
}
