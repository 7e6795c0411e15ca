package io.memscope.trainer.backend.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** GPU tests skip, never fail, where CUDA cannot run: the probe's notice says why. */
final class Gpu {
    private Gpu() {}

    static void assumeAvailable() {
        Cuda.Probe probe = Cuda.probe();
        assumeTrue(probe.usable(), () -> "no GPU for this test: " + probe.notice());
    }
}
