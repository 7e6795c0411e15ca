package io.memscope.trainer.optim;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.memory.Tensor;
import java.util.List;
import java.util.Locale;

/**
 * A parameter update rule. Its state tensors (momentum, Adam's moments) live in device memory beside the
 * parameters, one set per trainable parameter, in {@link #stateNames()} order.
 */
public interface Optimizer {
    String name();

    /** Names of the per-parameter state tensors, e.g. {@code momentum} or {@code exp_avg, exp_avg_sq}. */
    List<String> stateNames();

    /** Applies one update; {@code t} counts updates from 1. */
    void apply(Backend backend, Tensor weight, Tensor grad, List<Tensor> state, int t);

    /** A one-line description for logs and traces. */
    String describe();

    /** A hyper-parameter as people write it: 0.01, 5e-4, 0.9 (no trailing zeros). */
    static String number(float v) {
        return new java.math.BigDecimal(Float.toString(v)).stripTrailingZeros().toString().replace("E-", "e-")
                .replace("E+", "e");
    }

    /**
     * Parses {@code sgd} or {@code adam} with a learning rate, momentum and weight decay. Momentum is ignored
     * by Adam (which uses its betas).
     */
    static Optimizer of(String name, double lr, double momentum, double weightDecay) {
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be a finite number of at least 0, got " + weightDecay);
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "sgd" -> new Sgd((float) lr, (float) momentum, (float) weightDecay);
            case "adam" -> new Adam((float) lr, 0.9f, 0.999f, 1e-8f, (float) weightDecay);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "'; use sgd or adam");
        };
    }
}
