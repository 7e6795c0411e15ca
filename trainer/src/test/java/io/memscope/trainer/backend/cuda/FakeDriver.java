package io.memscope.trainer.backend.cuda;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A CUDA driver in host memory: the arena is a {@code float[]}, copies are real, launches are recorded and, when
 * an {@link KernelEmulator} is given, run on the CPU by the kernels' own source compiled as C++. Events are done
 * when {@link #eventsDone} says so. Device memory outside the arena can be made to change with
 * {@link #takeOutside}.
 */
final class FakeDriver implements DriverApi {
    record Launch(String kernel, int gridX, int gridY, int blockX, KernelArgs args) {}

    final List<Launch> launches = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    final long totalBytes;
    long freeBytes;
    float[] arena;
    boolean eventsDone = true;
    int pinnedAllocations;
    int pinnedFreed;
    private final KernelEmulator emulator;

    FakeDriver(long totalBytes, long freeBytes, KernelEmulator emulator) {
        this.totalBytes = totalBytes;
        this.freeBytes = freeBytes;
        this.emulator = emulator;
    }

    static CudaDevice device(long total, long free) {
        return new CudaDevice(0, "Fake GPU", 8, 0, total, free);
    }

    /** Memory some other party took on the device (or gave back, when negative). */
    void takeOutside(long bytes) {
        freeBytes -= bytes;
    }

    @Override
    public int driverVersion() {
        return 12040;
    }

    @Override
    public int deviceCount() {
        return 1;
    }

    @Override
    public CudaDevice device(int ordinal) {
        return device(totalBytes, freeBytes);
    }

    @Override
    public void open(int ordinal, byte[] ptx) {
        calls.add("open " + ordinal + " (" + ptx.length + " bytes of PTX)");
    }

    @Override
    public void makeCurrent() {}

    @Override
    public long[] memoryInfo() {
        return new long[] {freeBytes, totalBytes};
    }

    @Override
    public void allocateArena(long bytes) {
        if (arena != null) {
            throw new IllegalStateException("arena allocated twice");
        }
        if (bytes > freeBytes) {
            throw new CudaException("cuMemAlloc", 2, "CUDA_ERROR_OUT_OF_MEMORY");
        }
        calls.add("allocateArena " + bytes);
        arena = new float[Math.toIntExact(bytes / Float.BYTES)];
        freeBytes -= bytes;
    }

    private int index(long offset) {
        if (offset % Float.BYTES != 0) {
            throw new IllegalArgumentException("unaligned device address " + offset);
        }
        return Math.toIntExact(offset / Float.BYTES);
    }

    @Override
    public void copyToDevice(float[] src, int srcOffset, long dst, int floats) {
        System.arraycopy(src, srcOffset, arena, index(dst), floats);
    }

    @Override
    public void copyToHost(long src, float[] dst, int dstOffset, int floats) {
        System.arraycopy(arena, index(src), dst, dstOffset, floats);
    }

    @Override
    public void copyOnDevice(long src, long dst, long bytes) {
        System.arraycopy(arena, index(src), arena, index(dst), Math.toIntExact(bytes / Float.BYTES));
    }

    @Override
    public void launch(String kernel, int gridX, int gridY, int blockX, KernelArgs args) {
        Launch l = new Launch(kernel, gridX, gridY, blockX, args);
        launches.add(l);
        if (emulator != null) {
            emulator.run(arena, l);
        }
    }

    @Override
    public void synchronize() {
        calls.add("synchronize");
    }

    @Override
    public Pinned allocatePinned(int floats) {
        pinnedAllocations++;
        FloatBuffer b = FloatBuffer.allocate(floats);
        return new Pinned() {
            @Override
            public FloatBuffer floats() {
                return b.duplicate().clear();
            }

            @Override
            public void free() {
                pinnedFreed++;
            }
        };
    }

    /** An event that is done when the driver's {@link #eventsDone} is; await makes it done. */
    final class FakeEvent implements Event {
        final String what;
        boolean destroyed;
        private final Runnable action;
        private boolean ran;

        FakeEvent(String what, Runnable action) {
            this.what = what;
            this.action = action;
        }

        private void complete() {
            if (!ran) {
                ran = true;
                action.run();
            }
        }

        @Override
        public void await() {
            complete();
        }

        @Override
        public boolean done() {
            if (eventsDone) {
                complete();
            }
            return ran;
        }

        @Override
        public void destroy() {
            destroyed = true;
        }
    }

    @Override
    public Event recordCompute() {
        calls.add("recordCompute");
        return new FakeEvent("compute", () -> { });
    }

    @Override
    public Event copyToHostAsync(Event after, long src, Pinned dst, int floats) {
        calls.add("copyToHostAsync after " + ((FakeEvent) after).what);
        // the copy happens when the stream reaches it: when its event completes
        float[] snapshot = new float[floats];
        System.arraycopy(arena, index(src), snapshot, 0, floats);
        return new FakeEvent("copy", () -> dst.floats().put(snapshot));
    }

    @Override
    public Event copyToDeviceAsync(Event after, Pinned src, long dst, int floats) {
        calls.add("copyToDeviceAsync after " + ((FakeEvent) after).what);
        float[] values = new float[floats];
        src.floats().get(values);
        return new FakeEvent("copy", () -> System.arraycopy(values, 0, arena, index(dst), floats));
    }

    @Override
    public void computeWaits(Event event) {
        calls.add("computeWaits " + ((FakeEvent) event).what);
    }

    @Override
    public void close() {
        calls.add("close");
    }
}
