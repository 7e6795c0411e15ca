package io.memscope.trainer.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.backend.ConvGeometry;
import io.memscope.trainer.backend.ConvPass;
import io.memscope.trainer.backend.PoolGeometry;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.Tensor;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The CUDA backend against a fake driver and a fake cuDNN, which record what it asks: one arena allocation of the
 * budget's size with tensors at their arena offsets, every kernel launch packed as its signature in the .cu file
 * says, cuDNN's descriptors shaped as the geometry, workspaces checked against the chosen algorithm, and device
 * memory outside the arena reported.
 */
class CudaBackendFakeTest {
    static final long BUDGET = 8L << 20;

    final FakeDriver driver = new FakeDriver(16L << 30, 15L << 30, null);
    final FakeCudnn cudnn = new FakeCudnn();
    final CudaSession session = new CudaSession(driver, cudnn, FakeDriver.device(16L << 30, 15L << 30), 0);
    final DeviceMemory memory = new DeviceMemory(BUDGET, new Trace(new TraceInfo("t", "baseline", "cuda:0", 1, BUDGET,
            null), 1 << 12));

    CudaBackend backend(long workspaceLimit) {
        return new CudaBackend(session, memory, new CudaWorkspaceModel(cudnn, () -> { }, workspaceLimit));
    }

    Tensor tensor(String name, Dims d) {
        return memory.allocate(name, "test", Category.ACTIVATION, d);
    }

    @Test
    void oneAllocationOfTheBudgetAndTensorsAtTheirArenaOffsets() {
        CudaBackend b = backend(0);
        assertEquals(List.of("allocateArena " + BUDGET), driver.calls);
        Tensor x = tensor("x", Dims.vector(64));
        Tensor y = tensor("y", Dims.vector(100));
        assertEquals(256, y.offset(), "the arena's 256-byte alignment is the device's");
        b.fill(y, 2f);
        FakeDriver.Launch fill = driver.launches.get(0);
        assertEquals(Kernels.FILL, fill.kernel());
        assertEquals(y.offset(), fill.args().list().get(0).value());
        float[] values = new float[64];
        java.util.Arrays.fill(values, 3f);
        b.upload(values, 0, x);
        assertEquals(3f, driver.arena[(int) (x.offset() / 4) + 63]);
        assertEquals("cuda:0 (Fake GPU)", b.name());
        b.close();
        assertTrue(cudnn.closed && driver.calls.contains("close"), "closing the backend closes its session");
    }

