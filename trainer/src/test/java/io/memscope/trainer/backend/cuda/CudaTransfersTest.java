package io.memscope.trainer.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.backend.Transfers;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.Tensor;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import java.util.List;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Out-of-core copies on the CUDA backend, against the fake driver: each copy goes on the copy stream after an
 * event of the compute stream, through a page-locked staging buffer that is reused, and is done only once its
 * values have reached the other side.
 */
class CudaTransfersTest {
    final FakeDriver driver = new FakeDriver(1L << 30, 1L << 30, null);
    final DeviceMemory memory = new DeviceMemory(1L << 20, new Trace(new TraceInfo("t", "out-of-core", "cuda:0", 1,
            1L << 20, null), 256));

    @Test
    void aRoundTripThroughTheCopyStream() throws Exception {
        CudaBackend backend = new CudaBackend(new CudaSession(driver, new FakeCudnn(), FakeDriver.device(1L << 30,
                1L << 30), 0), memory, new CudaWorkspaceModel(new FakeCudnn(), () -> { }, 0));
        Tensor t = memory.allocate("t", "l", Category.ACTIVATION, Dims.vector(1000));
        float[] values = new float[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f;
        }
        backend.upload(values, 0, t);
        try (Transfers transfers = backend.transfers(12e9)) {
            assertEquals(12e9, transfers.bytesPerSecond());
            driver.eventsDone = false;
            float[] host = new float[1000];
            Future<?> out = transfers.toHost(t, host);
            assertFalse(out.isDone(), "not done before the copy stream passed its event");
            driver.eventsDone = true;
            assertTrue(out.isDone());
            assertArrayEquals(values, host);

            Tensor back = memory.allocate("back", "l", Category.ACTIVATION, Dims.vector(1000));
            transfers.toDevice(host, back).get();
            float[] read = new float[1000];
            backend.download(back, read, 0);
            assertArrayEquals(values, read);
            assertEquals(List.of("recordCompute", "copyToHostAsync after compute", "recordCompute",
                    "copyToDeviceAsync after compute", "computeWaits copy"),
                    driver.calls.subList(1, driver.calls.size()), "each copy after the kernels queued before it");
            assertEquals(1, driver.pinnedAllocations, "the staging buffer of the first copy serves the second");
        }
        assertEquals(1, driver.pinnedFreed, "closing frees the staging buffers");
    }
}
