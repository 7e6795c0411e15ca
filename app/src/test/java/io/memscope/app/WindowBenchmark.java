package io.memscope.app;

import io.memscope.app.task.FxBackground;
import io.memscope.trainer.backend.MetaBackend;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.bench.BenchmarkReport;
import io.memscope.trainer.export.TraceFile;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.BaselineMode;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.program.Batch;
import io.memscope.trainer.program.ProgramRunner;
import io.memscope.trainer.program.StepProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.stage.Stage;

/**
 * The real window with a trace of over a million events: opens it from a file as a class would (File ▸ Open trace,
 * then Show all), and measures what a user feels. A heartbeat posts a task to the UI thread every 5 ms throughout
 * and records how late each one runs: the longest wait is the longest the window was unresponsive. Then it times
 * the redraws a user triggers: zoom to fit, zoom into 1% of the trace, pan. Headless (Monocle, software
 * rendering), so the draw times include rasterizing the pixels on the CPU.
 *
 * <p>Prints the numbers and writes the "Window" section of {@code docs/BENCHMARKS.md}:
 * <pre>scripts/bench-window.sh</pre>
 */
public final class WindowBenchmark {
    static final int TARGET_EVENTS = 1_000_000;
    static final long HEARTBEAT_NANOS = 5_000_000;

    private WindowBenchmark() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("glass.platform", "Monocle");
        System.setProperty("monocle.platform", "Headless");
        System.setProperty("prism.order", "sw");
        System.setProperty("prism.text", "t2k");
        System.setProperty("headless.geometry", "1920x1200-32");
        Path root = Path.of(System.getProperty("memscope.root", "..")).toAbsolutePath().normalize();
        System.setProperty("memscope.root", root.toString());

        Path file = Files.createTempFile("memscope-bench-", ".json.gz");
        file.toFile().deleteOnExit();
        int events = writeTrace(root, file);
        System.out.printf(Locale.ROOT, "trace: %,d events, %.1f MiB on disk%n", events, Files.size(file) / 1048576.0);

        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        MainWindow window = onFx(() -> {
            Stage stage = new Stage();
            MainWindow w = new MainWindow(stage, new FxBackground());
            w.show();
            stage.setWidth(1600);
            stage.setHeight(1000);
            return w;
        });
        Heartbeat beat = new Heartbeat();
        beat.start();

        long t0 = System.nanoTime();
        onFx(() -> {
            window.openTrace(file);
            return null;
        });
        waitUntil(() -> window.replay().activeProperty().get());
        long loaded = System.nanoTime();
        onFx(() -> {
            window.replay().showAll();
            return null;
        });
        waitUntil(() -> window.recording().timeline().eventCount() >= events && window.replay().isComplete());
        long shown = System.nanoTime();
        beat.stop();
        Thread.sleep(200);
        long[] lags = beat.lags();

        double fit = drawTime(window, w -> w.timeline().zoomToFit());
        double[] span = onFx(() -> new double[] {window.timeline().visibleFrom(), window.timeline().visibleTo()});
        double width = span[1] - span[0];
        double zoom = drawTime(window, w -> w.timeline().showRange(span[0] + width / 2, span[0] + width / 2 + width / 100));
        double[] pan = {span[0] + width / 4};
        double panMs = drawTime(window, w -> {
            pan[0] += width / 1000;
            w.timeline().showRange(pan[0], pan[0] + width / 100);
        });
        String status = onFx(() -> String.format(Locale.ROOT, "%,d events in the timeline, %,d tensor blocks",
                window.recording().timeline().eventCount(), window.recording().timeline().lifetimeCount()));
        onFx(() -> {
            window.exit();
            return null;
        });

