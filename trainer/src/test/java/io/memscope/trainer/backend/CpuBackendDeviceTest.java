package io.memscope.trainer.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.DeviceMemory;
import io.memscope.trainer.memory.Paging;
import io.memscope.trainer.memory.Trace;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.memory.Dims;
import io.memscope.trainer.memory.Tensor;
import org.junit.jupiter.api.Test;

/** The CPU device itself: its size limits, its workspace formula, and the errors a caller can act on. */
class CpuBackendDeviceTest {
    private static final long GIB = 1L << 30;

    @Test
    void describesItself() {
        try (CpuFixture f = new CpuFixture(2)) {
            assertEquals("cpu", f.backend.name());
            assertTrue(f.backend.computes());
            assertEquals(2, f.backend.threads());
            assertEquals(f.memory, f.backend.memory());
        }
        assertTrue(CpuBackend.defaultThreads() >= 1);
    }

    @Test
    void poisonedAllocationsStartAsThePoison() {
        try (CpuFixture f = new CpuFixture(1)) {
            Tensor before = f.tensor("before", Dims.vector(100), new float[100]);
            f.backend.poisonAllocations(Float.NaN);
            Tensor a = f.tensor("a", Dims.of(2, 3, 5, 7));
            f.backend.fill(a, 1f);
            f.memory.free(a);
            Tensor b = f.tensor("b", Dims.of(2, 3, 5, 7));
            assertEquals(a.offset(), b.offset(), "b reuses a's block");
            for (float v : f.read(b)) {
                assertTrue(Float.isNaN(v), "a new block holds the poison, not what its last tenant left: " + v);
            }
            for (float v : f.read(before)) {
                assertEquals(0f, v, "blocks allocated before are left alone");
            }
        }
    }

