package io.memscope.trainer.backend.cuda;

import io.memscope.trainer.memory.Bytes;
import java.util.Objects;

/**
 * An opened CUDA device: its context with the kernels loaded, and a cuDNN handle. A run opens one session, plans
 * with its workspace model, then allocates its arena in a {@link CudaBackend} on it. Opening allocates device
 * memory outside any arena (the context, the module, cuDNN's handle); {@link #cudnnHandleBytes()} is what
 * {@code cudnnCreate} took, measured with cuMemGetInfo around it, which the trace states.
 */
public final class CudaSession implements AutoCloseable {
    /** Device memory left free beside the arena for the driver and cuDNN's own needs. */
    public static final long RESERVE_BYTES = 256L << 20;

    private final DriverApi driver;
    private final CudnnApi cudnn;
    private final CudaDevice device;
    private final long cudnnHandleBytes;
    private boolean closed;

    public CudaSession(DriverApi driver, CudnnApi cudnn, CudaDevice device, long cudnnHandleBytes) {
        this.driver = Objects.requireNonNull(driver, "driver");
        this.cudnn = Objects.requireNonNull(cudnn, "cudnn");
        this.device = Objects.requireNonNull(device, "device");
        this.cudnnHandleBytes = cudnnHandleBytes;
    }

    public DriverApi driver() {
        return driver;
    }

    public CudnnApi cudnn() {
        return cudnn;
    }

    public CudaDevice device() {
        return device;
    }

    public long cudnnHandleBytes() {
        return cudnnHandleBytes;
    }

    public void makeCurrent() {
        driver.makeCurrent();
    }

    /** The device's free memory now (cuMemGetInfo). */
    public long freeBytes() {
        makeCurrent();
        return driver.memoryInfo()[0];
    }

    /** The largest arena this device can give now: its free memory less {@link #RESERVE_BYTES}. */
    public long largestArenaBytes() {
        return Math.max(0, freeBytes() - RESERVE_BYTES);
    }

    /** Why a budget of {@code bytes} is more than the device can give now, or null when it is not. */
    public String budgetProblem(long bytes) {
        long free = freeBytes();
        long largest = Math.max(0, free - RESERVE_BYTES);
        if (bytes <= largest) {
            return null;
        }
        return "a " + Bytes.format(bytes) + " budget does not fit " + device.id() + ": it has " + Bytes.format(free)
                + " free, of which " + Bytes.format(RESERVE_BYTES) + " stays for the driver and cuDNN"
                + (largest > 0 ? "; lower --budget to " + Bytes.format(largest) + " or less" : "");
    }

    /** The workspace model for a budget (see {@link CudaWorkspaceModel#underBudget}). */
    public CudaWorkspaceModel workspaceModel(long budgetBytes,
                                             java.util.function.ToLongFunction<io.memscope.trainer.backend.WorkspaceModel> peakOf) {
        return CudaWorkspaceModel.underBudget(cudnn, this::makeCurrent, budgetBytes, peakOf);
    }

    /** What the trace says about memory outside the arena. */
    public String outsideArena() {
        return "cudnnCreate took " + Bytes.format(cudnnHandleBytes) + " of device memory outside the arena; the CUDA "
                + "context and the kernels' module take memory outside it too, which cuMemGetInfo cannot tell apart "
                + "from other processes'";
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        makeCurrent();
        try {
            cudnn.close();
        } finally {
            driver.close();
        }
    }
}
