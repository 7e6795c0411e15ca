package io.memscope.trainer.train;

import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.optim.Optimizer;
import java.util.Locale;

/**
 * The settings of a run that nobody chose: what {@code memscope train} takes for an option left out, and what the
 * window's run settings start at. Both read them from here, so the same settings give the same run.
 */
public final class TrainDefaults {
    public static final String MODE = "baseline";
    public static final String DATA = "builtin";
    /** The CPU backend: a run needs no GPU unless one is asked for. */
    public static final String DEVICE = "cpu";
    public static final int BATCH = 64;
    /** With PyTorch's initialization LeNet-5 stays near ln 10 for its first 50-100 steps; 400 reach about 98%. */
    public static final int STEPS = 400;
    /** The device-memory budget as the command line writes it. */
    public static final String BUDGET = "512MiB";
    public static final long SEED = 1;
    public static final String OPTIMIZER = "sgd";
    public static final double SGD_LR = 0.01;
    public static final double ADAM_LR = 1e-3;
    /** SGD's momentum (Adam ignores it). */
    public static final double MOMENTUM = 0.9;
    public static final double WEIGHT_DECAY = 5e-4;
    /** Held-out samples the accuracy is measured on at the end of a run. */
    public static final int EVAL_SAMPLES = 1000;

    private TrainDefaults() {}

    public static long budgetBytes() {
        return Bytes.parse(BUDGET);
    }

    /** The learning rate an optimizer ({@code sgd}, {@code adam}, any case) starts with. */
    public static double learningRate(String optimizer) {
        return "adam".equals(optimizer.toLowerCase(Locale.ROOT)) ? ADAM_LR : SGD_LR;
    }

    /** An optimizer at a learning rate, with the default momentum and weight decay. */
    public static Optimizer optimizer(String name, double lr) {
        return Optimizer.of(name, lr, MOMENTUM, WEIGHT_DECAY);
    }

    /** CPU worker threads: one per available processor. */
    public static int threads() {
        return CpuBackend.defaultThreads();
    }
}
