package io.memscope.trainer.backend;

import io.memscope.trainer.memory.Tensor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Copies between device memory and the host tier that overlap compute (out-of-core mode). A copy is started and
 * returns a future; the program waits on it where it must (RELEASE before the block is reused, AWAIT before the
 * tensor is read).
 *
 * <p>{@link #cpu} runs the copies on a thread of their own beside the backend's workers, and models the link:
 * a copy of {@code b} bytes takes at least {@code b / bytesPerSecond} seconds (the copy itself, then a wait for
 * the rest), as a PCIe link of that bandwidth would, since on the CPU backend "device" and host memory are the
 * same RAM and a plain copy would be far faster than any real link. The CUDA backend's ({@code
 * backend.cuda.CudaTransfers}) issue {@code cuMemcpyAsync} on a second stream through page-locked staging
 * buffers instead, each copy ordered after the kernels queued before it by an event and ending in one.
 */
public interface Transfers extends AutoCloseable {

    /** Copies the device tensor's values into {@code host}. */
    Future<?> toHost(Tensor src, float[] host);

    /** Copies {@code host} into the device tensor. */
    Future<?> toDevice(float[] host, Tensor dst);

    /** The modelled bandwidth in bytes per second; 0 when copies are not modelled (meta). */
    double bytesPerSecond();

    @Override
    void close();

    /** No data, no time: the meta backend's transfers, which only the events record. */
    static Transfers none() {
        return new Transfers() {
            @Override
            public Future<?> toHost(Tensor src, float[] host) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public Future<?> toDevice(float[] host, Tensor dst) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public double bytesPerSecond() {
                return 0;
            }

            @Override
            public void close() {}
        };
    }

    /** Copies on one copy thread through the backend's upload and download, at most {@code bytesPerSecond}. */
    static Transfers cpu(Backend backend, double bytesPerSecond) {
        if (!(bytesPerSecond > 0)) {
            throw new IllegalArgumentException("the link's bandwidth must be positive, got " + bytesPerSecond);
        }
        ExecutorService copier = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "memscope-copy");
            t.setDaemon(true);
            return t;
        });
        return new Transfers() {
            @Override
            public Future<?> toHost(Tensor src, float[] host) {
                return copier.submit(() -> paced(src.elements() * Float.BYTES, () -> backend.download(src, host, 0)));
            }

            @Override
            public Future<?> toDevice(float[] host, Tensor dst) {
                return copier.submit(() -> paced(dst.elements() * Float.BYTES, () -> backend.upload(host, 0, dst)));
            }

            @Override
            public double bytesPerSecond() {
                return bytesPerSecond;
            }

            private void paced(long bytes, Runnable copy) {
                long start = System.nanoTime();
                copy.run();
                long due = start + (long) (bytes / bytesPerSecond * 1e9);
                long left;
                while ((left = due - System.nanoTime()) > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(left);
                }
            }

            @Override
            public void close() {
                copier.shutdownNow();
            }
        };
    }
}
