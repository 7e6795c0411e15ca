package io.memscope.trainer.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.Tensor;
import org.junit.jupiter.api.Test;

class MetaBackendTest {
    /** Far more than any heap: the meta backend holds no values, so any budget can be planned. */
    private static final long BUDGET = 64L << 30;

    private final DeviceMemory memory = CpuFixture.memory(BUDGET);
    private final MetaBackend meta = new MetaBackend(memory, CpuBackend.workspaceModel(2));

    private Tensor tensor(String name, Dims dims) {
        return memory.allocate(name, "test", Category.ACTIVATION, dims);
    }

    @Test
    void describesItself() {
        assertEquals("meta", meta.name());
        assertFalse(meta.computes());
        assertEquals(memory, meta.memory());
    }

    @Test
    void runsEveryKernelWithoutTouchingMemoryOrData() {
        ConvGeometry g = new ConvGeometry(8, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1);
        Dims in = Dims.of(8, 64, 56, 56);
        Dims channels = Dims.vector(64);
        Tensor x = tensor("x", in);
        Tensor y = tensor("y", in);
        Tensor dx = tensor("dx", in);
        Tensor dy = tensor("dy", in);
        Tensor w = tensor("w", Dims.of(64, 64, 3, 3));
        Tensor dw = tensor("dw", w.dims());
        Tensor c1 = tensor("c1", channels);
        Tensor c2 = tensor("c2", channels);
        Tensor c3 = tensor("c3", channels);
        Tensor c4 = tensor("c4", channels);
        Tensor ws = tensor("ws", Dims.vector(Math.toIntExact(
                meta.workspaceModel().convWorkspaceBytes(g, ConvPass.FORWARD) / Float.BYTES)));
        Tensor labels = tensor("labels", Dims.of(8, 1, 1, 1));
        Tensor loss = tensor("loss", Dims.of(1, 1, 1, 1));
        long used = memory.arena().usedBytes();
        long events = memory.trace().recorded();

        float[] host = {7, 7, 7};
        meta.upload(new float[x.size()], 0, x);
        meta.download(x, host, 0);
        assertArrayEquals(new float[] {7, 7, 7}, host, 0f, "download leaves the host array as it was");

        meta.fill(x, 1);
        meta.copy(x, y);
        meta.convForward(g, x, w, c1, y, ws);
        meta.convBackwardData(g, dy, w, dx, ws, false);
        meta.convBackwardFilter(g, x, dy, dw, c1, ws, true);
        meta.linearForward(x, w, c1, y);
        meta.linearBackward(x, w, dy, dx, dw, c1, false, true);
        meta.activationForward(x, y, 0f);
        meta.activationBackward(y, dy, dx, 0.1f, true);
        PoolGeometry pool = new PoolGeometry(8, 64, 56, 56, 2, 2, 2, 2, 0, 0, true);
        meta.poolForward(pool, x, y);
        meta.poolBackward(pool, x, y, dy, dx, false);
        meta.batchNormForwardTraining(x, c1, c2, y, c3, c4, c1, c2, 0.1, 1e-5);
        meta.batchNormForwardInference(x, c1, c2, y, c3, c4, 1e-5);
        meta.batchNormBackward(x, dy, c1, c2, c3, dx, c4, c1, false, false);
        meta.batchNormApply(x, c1, c2, c3, c4, y);
        meta.add(x, y, dx);
        meta.axpy(2f, x, y);
        meta.copyChannels(x, 0, y, 0, 64, true);
        meta.copyRows(x, 3, y, 0, 10, true);
        meta.fillRows(x, 0, 2, Float.NEGATIVE_INFINITY);
        meta.dropoutForward(x, dx, y, 0.5f, 1);
        meta.dropoutBackward(dy, dx, x, false);
        meta.softmaxCrossEntropyForward(x, labels, y, loss);
        meta.softmaxCrossEntropyBackward(y, labels, dx);
        meta.sgdUpdate(w, dw, null, 0.1f, 0f, 0f);
        meta.adamUpdate(w, dw, w, dw, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1);
        meta.synchronize();
        meta.close();

        assertEquals(used, memory.arena().usedBytes(), "kernels never allocate");
        assertEquals(events, memory.trace().recorded(), "kernels record no events");
    }

    @Test
    void plansWithTheCpuWorkspaceModel() {
        WorkspaceModel cpu = CpuBackend.workspaceModel(2);
        ConvGeometry[] geometries = {
            new ConvGeometry(32, 3, 32, 32, 16, 3, 3, 1, 1, 1, 1),
            new ConvGeometry(1, 64, 28, 28, 128, 3, 3, 2, 2, 1, 1),
            new ConvGeometry(16, 256, 7, 7, 64, 1, 1, 1, 1, 0, 0),
            new ConvGeometry(4, 3, 224, 224, 64, 7, 7, 2, 2, 3, 3),
        };
        for (ConvGeometry g : geometries) {
            for (ConvPass pass : ConvPass.values()) {
                assertEquals(cpu.convWorkspaceBytes(g, pass), meta.workspaceModel().convWorkspaceBytes(g, pass),
                        g + " " + pass);
            }
        }
        assertEquals(cpu, meta.workspaceModel());
    }
}
