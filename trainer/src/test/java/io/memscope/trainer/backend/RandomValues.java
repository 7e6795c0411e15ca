package io.memscope.trainer.backend;

import java.util.Random;

/** Seeded test inputs for kernels, drawn from the caller's {@link Random} so its sequence stays the caller's. */
public final class RandomValues {
    private final Random random;

    public RandomValues(Random random) {
        this.random = random;
    }

    /** Uniform values in [lo, hi). */
    public float[] uniform(int count, float lo, float hi) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = lo + (hi - lo) * random.nextFloat();
        }
        return v;
    }

    /**
     * Values at least {@code gap} apart in random order, so small perturbations never change their ranking (and
     * max pooling has no ties to break differently).
     */
    public float[] distinct(int count, float gap) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (i - count / 2f) * gap;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return v;
    }

    /** Values whose magnitude is at least {@code margin}: away from the kinks of ReLU and |x| at 0. */
    public float[] awayFromZero(int count, float margin) {
        float[] v = uniform(count, margin, 1 + margin);
        for (int i = 0; i < count; i++) {
            if (random.nextBoolean()) {
                v[i] = -v[i];
            }
        }
        return v;
    }
}
