package io.memscope.trainer.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PhasesTest {
    @Test
    void phasesReadAsTrainingEvaluationOrSetup() {
        assertEquals("training forward", Phases.describe("forward"));
        assertEquals("training backward", Phases.describe("backward"));
        assertEquals("training update", Phases.describe("update"));
        assertEquals("training forward band 2/4", Phases.describe("forward band 2/4"));
        assertEquals("training backward (recompute band 2/4)", Phases.describe("recompute band 2/4"));
        assertEquals("evaluation", Phases.describe("eval"));
        assertEquals("evaluation band 1/4", Phases.describe("eval band 1/4"));
        assertEquals("setup (parameters, gradients, optimizer state)", Phases.describe("setup"));
    }

    @Test
    void anOutOfMemoryDuringEvaluationSaysSo() {
        DeviceMemory memory = new DeviceMemory(1 << 20, new Trace(new TraceInfo("net", "baseline", "cpu", 1, 1 << 20,
                null)));
        memory.phase("eval", "conv1");
        OutOfDeviceMemoryException e = assertThrows(OutOfDeviceMemoryException.class,
                () -> memory.allocate("conv1.out", "conv1", Category.ACTIVATION, Dims.of(1, 1, 512, 1024)));
        assertEquals("evaluation: conv1.out (layer conv1, activation) needs 2.0 MiB, 1.0 MiB free, largest block "
                + "1.0 MiB", e.getMessage());
    }
}
