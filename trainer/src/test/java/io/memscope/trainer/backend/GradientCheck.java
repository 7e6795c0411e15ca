package io.memscope.trainer.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.memscope.trainer.memory.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleSupplier;

/** Central-difference checks of analytic gradients, and of the {@code accumulate} flags. */
final class GradientCheck {
    private static final int SHOWN_MISMATCHES = 8;

    private GradientCheck() {}

    /**
     * Perturbs every element of {@code input} by ±eps, evaluates {@code objective} (a scalar computed in double
     * from the current tensor contents) and compares (L+ − L−) / (2·eps) with {@code analytic}: a mismatch is
     * {@code |numeric − analytic| > tolerance · max(1, |numeric|)}. The input is restored afterwards.
     */
    static void check(String what, CpuFixture f, Tensor input, float[] analytic, DoubleSupplier objective,
                      double eps, double tolerance) {
        float[] values = f.read(input);
        assertEquals(values.length, analytic.length, what + ": analytic gradient size");
        List<String> mismatches = new ArrayList<>();
        int count = 0;
        double worst = 0;
        for (int i = 0; i < values.length; i++) {
            float original = values[i];
            float plus = (float) (original + eps);
            float minus = (float) (original - eps);
            values[i] = plus;
            f.write(input, values);
            double lossPlus = objective.getAsDouble();
            values[i] = minus;
            f.write(input, values);
            double lossMinus = objective.getAsDouble();
            values[i] = original;
            f.write(input, values);
            double numeric = (lossPlus - lossMinus) / ((double) plus - minus);
            double error = Math.abs(numeric - analytic[i]) / Math.max(1, Math.abs(numeric));
            worst = Math.max(worst, error);
            if (error > tolerance) {
                count++;
                if (mismatches.size() < SHOWN_MISMATCHES) {
                    mismatches.add(String.format("  [%d] numeric %.6f analytic %.6f", i, numeric, analytic[i]));
                }
            }
        }
        objective.getAsDouble();
        if (count > 0) {
            fail(what + ": " + count + " of " + values.length + " gradients differ by more than " + tolerance
                    + " (relative, worst " + worst + "), first ones:\n" + String.join("\n", mismatches));
        }
    }

    /**
     * Runs {@code overwrite} on gradients full of NaN (which must not leak into the result), then
     * {@code accumulate} on gradients holding random values, and expects those values plus the first result.
     */
    static void checkAccumulates(String what, CpuFixture f, Runnable overwrite, Runnable accumulate,
                                 Tensor... gradients) {
        float[][] fresh = new float[gradients.length][];
        for (int g = 0; g < gradients.length; g++) {
            float[] nan = new float[gradients[g].size()];
            Arrays.fill(nan, Float.NaN);
            f.write(gradients[g], nan);
        }
        overwrite.run();
        float[][] prior = new float[gradients.length][];
        for (int g = 0; g < gradients.length; g++) {
            fresh[g] = f.read(gradients[g]);
            for (int i = 0; i < fresh[g].length; i++) {
                if (!Float.isFinite(fresh[g][i])) {
                    fail(what + ": " + gradients[g].name() + "[" + i + "] = " + fresh[g][i]
                            + " after a write that should ignore the previous contents");
                }
            }
            prior[g] = f.uniform(gradients[g].size(), -1, 1);
            f.write(gradients[g], prior[g]);
        }
        accumulate.run();
        for (int g = 0; g < gradients.length; g++) {
            float[] sum = f.read(gradients[g]);
            for (int i = 0; i < sum.length; i++) {
                double expected = (double) prior[g][i] + fresh[g][i];
                if (Math.abs(sum[i] - expected) > 1e-5 * Math.max(1, Math.abs(expected))) {
                    fail(what + ": accumulating into " + gradients[g].name() + "[" + i + "] gave " + sum[i]
                            + ", expected " + prior[g][i] + " + " + fresh[g][i]);
                }
            }
        }
    }
}