    @Test
    void budgetAboveTheHeapNamesXmx() {
        long budget = (Runtime.getRuntime().maxMemory() / GIB + 1) * GIB;
        assumeTrue(budget < 8 * GIB, "the heap is too large to exceed it with a CPU device");
        DeviceMemory memory = CpuFixture.memory(budget);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CpuBackend(memory, 1));
        assertTrue(e.getMessage().contains("does not fit the Java heap"), e.getMessage());
        assertTrue(e.getMessage().contains("-Xmx" + (budget / GIB + 2) + "g"), e.getMessage());
    }

    @Test
    void budgetAboveOneJavaArraySaysSo() {
        DeviceMemory memory = CpuFixture.memory(9 * GIB);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CpuBackend(memory, 1));
        assertTrue(e.getMessage().startsWith("a 9.0 GiB CPU device does not fit one Java float array"),
                e.getMessage());
        assertTrue(e.getMessage().contains("8.0 GiB"), e.getMessage());
    }

    /** A paged device's array spans its virtual space, twice the budget and a page: its limits come at half. */
    @Test
    void aPagedDeviceSpansTwiceItsBudget() {
        Paging pages = Paging.pages();
        String array = CpuBackend.deviceProblem(5 * GIB, pages);
        assertTrue(array.startsWith("paged, the CPU device is one float array over its virtual address space (twice "
                + "the budget and a page: 10.0 GiB for 5.0 GiB), more than one Java float array holds"), array);
        assertTrue(array.contains("lower --budget to 4094MiB or less, leave --paged out"), array);
        long budget = (Runtime.getRuntime().maxMemory() / GIB / 2 + 1) * GIB;
        assumeTrue(budget < 4 * GIB, "the heap is too large to exceed it with a CPU device");
        String heap = CpuBackend.deviceProblem(budget, pages);
        assertTrue(heap != null && heap.contains("more than the Java heap holds"), heap);
        assertNull(CpuBackend.deviceProblem(budget, Paging.NONE), "unpaged, the same budget fits");
        try (CpuBackend cpu = new CpuBackend(new DeviceMemory(16L << 20, new Trace(new TraceInfo("t", "baseline",
                "cpu", 1, 16L << 20, null), 16), pages), 1)) {
            // a 9 MiB hole below a 2 MiB block: 10 MiB go past it, past the 16 MiB budget, on 7 of the 8 pages
            Tensor hole = cpu.memory().allocate("hole", "", Category.ACTIVATION, Dims.vector(9 << 20 >> 2));
            Tensor kept = cpu.memory().allocate("kept", "", Category.ACTIVATION, Dims.vector(2 << 20 >> 2));
            cpu.memory().free(hole);
            Tensor farther = cpu.memory().allocate("farther", "", Category.ACTIVATION, Dims.vector(10 << 20 >> 2));
            assertTrue(farther.offset() + farther.bytes() > 16L << 20, "past the budget: " + farther.offset());
            cpu.fill(farther, 3f);
            float[] back = new float[(int) farther.dims().elements()];
            cpu.download(farther, back, 0);
            assertEquals(3f, back[back.length - 1], "the last value, at a virtual address past the budget");
            assertEquals(14L << 20, cpu.memory().arena().usedBytes());
            cpu.memory().free(kept);
            cpu.memory().free(farther);
        }
    }

    @Test
    void workspaceFormula() {
        ConvGeometry g = new ConvGeometry(4, 16, 16, 16, 32, 3, 3, 1, 1, 1, 1);
        long column = 16L * 3 * 3 * 16 * 16 * Float.BYTES;
        WorkspaceModel two = CpuBackend.workspaceModel(2);
        assertEquals(2 * column, two.convWorkspaceBytes(g, ConvPass.FORWARD));
        assertEquals(2 * column, two.convWorkspaceBytes(g, ConvPass.BACKWARD_DATA));
        // one buffer shared by the workers, and the weight gradient's transpose (32 output channels)
        assertEquals(column + 32L * 16 * 3 * 3 * Float.BYTES, two.convWorkspaceBytes(g, ConvPass.BACKWARD_FILTER));

        ConvGeometry single = new ConvGeometry(1, 16, 16, 16, 32, 3, 3, 1, 1, 1, 1);
        assertEquals(column, two.convWorkspaceBytes(single, ConvPass.FORWARD), "one image needs one buffer");

        ConvGeometry pointwise = new ConvGeometry(4, 16, 16, 16, 32, 1, 1, 1, 1, 0, 0);
        for (ConvPass pass : ConvPass.values()) {
            assertEquals(0, two.convWorkspaceBytes(pointwise, pass), "1x1 " + pass);
        }
        try (CpuFixture f = new CpuFixture(2)) {
            assertEquals(two, f.backend.workspaceModel());
            assertNull(f.workspace(pointwise, ConvPass.FORWARD));
        }
    }

    @Test
    void missingOrSmallWorkspaceIsAnError() {
        try (CpuFixture f = new CpuFixture(1)) {
            ConvGeometry g = new ConvGeometry(1, 2, 4, 4, 3, 3, 3, 1, 1, 1, 1);
            Tensor x = f.random("x", Dims.of(1, 2, 4, 4));
            Tensor w = f.random("w", Dims.of(3, 2, 3, 3));
            Tensor y = f.tensor("y", Dims.of(1, 3, 4, 4));
            Tensor small = f.tensor("ws", Dims.vector(10));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> f.backend.convForward(g, x, w, null, y, small));
            assertTrue(e.getMessage().contains("needs a workspace of 1.1 KiB"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> f.backend.convForward(g, x, w, null, y, null));
        }
    }

    @Test
    void shapeMismatchNamesTheTensor() {
        try (CpuFixture f = new CpuFixture(1)) {
            ConvGeometry g = new ConvGeometry(1, 2, 4, 4, 3, 3, 3, 1, 1, 1, 1);
            Tensor x = f.random("x", Dims.of(1, 2, 4, 4));
            Tensor w = f.random("w", Dims.of(3, 2, 2, 2));
            Tensor y = f.tensor("y", Dims.of(1, 3, 4, 4));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> f.backend.convForward(g, x, w, null, y, f.workspace(g, ConvPass.FORWARD)));
            assertTrue(e.getMessage().startsWith("convolution weights w[3x2x2x2"), e.getMessage());
        }
    }
}
