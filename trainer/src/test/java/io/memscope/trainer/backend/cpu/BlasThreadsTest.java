package io.memscope.trainer.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import org.junit.jupiter.api.Test;

class BlasThreadsTest {
    @Test
    void aCpuBackendOnOpenBlasLeavesOneBlasThreadPerWorker() {
        long budget = 1 << 20;
        try (CpuBackend cpu = new CpuBackend(new DeviceMemory(budget,
                new Trace(new TraceInfo("t", "baseline", "cpu", 1, budget, null), 16)), 2)) {
            assumeTrue(BlasThreads.loadedOpenBlas().isPresent(), "OpenBLAS is not installed (libopenblas0)");
            assumeTrue(System.getenv("OPENBLAS_NUM_THREADS") == null, "OPENBLAS_NUM_THREADS chose already");
            // The first backend of the process pins (cores / its workers); this one, or one before it in this JVM.
            int pinned = BlasThreads.pinnedTo();
            assertTrue(pinned >= 1 && pinned <= Runtime.getRuntime().availableProcessors(), "pinned to " + pinned);
            assertEquals(pinned, BlasThreads.current(), "openblas_get_num_threads after a backend started");
            assertTrue(BlasThreads.pin(1).contains("pinned"), BlasThreads.pin(1));
        }
    }
}
