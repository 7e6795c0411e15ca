package io.memscope.trainer.bench;

import io.memscope.trainer.backend.cuda.Cuda;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.train.StepResult;
import io.memscope.trainer.train.TrainConfig;
import io.memscope.trainer.train.TrainDefaults;
import io.memscope.trainer.train.TrainListener;
import io.memscope.trainer.train.TrainSummary;
import io.memscope.trainer.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The CUDA backend against the CPU backend on one machine: median step time and the arena's peak for LeNet-5 at
 * batch 256 and ResNet-18 for 32×32 images at batch 128, baseline mode, SGD as {@code train} runs it, the
 * built-in data. The first steps of each run are warm-up (cuDNN's first calls, the driver compiling the PTX, the
 * CPU's first touch of its array) and are left out of the median. scripts/gpu-check.sh runs it on a machine with
 * a GPU; scripts/bench_torch.py measures PyTorch on the same networks and card. Needs a usable CUDA device.
 */
public final class GpuBenchmark {
    private GpuBenchmark() {}

    /** A network at a batch, with the steps each device runs (the CPU's are few: ResNet-18 takes seconds a step). */
    record Case(String sample, int batch, int gpuSteps, int cpuSteps) {}

    static final List<Case> CASES = List.of(new Case("lenet5", 256, 60, 12), new Case("resnet18_cifar", 128, 30, 4));
    static final int WARMUP = 2;
    static final long BUDGET = 2L << 30;

    record Row(Case c, String device, int steps, double medianMs, long peakBytes, long plannedBytes, double loss) {}

    public static void main(String[] args) throws Exception {
        BenchmarkReport.run(args, "gpu", GpuBenchmark::report);
    }

    static String report(Path root) {
        Cuda.Probe probe = Cuda.probe();
        if (!probe.usable()) {
            throw new IllegalStateException("the GPU benchmark needs a CUDA device: " + probe.notice());
        }
        String card = probe.devices().get(0).describe() + ", CUDA driver " + Cuda.Probe.cudaVersion(probe.driverVersion())
                + ", cuDNN " + Cuda.Probe.cudnnVersion(probe.cudnnVersion());
        System.out.println(card + "; CPU: " + TrainDefaults.threads() + " threads");
        List<Row> rows = new ArrayList<>();
        for (Case c : CASES) {
            for (String device : List.of("cuda:0", "cpu")) {
                Row r = run(root, c, device);
                rows.add(r);
                System.out.printf(Locale.ROOT, "%-16s batch %4d  %-7s %3d steps  %9.2f ms/step  peak %s (planned %s)  loss %.4f%n",
                        c.sample(), c.batch(), device, r.steps(), r.medianMs(), Bytes.format(r.peakBytes()),
                        Bytes.format(r.plannedBytes()), r.loss());
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("## CUDA backend against the CPU backend\n\n").append(card).append("; CPU backend on ")
                .append(TrainDefaults.threads()).append(" threads. Baseline mode, SGD, built-in data, budget ")
                .append(Bytes.format(BUDGET)).append("; median step after ").append(WARMUP).append(" warm-up steps.\n\n")
                .append("| network | batch | device | steps | median step | peak (arena) | planned | GPU speed-up |\n")
                .append("|---|---:|---|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < rows.size(); i += 2) {
            Row gpu = rows.get(i);
            Row cpu = rows.get(i + 1);
            for (Row r : List.of(gpu, cpu)) {
                md.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %.2f ms | %s | %s | %s |%n", r.c().sample(),
                        r.c().batch(), r.device(), r.steps(), r.medianMs(), Bytes.format(r.peakBytes()),
                        Bytes.format(r.plannedBytes()), r == gpu ? String.format(Locale.ROOT, "%.1f×",
                                cpu.medianMs() / gpu.medianMs()) : ""));
            }
        }
        return md.toString();
    }

    static Row run(Path root, Case c, String device) {
        Network net = Network.load(root.resolve("samples").resolve(c.sample() + ".json"));
        int steps = device.equals("cpu") ? c.cpuSteps() : c.gpuSteps();
        TrainConfig cfg = new TrainConfig(net, "baseline", TrainDefaults.DATA, c.batch(), steps, 0, BUDGET,
                TrainDefaults.SEED, Optimizer.of(TrainDefaults.OPTIMIZER, TrainDefaults.SGD_LR, TrainDefaults.MOMENTUM,
                TrainDefaults.WEIGHT_DECAY), TrainDefaults.threads(), 0, device);
        long[] nanos = new long[steps];
        long[] peak = new long[1];
        TrainSummary s = new Trainer(cfg).run(new TrainListener() {
            @Override
            public void onStep(StepResult r) {
                nanos[r.step()] = r.stepNanos();
                peak[0] = Math.max(peak[0], r.peakBytes());
            }

            @Override
            public void onNote(String text) {
                System.out.println("  " + device + ": " + text.strip());
            }
        });
        long[] steady = Arrays.copyOfRange(nanos, Math.min(WARMUP, steps - 1), steps);
        Arrays.sort(steady);
        double median = steady.length % 2 == 1 ? steady[steady.length / 2]
                : (steady[steady.length / 2 - 1] + steady[steady.length / 2]) / 2.0;
        return new Row(c, device, steps, median / 1e6, peak[0], s.plannedPeakBytes(), s.finalLoss());
    }
}
