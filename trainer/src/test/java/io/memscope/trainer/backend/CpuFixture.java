package io.memscope.trainer.backend;

import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.Tensor;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import java.util.Random;

/** A small CPU device for kernel tests: allocation, seeded random contents, reads and writes. */
final class CpuFixture implements AutoCloseable {
    static final long BUDGET = 32L << 20;

    final DeviceMemory memory;
    final CpuBackend backend;
    final Random random;
    private final RandomValues draw;

    CpuFixture(int threads) {
        this(threads, false);
    }

    /** With {@code splitEverything}, every loop is cut among the threads, however small. */
    CpuFixture(int threads, boolean splitEverything) {
        this.memory = memory(BUDGET);
        this.backend = splitEverything ? new CpuBackend(memory, threads, 0) : new CpuBackend(memory, threads);
        this.random = new Random(42);
        this.draw = new RandomValues(random);
    }

    static DeviceMemory memory(long budgetBytes) {
        return new DeviceMemory(budgetBytes,
                new Trace(new TraceInfo("test", "baseline", "cpu", 1, budgetBytes, null), 4096));
    }

    Tensor tensor(String name, Dims dims) {
        return memory.allocate(name, "test", Category.ACTIVATION, dims);
    }

    Tensor tensor(String name, Dims dims, float[] values) {
        Tensor t = tensor(name, dims);
        write(t, values);
        return t;
    }

    /** A tensor of uniform values in [-1, 1). */
    Tensor random(String name, Dims dims) {
        return tensor(name, dims, uniform((int) dims.elements(), -1, 1));
    }

    float[] uniform(int count, float lo, float hi) {
        return draw.uniform(count, lo, hi);
    }

    /** Values at least {@code gap} apart in random order, so small perturbations never change their ranking. */
    float[] distinct(int count, float gap) {
        return draw.distinct(count, gap);
    }

    /** Values whose magnitude is at least {@code margin}: away from the kink of ReLU at 0. */
    float[] awayFromZero(int count, float margin) {
        return draw.awayFromZero(count, margin);
    }

    float[] read(Tensor t) {
        float[] v = new float[t.size()];
        backend.download(t, v, 0);
        return v;
    }

    void write(Tensor t, float[] values) {
        if (values.length != t.size()) {
            throw new IllegalArgumentException(values.length + " values for " + t);
        }
        backend.upload(values, 0, t);
    }

    /** The workspace a convolution pass asks for, or null when it asks for none. */
    Tensor workspace(ConvGeometry g, ConvPass pass) {
        long bytes = backend.workspaceModel().convWorkspaceBytes(g, pass);
        return bytes == 0 ? null : memory.allocate("ws", "test", Category.WORKSPACE,
                Dims.vector(Math.toIntExact(bytes / Float.BYTES)));
    }

    /** Σ upstream ⊙ t, in double. */
    double dot(float[] upstream, Tensor t) {
        float[] v = read(t);
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            sum += (double) upstream[i] * v[i];
        }
        return sum;
    }

    @Override
    public void close() {
        backend.close();
    }
}
