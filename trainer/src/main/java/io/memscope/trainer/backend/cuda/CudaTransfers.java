package io.memscope.trainer.backend.cuda;

import io.memscope.trainer.backend.Transfers;
import io.memscope.trainer.memory.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Out-of-core copies on the CUDA backend: {@code cuMemcpy*Async} on the copy stream through page-locked staging
 * buffers, overlapping the kernels of the compute stream. A copy first waits (on the device, not the host) for an
 * event recorded on the compute stream when it is issued, so it sees every kernel queued before it, and ends in
 * an event of its own. The host's {@code float[]} is filled from (or into) the staging buffer when the copy is
 * waited for. All calls come from the thread that runs the program, on which the context is current.
 *
 * <p>Copies are not paced: {@link #bytesPerSecond} is the link the program was planned for, the real link is
 * whatever the card's is.
 */
final class CudaTransfers implements Transfers {
    /** Staging buffers are allocated in multiples of this many floats (4 MiB), and kept for reuse. */
    private static final int STAGING_QUANTUM = 1 << 20;

    private final DriverApi driver;
    private final double bytesPerSecond;
    private final List<DriverApi.Pinned> idle = new ArrayList<>();
    private final List<DriverApi.Pinned> all = new ArrayList<>();

    CudaTransfers(DriverApi driver, double bytesPerSecond) {
        this.driver = driver;
        this.bytesPerSecond = bytesPerSecond;
    }

    @Override
    public Future<?> toHost(Tensor src, float[] host) {
        int n = src.size();
        DriverApi.Pinned staging = take(n);
        DriverApi.Event after = driver.recordCompute();
        DriverApi.Event done = driver.copyToHostAsync(after, src.offset(), staging, n);
        after.destroy();
        return new Copy(done, () -> {
            staging.floats().get(host, 0, n);
            idle.add(staging);
        });
    }

    @Override
    public Future<?> toDevice(float[] host, Tensor dst) {
        int n = dst.size();
        DriverApi.Pinned staging = take(n);
        staging.floats().put(host, 0, n);
        DriverApi.Event after = driver.recordCompute();
        DriverApi.Event done = driver.copyToDeviceAsync(after, staging, dst.offset(), n);
        after.destroy();
        return new Copy(done, () -> {
            // kernels queued from now on read the tensor only after the copy (the host waited already)
            driver.computeWaits(done);
            idle.add(staging);
        });
    }

    /** The smallest idle staging buffer that holds {@code floats}, or a new one. */
    private DriverApi.Pinned take(int floats) {
        DriverApi.Pinned best = null;
        for (DriverApi.Pinned p : idle) {
            int capacity = p.floats().capacity();
            if (capacity >= floats && (best == null || capacity < best.floats().capacity())) {
                best = p;
            }
        }
        if (best != null) {
            idle.remove(best);
            return best;
        }
        long rounded = ((long) floats + STAGING_QUANTUM - 1) / STAGING_QUANTUM * STAGING_QUANTUM;
        DriverApi.Pinned p = driver.allocatePinned((int) Math.min(Integer.MAX_VALUE - 8, Math.max(floats, rounded)));
        all.add(p);
        return p;
    }

    @Override
    public double bytesPerSecond() {
        return bytesPerSecond;
    }

    @Override
    public void close() {
        driver.synchronize();
        all.forEach(DriverApi.Pinned::free);
        all.clear();
        idle.clear();
    }

    /** A copy in flight: done once its event has passed and its completion (the host side) has run. */
    private static final class Copy implements Future<Void> {
        private final DriverApi.Event event;
        private final Runnable completion;
        private boolean finished;

        Copy(DriverApi.Event event, Runnable completion) {
            this.event = event;
            this.completion = completion;
        }

        private void finish() {
            if (!finished) {
                finished = true;
                completion.run();
                event.destroy();
            }
        }

        @Override
        public boolean isDone() {
            if (!finished && event.done()) {
                finish();
            }
            return finished;
        }

        @Override
        public Void get() {
            if (!finished) {
                event.await();
                finish();
            }
            return null;
        }

        @Override
        public Void get(long timeout, TimeUnit unit) {
            return get();
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    }
}
