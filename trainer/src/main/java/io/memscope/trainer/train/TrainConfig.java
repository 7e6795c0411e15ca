package io.memscope.trainer.train;

import io.memscope.trainer.backend.DeviceSpec;
import io.memscope.trainer.memory.Paging;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;

/**
 * Everything a training run needs.
 *
 * @param network     the built network
 * @param mode        memory mode id ({@code baseline}, ...)
 * @param data        data source spec: {@code builtin}, {@code mnist:DIR}, {@code cifar10:DIR}
 * @param batch       samples per step
 * @param steps       steps to run; when 0, {@code epochs} decides
 * @param epochs      passes over the training set (used when steps is 0)
 * @param budgetBytes device-memory budget (the arena's capacity)
 * @param seed        seed for initialization, shuffling, dropout and the built-in data
 * @param optimizer   the update rule
 * @param threads     CPU worker threads
 * @param evalSamples held-out samples to measure accuracy on at the end (0: none)
 * @param paging      the device's allocator: the classic arena, or pages (no larger than the budget)
 * @param device      where the run computes: {@code cpu}, {@code cuda} or {@code cuda:N} ({@link DeviceSpec})
 */
public record TrainConfig(Network network, String mode, String data, int batch, int steps, int epochs,
                          long budgetBytes, long seed, Optimizer optimizer, int threads, int evalSamples,
                          Paging paging, String device) {
    public TrainConfig {
        device = DeviceSpec.parse(device).toString();
        if (batch <= 0) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        }
        if (steps < 0 || epochs < 0 || (steps == 0 && epochs == 0)) {
            throw new IllegalArgumentException("give a positive number of --steps or --epochs");
        }
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("--budget must be positive");
        }
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        paging = paging == null ? Paging.NONE : paging;
        paging.checkBudget(budgetBytes);
        String problem = pagingProblem(paging, DeviceSpec.parse(device));
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Why a device cannot run on this allocator, or null when it can. */
    public static String pagingProblem(Paging paging, DeviceSpec device) {
        return paging.paged() && device.cuda() ? "--paged runs on the CPU device only for now (the CUDA backend maps "
                + "one allocation of the budget, not pages); leave out --paged or use --device cpu" : null;
    }

    /** A run on the CPU backend's classic (unpaged) arena. */
    public TrainConfig(Network network, String mode, String data, int batch, int steps, int epochs, long budgetBytes,
                       long seed, Optimizer optimizer, int threads, int evalSamples) {
        this(network, mode, data, batch, steps, epochs, budgetBytes, seed, optimizer, threads, evalSamples,
                Paging.NONE, "cpu");
    }

    /** A run on the CPU backend with the given allocator. */
    public TrainConfig(Network network, String mode, String data, int batch, int steps, int epochs, long budgetBytes,
                       long seed, Optimizer optimizer, int threads, int evalSamples, Paging paging) {
        this(network, mode, data, batch, steps, epochs, budgetBytes, seed, optimizer, threads, evalSamples, paging,
                "cpu");
    }

    /** A run on the classic arena of the given device. */
    public TrainConfig(Network network, String mode, String data, int batch, int steps, int epochs, long budgetBytes,
                       long seed, Optimizer optimizer, int threads, int evalSamples, String device) {
        this(network, mode, data, batch, steps, epochs, budgetBytes, seed, optimizer, threads, evalSamples,
                Paging.NONE, device);
    }

    /** The same run at another batch size. */
    public TrainConfig withBatch(int newBatch) {
        return new TrainConfig(network, mode, data, newBatch, steps, epochs, budgetBytes, seed, optimizer, threads,
                evalSamples, paging, device);
    }

    /** The same run on another device. */
    public TrainConfig withDevice(String newDevice) {
        return new TrainConfig(network, mode, data, batch, steps, epochs, budgetBytes, seed, optimizer, threads,
                evalSamples, paging, newDevice);
    }

    public DeviceSpec deviceSpec() {
        return DeviceSpec.parse(device);
    }
}