        String table = String.join("\n",
                "| what | measured |",
                "|---|---:|",
                row("events in the trace", String.format(Locale.ROOT, "%,d", events)),
                row("read the file (off the UI thread)", ms(loaded - t0)),
                row("show all: events into the window's models", ms(shown - loaded)),
                row("longest the UI thread was busy at once, while loading and showing (heartbeat lag)",
                        ms(lags.length == 0 ? 0 : lags[lags.length - 1])),
                row("heartbeat lag, 99th percentile", ms(percentile(lags, 0.99))),
                row("heartbeat lag, median", ms(percentile(lags, 0.5))),
                row("redraw after zoom to fit (timeline + lifetimes, 1600x1000 window)", String.format(Locale.ROOT, "%.1f ms", fit)),
                row("redraw after zooming into 1% of the trace", String.format(Locale.ROOT, "%.1f ms", zoom)),
                row("redraw per pan step", String.format(Locale.ROOT, "%.1f ms", panMs)));
        System.out.println(status);
        System.out.println("UI thread during stalls: " + beat.stallSites());
        System.out.println(table);
        String section = "## Window\n\n"
                + "The desktop window with a trace of over a million events, measured by `io.memscope.app.WindowBenchmark`"
                + " (app module, test sources): it writes a baseline ResNet-18/32x32 trace (real allocation events of the"
                + " meta backend, batch 64) to a file, opens it in the real window the way File \u25b8 Open trace and Show"
                + " all do, and posts a heartbeat task to the UI thread every 5 ms; a heartbeat's lag is how long the"
                + " window could not respond. Redraws are the median of 15. Headless (Monocle, software rendering) on "
                + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
                + "; " + status + ".\n\n" + table + "\n\n"
                + "Where the UI thread was during the stalls (50 ms samples): " + beat.stallSites() + ". While the"
                + " events stream in, each frame hands the views at most 12 ms of them and then redraws;"
                + " `PaintCollector.waitForRenderingToComplete` is the UI thread waiting for JavaFX's software"
                + " rasterizer, which a desktop's graphics card replaces.\n\n"
                + "Reproduce: `scripts/bench-window.sh`.\n";
        BenchmarkReport.writeSection(root.resolve("docs").resolve("BENCHMARKS.md"), "Window", section);
        Platform.exit();
        System.exit(0);
    }

    /** Writes a baseline ResNet-18 trace of at least {@link #TARGET_EVENTS} events; returns how many. */
    static int writeTrace(Path root, Path file) throws Exception {
        Network net = Network.load(root.resolve("samples").resolve("resnet18_cifar.json"));
        int batch = 64;
        CompileOptions options = new CompileOptions(batch, Optimizer.of("sgd", 0.01, 0.9, 5e-4),
                CpuBackend.workspaceModel(2));
        StepProgram program = new BaselineMode().compile(net, options);
        long capacity = 4L << 30;
        TraceInfo info = new TraceInfo(net.name(), "baseline", "meta", batch, capacity, Map.of());
        Trace trace = new Trace(info, TARGET_EVENTS * 2);
        DeviceMemory memory = new DeviceMemory(capacity, trace);
        ProgramRunner runner = new ProgramRunner(net, new MetaBackend(memory, options.workspace()), options.optimizer(), 0);
        runner.setup(program);
        for (int step = 0; trace.recorded() < TARGET_EVENTS; step++) {
            runner.run(program, step, new Batch(batch, new float[0], new float[0]));
        }
        List<MemoryEvent> recorded = trace.events();
        // The meta backend runs a step in microseconds; spread the events as a run on a card would, 20 us apart.
        List<MemoryEvent> spread = new ArrayList<>(recorded.size());
        for (int i = 0; i < recorded.size(); i++) {
            MemoryEvent e = recorded.get(i);
            spread.add(new MemoryEvent(e.seq(), 20_000L * i, e.action(), e.tensorId(), e.tensorName(), e.layer(),
                    e.category(), e.offset(), e.bytes(), e.step(), e.phase(), e.requestedBytes(), e.freeBytes(),
                    e.largestFreeBytes()));
        }
        TraceFile.write(file, info, spread);
        return spread.size();
    }

    /** Median time of a redraw after {@code change}: the timeline's chart and the lifetime view, drawn now. */
    private static double drawTime(MainWindow window, java.util.function.Consumer<MainWindow> change) throws Exception {
        double[] times = new double[15];
        for (int i = 0; i < times.length; i++) {
            times[i] = onFx(() -> {
                long t = System.nanoTime();
                change.accept(window);
                window.timeline().refresh();
                window.timeline().chart().drawNow();
                window.lifetimes().setTimeRange(window.timeline().visibleFrom(), window.timeline().visibleTo());
                window.lifetimes().refresh();
                return (System.nanoTime() - t) / 1e6;
            });
        }
        Arrays.sort(times);
        return times[times.length / 2];
    }

    private static String row(String what, String value) {
        return "| " + what + " | " + value + " |";
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    static <T> T onFx(Callable<T> work) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Platform.runLater(() -> {
            try {
                result.set(work.call());
            } catch (Exception e) {
                failure.set(e);
            } finally {
                done.countDown();
            }
        });
        done.await();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    private static void waitUntil(Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (!onFx(condition)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting after 300 s");
            }
            Thread.sleep(20);
        }
    }

    /**
     * Posts a task to the UI thread every few milliseconds and records how late each one ran. While one is more
     * than 50 ms late it samples the UI thread's stack, so a stall names the code that caused it.
     */
    private static final class Heartbeat {
        private final List<Long> lags = new ArrayList<>();
        private final Map<String, Integer> stallSites = new java.util.HashMap<>();
        private volatile boolean running = true;
        private final Thread thread = new Thread(this::beat, "heartbeat");
        private Thread fx;

        void start() throws Exception {
            fx = onFx(Thread::currentThread);
            thread.setDaemon(true);
            thread.start();
        }

        private void beat() {
            while (running) {
                long posted = System.nanoTime();
                CountDownLatch ran = new CountDownLatch(1);
                Platform.runLater(() -> {
                    synchronized (lags) {
                        lags.add(System.nanoTime() - posted);
                    }
                    ran.countDown();
                });
                try {
                    while (!ran.await(50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        sample();
                    }
                    long rest = HEARTBEAT_NANOS - (System.nanoTime() - posted);
                    if (rest > 0) {
                        Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(2000);
        }

        private void sample() {
            for (StackTraceElement f : fx.getStackTrace()) {
                if (f.getClassName().startsWith("io.memscope")) {
                    stallSites.merge(f.getClassName().replaceAll(".*\\.", "") + "." + f.getMethodName(), 1, Integer::sum);
                    return;
                }
            }
            StackTraceElement[] st = fx.getStackTrace();
            String where = "(idle)";
            for (StackTraceElement f : st) {
                if (f.getClassName().startsWith("javafx.") || f.getClassName().startsWith("com.sun.javafx.")
                        || f.getClassName().startsWith("io.fair_acc.")) {
                    where = f.getClassName().replaceAll(".*\\.", "") + "." + f.getMethodName();
                    break;
                }
            }
            stallSites.merge("JavaFX " + where, 1, Integer::sum);
        }

        /** Where the UI thread was during stalls, most frequent first, with 50 ms samples counted. */
        String stallSites() {
            return stallSites.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(6)
                    .map(e -> e.getKey() + " x" + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("none");
        }

        long[] lags() {
            synchronized (lags) {
                return lags.stream().mapToLong(Long::longValue).sorted().toArray();
            }
        }
    }
}
