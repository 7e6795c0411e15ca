package io.memscope.trainer.bench;

import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.train.TrainDefaults;
import java.nio.file.Path;

/**
 * What the benchmarks of a memory mode share: the repository root, the CPU backend's threads (one per core),
 * SGD as {@code memscope train} runs it by default, and the section being written, line by line.
 */
abstract class ModeBenchmark {
    protected final Path root;
    protected final int threads = CpuBackend.defaultThreads();
    protected final Optimizer sgd = TrainDefaults.optimizer(TrainDefaults.OPTIMIZER, TrainDefaults.SGD_LR);
    private final StringBuilder md = new StringBuilder();

    ModeBenchmark(Path root) {
        this.root = root;
    }

    /** A bundled sample network, e.g. {@code revnet38}. */
    protected Network network(String name) {
        return Network.load(root.resolve("samples/" + name + ".json"));
    }

    /** Training only (no held-out evaluation), with the CPU backend's workspace model. */
    protected CompileOptions options(int batch) {
        return new CompileOptions(batch, sgd, CpuBackend.workspaceModel(threads));
    }

    /** Prints a line and adds it to the section. */
    protected void line(String s) {
        System.out.println(s);
        md.append(s).append('\n');
    }

    String markdown() {
        return md.toString();
    }

    /** Measures and writes the section, line by line. */
    abstract void run() throws Exception;

    /** Runs the benchmark and returns its section: what {@link BenchmarkReport#run} writes. */
    final String report() throws Exception {
        run();
        return markdown();
    }

    /** The 1-, 5- and 15-minute load averages, or "unknown" off Linux. */
    protected static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
