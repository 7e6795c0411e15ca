package io.memscope.trainer.backend.cpu;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One OpenBLAS thread per CPU-backend worker. The backend already splits a convolution over its workers, each
 * calling sgemm on its own slice; OpenBLAS left at its default (one thread per core) then runs its own threads
 * inside each call and the calls queue on its thread server: the small VGG's step takes almost twice as long. The
 * launchers set {@code OPENBLAS_NUM_THREADS}; where nothing did, {@link #pin} calls
 * {@code openblas_set_num_threads} through the foreign-function API of Java 17 (module
 * {@code jdk.incubator.foreign}, with {@code --enable-native-access=ALL-UNNAMED}), on the library the native
 * BLAS loaded (found in {@code /proc/self/maps}).
 */
public final class BlasThreads {
    private static String state;
    private static int pinnedTo = -1;

    private BlasThreads() {}

    /**
     * Sets OpenBLAS to {@code perCall} threads once per process (later calls only report), unless the
     * environment chose; returns what holds, in words, for benchmark headers and notices.
     */
    public static synchronized String pin(int perCall) {
        if (state != null) {
            return state;
        }
        String env = System.getenv("OPENBLAS_NUM_THREADS");
        if (env != null) {
            return state = "OpenBLAS threads: " + env + " (OPENBLAS_NUM_THREADS)";
        }
        Optional<Path> lib = loadedOpenBlas();
        if (lib.isEmpty()) {
            return state = "OpenBLAS not loaded";
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.foreign").isEmpty()) {
            return state = "OpenBLAS threads: its default (set OPENBLAS_NUM_THREADS=1, or start Java with "
                    + "--add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED)";
        }
        try {
            Foreign.setThreads(lib.get(), perCall);
            pinnedTo = perCall;
            return state = "OpenBLAS threads: " + perCall + " per worker (pinned)";
        } catch (Throwable e) {
            return state = "OpenBLAS threads: its default (pinning failed: " + e.getMessage() + "; set "
                    + "OPENBLAS_NUM_THREADS=1)";
        }
    }

    /** The thread count {@link #pin} set, or -1 when it set none. */
    public static synchronized int pinnedTo() {
        return pinnedTo;
    }

    /** OpenBLAS's own thread count now ({@code openblas_get_num_threads}), or -1 when it cannot be asked. */
    public static int current() {
        Optional<Path> lib = loadedOpenBlas();
        if (lib.isEmpty() || ModuleLayer.boot().findModule("jdk.incubator.foreign").isEmpty()) {
            return -1;
        }
        try {
            return Foreign.threads(lib.get());
        } catch (Throwable e) {
            return -1;
        }
    }

    /** The OpenBLAS library mapped into this process, if the native BLAS loaded one. */
    static Optional<Path> loadedOpenBlas() {
        try {
            List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
            for (String line : maps) {
                int slash = line.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                String path = line.substring(slash).trim();
                String name = Path.of(path).getFileName().toString();
                if (name.startsWith("libopenblas") || (name.startsWith("libblas.so") && path.contains("openblas"))) {
                    return Optional.of(Path.of(path));
                }
            }
        } catch (Exception e) {
            // not Linux, or no /proc: nothing to pin
        }
        return Optional.empty();
    }

    /** Kept apart so that the incubator classes load only when the module is there. */
    private static final class Foreign {
        static void setThreads(Path lib, int threads) throws Throwable {
            MethodHandle set = jdk.incubator.foreign.CLinker.getInstance().downcallHandle(
                    symbol(lib, "openblas_set_num_threads"), MethodType.methodType(void.class, int.class),
                    jdk.incubator.foreign.FunctionDescriptor.ofVoid(jdk.incubator.foreign.CLinker.C_INT));
            set.invokeExact(threads);
        }

        static int threads(Path lib) throws Throwable {
            MethodHandle get = jdk.incubator.foreign.CLinker.getInstance().downcallHandle(
                    symbol(lib, "openblas_get_num_threads"), MethodType.methodType(int.class),
                    jdk.incubator.foreign.FunctionDescriptor.of(jdk.incubator.foreign.CLinker.C_INT));
            return (int) get.invokeExact();
        }

        /** dlopen of a library already mapped returns the same one, so the symbol is the native BLAS's own. */
        private static jdk.incubator.foreign.Addressable symbol(Path lib, String name) {
            System.load(lib.toString());
            return jdk.incubator.foreign.SymbolLookup.loaderLookup().lookup(name)
                    .orElseThrow(() -> new IllegalStateException(lib + " has no " + name));
        }
    }
}
