package io.memscope.trainer.backend.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.memory.DeviceMemory;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;

/**
 * Our CUDA kernels, compiled as C++ and run on the CPU ({@link KernelEmulator}), behind the real
 * {@link CudaBackend} (its argument packing and launch shapes included) against the CPU backend. cuDNN's ops are
 * left to {@link CudaGpuParityTest}. Skips where g++ cannot build the emulator.
 */
class EmulatedKernelParityTest extends KernelParityCases {
    @BeforeEach
    void emulator() {
        assumeTrue(KernelEmulator.get() != null, () -> "no kernel emulator: " + KernelEmulator.why());
    }

    @Override
    Function<DeviceMemory, Backend> backend() {
        return memory -> {
            FakeDriver driver = new FakeDriver(1L << 30, 1L << 30, KernelEmulator.get());
            FakeCudnn cudnn = new FakeCudnn();
            CudaSession session = new CudaSession(driver, cudnn, FakeDriver.device(1L << 30, 1L << 30), 0);
            return new CudaBackend(session, memory, new CudaWorkspaceModel(cudnn, () -> { }, 0));
        };
    }

    @Override
    boolean cudnn() {
        return false;
    }
}
