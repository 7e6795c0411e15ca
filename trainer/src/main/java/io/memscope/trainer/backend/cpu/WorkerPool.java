package io.memscope.trainer.backend.cpu;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CPU backend's threads. A loop over {@code [0, count)} is cut into at most {@code threads} contiguous
 * slices; slice {@code i} runs as worker {@code i}, so a kernel can give each worker its own part of a
 * workspace. Slice 0 runs on the calling thread, and the call returns only when every slice has finished, so
 * no worker ever touches memory after a kernel has returned.
 */
public final class WorkerPool implements AutoCloseable {
    /** Below this many element operations a loop stays on the calling thread: handing it over costs more. */
    public static final long DEFAULT_MIN_PARALLEL_WORK = 1 << 17;

    /** One slice of a loop. */
    @FunctionalInterface
    public interface Slice {
        void run(int worker, int from, int to);
    }

    private final int threads;
    private final long minParallelWork;
    private final ExecutorService executor;

    public WorkerPool(int threads) {
        this(threads, DEFAULT_MIN_PARALLEL_WORK);
    }

    /** A pool that splits loops of at least {@code minParallelWork} element operations (0: every loop). */
    public WorkerPool(int threads, long minParallelWork) {
        if (threads < 1) {
            throw new IllegalArgumentException("a CPU backend needs at least one thread, got " + threads);
        }
        this.threads = threads;
        this.minParallelWork = minParallelWork;
        this.executor = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, daemonThreads());
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, count)}. {@code workPerItem} estimates the element operations of one
     * item; loops cheaper than the pool's minimum parallel work in total run as a single slice on the caller.
     */
    public void forEach(int count, long workPerItem, Slice body) {
        if (count <= 0) {
            return;
        }
        int slices = Math.min(threads, count);
        if (slices == 1 || (double) count * workPerItem < minParallelWork) {
            body.run(0, 0, count);
            return;
        }
        Future<?>[] others = new Future<?>[slices - 1];
        for (int s = 1; s < slices; s++) {
            int worker = s;
            int from = bound(count, slices, s);
            int to = bound(count, slices, s + 1);
            others[s - 1] = executor.submit(() -> body.run(worker, from, to));
        }
        Throwable failure = null;
        try {
            body.run(0, 0, bound(count, slices, 1));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Future<?> f : others) {
            Throwable t = awaitUninterruptibly(f);
            if (failure == null) {
                failure = t;
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException("a CPU worker failed", failure);
        }
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdown();
        }
    }

    private static int bound(int count, int slices, int s) {
        return (int) ((long) count * s / slices);
    }

    /** Waits for a slice even when interrupted: it writes into device memory the caller is about to read. */
    private static Throwable awaitUninterruptibly(Future<?> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get();
                    return null;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    return e.getCause();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger next = new AtomicInteger(1);
        return r -> {
            Thread t = new Thread(r, "memscope-cpu-worker-" + next.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }
}