    @Test
    void aBudgetBeyondTheFreeMemoryIsRefusedWithTheLargestThatFits() {
        driver.freeBytes = (256L << 20) + (4L << 20);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend(0));
        assertEquals("a 8.0 MiB budget does not fit cuda:0: it has 260.0 MiB free, of which 256.0 MiB stays for the "
                + "driver and cuDNN; lower --budget to 4.0 MiB or less", e.getMessage());
        assertTrue(driver.calls.isEmpty(), "nothing allocated");
    }

    @Test
    void memoryOutsideTheArenaIsReportedWhenItChanges() {
        CudaBackend b = backend(0);
        assertNull(b.checkDeviceMemory(), "nothing changed since the arena was allocated");
        driver.takeOutside(4L << 20);
        String note = b.checkDeviceMemory();
        assertTrue(note.startsWith("cuda:0: 4.0 MiB more device memory in use outside the arena than when the arena "
                + "was allocated (cuMemGetInfo: "), note);
        assertTrue(note.endsWith("the arena holds 0 B of its 8.0 MiB, all inside one allocation"), note);
        assertNull(b.checkDeviceMemory(), "reported once");
        driver.takeOutside(-4L << 20);
        assertTrue(b.checkDeviceMemory().startsWith("cuda:0: device memory in use outside the arena is back to what it "
                + "was when the arena was allocated"));
    }

    @Test
    void everyLaunchMatchesItsKernelsSignatureAndEveryKernelIsUsed() {
        CudaBackend b = backend(1L << 20);
        exerciseEveryOp(b);
        Map<String, List<KernelSource.Param>> signatures = KernelSource.signatures();
        Set<String> launched = new HashSet<>();
        for (FakeDriver.Launch l : driver.launches) {
            List<KernelSource.Param> params = signatures.get(l.kernel());
            assertTrue(params != null, l.kernel() + " is not a kernel of memscope_kernels.cu");
            List<KernelArgs.Type> passed = l.args().list().stream().map(KernelArgs.Arg::type).toList();
            assertEquals(params.stream().map(KernelSource.Param::type).toList(), passed,
                    l.kernel() + " takes " + params + ", the backend passed " + l.args());
            for (KernelArgs.Arg a : l.args().list()) {
                if (a.type() == KernelArgs.Type.POINTER && a.value().longValue() != DriverApi.NULL) {
                    long at = a.value().longValue();
                    assertTrue(at >= 0 && at < BUDGET && at % 4 == 0, l.kernel() + " gets a pointer outside the arena: "
                            + at);
                }
            }
            assertEquals(Kernels.BLOCK, l.blockX(), l.kernel());
            assertTrue(l.gridX() >= 1 && (l.kernel().equals(Kernels.GEMM) || l.gridX() <= Kernels.MAX_GRID), l.kernel());
            launched.add(l.kernel());
        }
        assertEquals(signatures.keySet(), launched, "every kernel of the source is used by some op");
    }

    /** Calls every op of the Backend interface once, with accumulating forms. */
    private void exerciseEveryOp(CudaBackend b) {
        Dims d = Dims.of(2, 4, 6, 6);
        Tensor x = tensor("x", d);
        Tensor y = tensor("y", d);
        Tensor z = tensor("z", d);
        Tensor c = tensor("c", Dims.vector(4));
        Tensor c2 = tensor("c2", Dims.vector(4));
        Tensor c3 = tensor("c3", Dims.vector(4));
        Tensor c4 = tensor("c4", Dims.vector(4));
        b.fill(x, 1f);
        b.copy(x, y);
        b.add(x, y, z);
        b.axpy(2f, x, z);
        b.activationForward(x, y, 0f);
        b.activationForward(x, y, 0.1f);
        b.activationBackward(y, x, z, 0f, true);
        b.activationBackward(y, x, z, 0.1f, false);
        b.activationInverse(y, z, 0.1f);
        b.batchNormForwardTraining(x, c, c2, y, c3, c4, c, c2, 0.1, 1e-5);
        b.batchNormForwardInference(x, c, c2, y, c3, c4, 1e-5);
        b.batchNormApply(x, c, c2, c3, c4, y);
        b.batchNormBackward(x, y, c, c2, c3, z, c4, c, true, false);
        b.batchNormInverse(y, c, c2, c3, c4, z);
        b.magnitude(x, 0.01f, y);
        b.magnitudeBackward(x, y, z, true);
        Tensor s2d = tensor("s2d", Dims.of(2, 16, 3, 3));
        b.spaceToDepth(x, s2d, 2);
        b.depthToSpace(s2d, x, 2, true);
        b.copyChannels(x, 0, y, 2, 2, true);
        b.copyRows(x, 1, y, 0, 3, false);
        b.fillRows(y, 0, 2, Float.NEGATIVE_INFINITY);
        b.dropoutForward(x, y, z, 0.5f, 7);
        b.dropoutBackward(x, y, z, true);
        PoolGeometry pool = new PoolGeometry(2, 4, 6, 6, 2, 2, 2, 2, 0, 0, true);
        Tensor pooled = tensor("pooled", Dims.of(2, 4, 3, 3));
        b.poolForward(pool, x, pooled);
        b.poolBackward(pool, x, pooled, pooled, z, false);
        ConvGeometry g = new ConvGeometry(2, 4, 6, 6, 3, 3, 3, 1, 1, 1, 1);
        Tensor w = tensor("w", Dims.of(3, 4, 3, 3));
        Tensor bias = tensor("bias", Dims.vector(3));
        Tensor out = tensor("out", Dims.of(2, 3, 6, 6));
        b.convForward(g, x, w, bias, out, null);
        b.convBackwardData(g, out, w, x, null, true);
        b.convBackwardFilter(g, x, out, w, bias, null, false);
        Tensor fw = tensor("fw", Dims.of(5, 144, 1, 1));
        Tensor fb = tensor("fb", Dims.vector(5));
        Tensor logits = tensor("logits", Dims.of(2, 5, 1, 1));
        b.linearForward(x, fw, fb, logits);
        b.linearBackward(x, fw, logits, z, fw, fb, true, true);
        Tensor labels = tensor("labels", Dims.of(2, 1, 1, 1));
        Tensor probs = tensor("probs", logits.dims());
        Tensor loss = tensor("loss", Dims.vector(1));
        b.softmaxCrossEntropyForward(logits, labels, probs, loss);
        b.softmaxCrossEntropyBackward(probs, labels, logits);
        b.sgdUpdate(fw, fw, null, 0.1f, 0f, 0f);
        b.sgdUpdate(fw, fw, fw, 0.1f, 0.9f, 1e-4f);
        b.adamUpdate(fw, fw, fw, fw, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1);
    }

    @Test
    void cudnnDescriptorsAreShapedAsTheGeometry() {
        CudaBackend b = backend(0);
        ConvGeometry g = new ConvGeometry(2, 3, 9, 7, 8, 3, 3, 2, 2, 1, 1);
        Tensor x = tensor("x", Dims.of(2, 3, 9, 7));
        Tensor w = tensor("w", Dims.of(8, 3, 3, 3));
        Tensor bias = tensor("bias", Dims.vector(8));
        Tensor y = tensor("y", Dims.of(2, 8, g.outH(), g.outW()));
        b.convForward(g, x, w, bias, y, null);
        assertEquals("convForward ConvShape[x=TensorShape[n=2, c=3, h=9, w=7], filter=TensorShape[n=8, c=3, h=3, w=3], "
                + "y=TensorShape[n=2, c=8, h=5, w=4], padH=1, padW=1, strideH=2, strideW=2] algo 0 x@" + x.offset()
                + " w@" + w.offset() + " y@" + y.offset() + " ws@-1+0", cudnn.calls.get(0));
        assertEquals("addTensor TensorShape[n=1, c=8, h=1, w=1] alpha 1.0 a@" + bias.offset()
                + " to TensorShape[n=2, c=8, h=5, w=4] c@" + y.offset(), cudnn.calls.get(1), "the bias, broadcast");

        PoolGeometry avg = new PoolGeometry(2, 3, 9, 7, 3, 3, 2, 2, 1, 1, false);
        Tensor py = tensor("py", Dims.of(2, 3, avg.outH(), avg.outW()));
        b.poolForward(avg, x, py);
        assertEquals("poolForward PoolShape[x=TensorShape[n=2, c=3, h=9, w=7], y=TensorShape[n=2, c=3, h=5, w=4], "
                + "mode=AVERAGE_COUNT_INCLUDE_PADDING, kh=3, kw=3, padH=1, padW=1, strideH=2, strideW=2] x@"
                + x.offset() + " y@" + py.offset(), cudnn.calls.get(2));
        b.poolBackward(avg, null, null, py, x, true);
        assertEquals("poolBackward AVERAGE_COUNT_INCLUDE_PADDING x@" + x.offset() + " y@" + py.offset() + " dy@"
                + py.offset() + " dx@" + x.offset() + " acc true", cudnn.calls.get(3),
                "average pooling's backward, given no x or y, passes dx and dy in their places");

        Tensor logits = tensor("logits", Dims.of(4, 10, 1, 1));
        Tensor labels = tensor("labels", Dims.of(4, 1, 1, 1));
        b.softmaxCrossEntropyForward(logits, labels, tensor("p", logits.dims()), tensor("l", Dims.vector(1)));
        assertTrue(cudnn.calls.get(4).startsWith("softmaxForward TensorShape[n=4, c=10, h=1, w=1]"), cudnn.calls.get(4));
    }

    @Test
    void addInPlaceAccumulatesWithAddTensor() {
        CudaBackend b = backend(0);
        Tensor a = tensor("a", Dims.vector(10));
        Tensor c = tensor("c", Dims.vector(10));
        b.add(a, c, c);
        b.add(c, a, c);
        b.add(a, a, tensor("y", Dims.vector(10)));
        assertTrue(cudnn.calls.get(0).startsWith("addTensor TensorShape[n=1, c=1, h=1, w=10] alpha 1.0 a@" + a.offset()),
                cudnn.calls.get(0));
        assertTrue(cudnn.calls.get(1).startsWith("addTensor TensorShape[n=1, c=1, h=1, w=10] alpha 1.0 a@" + a.offset()),
                cudnn.calls.get(1));
        assertTrue(cudnn.calls.get(2).startsWith("opTensorAdd"), cudnn.calls.get(2));
    }

    @Test
    void theWorkspaceMustHoldWhatTheChosenAlgorithmNeeds() {
        cudnn.algorithms = (s, pass) -> List.of(new CudnnApi.Algorithm(6, 4096), new CudnnApi.Algorithm(1, 0));
        CudaBackend b = backend(1L << 20);
        ConvGeometry g = new ConvGeometry(1, 2, 5, 5, 2, 3, 3, 1, 1, 1, 1);
        assertEquals(4096, b.workspaceModel().convWorkspaceBytes(g, ConvPass.FORWARD), "the best within 1 MiB");
        Tensor x = tensor("x", Dims.of(1, 2, 5, 5));
        Tensor w = tensor("w", Dims.of(2, 2, 3, 3));
        Tensor y = tensor("y", Dims.of(1, 2, 5, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.convForward(g, x, w, null, y, null));
        assertTrue(e.getMessage().contains("needs a workspace of 4.0 KiB (cuDNN algorithm 6), got none"), e.getMessage());
        Tensor ws = memory.allocate("ws", "test", Category.WORKSPACE, Dims.vector(1024));
        b.convForward(g, x, w, null, y, ws);
        assertTrue(cudnn.calls.get(0).endsWith("algo 6 x@" + x.offset() + " w@" + w.offset() + " y@" + y.offset() + " ws@"
                + ws.offset() + "+4096"), cudnn.calls.get(0));
    }

    @Test
    void batchNormNeedsCudnnsSmallestEpsilon() {
        CudaBackend b = backend(0);
        Tensor x = tensor("x", Dims.of(2, 2, 2, 2));
        Tensor c = tensor("c", Dims.vector(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.batchNormForwardTraining(x, c, c, x, c, c, c, c, 0.1, 1e-6));
        assertEquals("cuDNN's batch norm needs eps of at least 1e-5, got 1.0E-6; raise the layer's eps or use --device "
                + "cpu", e.getMessage());
    }
}
