package io.memscope.trainer.backend.cuda;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.memory.DeviceMemory;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;

/** Every op of the CUDA backend on a real card against the CPU backend. Skips without a usable CUDA device. */
class CudaGpuParityTest extends KernelParityCases {
    @BeforeEach
    void gpu() {
        Gpu.assumeAvailable();
    }

    @Override
    Function<DeviceMemory, Backend> backend() {
        return memory -> {
            CudaSession session = Cuda.open(0);
            return new CudaBackend(session, memory, new CudaWorkspaceModel(session.cudnn(), session::makeCurrent,
                    16L << 20));
        };
    }

    @Override
    boolean cudnn() {
        return true;
    }

    @Override
    long budget() {
        return 64L << 20;
    }
}
