package io.memscope.trainer.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The CPU backend's threads. A loop over {@code [0, count)} is cut into at most {@code threads} contiguous
 * slices; slice {@code i} runs as worker {@code i}, so a kernel can give each worker its own part of a
 * workspace. Slice 0 runs on the calling thread, and the call returns only when every slice has finished, so
 * no worker ever touches memory after a kernel has returned.
 *
 * <p>A training step hands the workers dozens of loops of a fraction of a millisecond each, so the hand-over
 * itself has to be cheap: the workers spin for a while on the job counter before they park, and the caller
 * spins on the slices still running, instead of a queue and a future per slice (which cost tens of
 * microseconds per loop in wake-ups). One loop runs at a time; a second caller waits for the first to finish.
 */
public final class WorkerPool implements AutoCloseable {
    /** Below this many element operations a loop stays on the calling thread: handing it over costs more. */
    public static final long DEFAULT_MIN_PARALLEL_WORK = 1 << 17;
    /** How long an idle worker spins for the next loop before it parks. */
    private static final long SPIN_NANOS = 200_000;

    /** One slice of a loop. */
    @FunctionalInterface
    public interface Slice {
        void run(int worker, int from, int to);
    }

    private final int threads;
    private final long minParallelWork;
    private final Worker[] workers;
    private final ReentrantLock dispatch = new ReentrantLock();
    /**
     * Workers not done with the current loop yet: all of them, those without a slice too, so that none can still
     * be reading one loop's fields when the caller writes the next one's.
     */
    private final AtomicInteger running = new AtomicInteger();
    private volatile long job;
    private volatile boolean closed;
    // the current loop, published by the write of job and read after its read
    private Slice body;
    private int count;
    private int slices;

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
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
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
        int n = Math.min(threads, count);
        if (n == 1 || (double) count * workPerItem < minParallelWork) {
            body.run(0, 0, count);
            return;
        }
        if (Thread.currentThread() instanceof Worker) {
            throw new IllegalStateException("a CPU kernel's slice started another parallel loop");
        }
        dispatch.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the CPU backend is closed");
            }
            this.body = body;
            this.count = count;
            this.slices = n;
            for (Worker w : workers) {
                w.failure = null;
            }
            running.set(workers.length);
            job++; // publishes body, count and slices
            for (Worker w : workers) {
                w.wake();
            }
            Throwable failure = null;
            try {
                body.run(0, 0, bound(count, n, 1));
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            while (running.get() > 0) {
                Thread.onSpinWait();
            }
            for (int s = 1; s < n && failure == null; s++) {
                failure = workers[s - 1].failure;
            }
            this.body = null;
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
        } finally {
            dispatch.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    private static int bound(int count, int slices, int s) {
        return (int) ((long) count * s / slices);
    }

    /** Worker {@code index}: runs its slice of each loop, spinning between loops, then parking. */
    private final class Worker extends Thread {
        private final int index;
        private volatile boolean parked;
        private volatile Throwable failure;

        Worker(int index) {
            super("memscope-cpu-worker-" + index);
            this.index = index;
            setDaemon(true);
        }

        void wake() {
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        @Override
        public void run() {
            long seen = 0; // not job: a loop may already have been handed out before this thread runs
            while (!closed) {
                long now = job;
                if (now == seen) {
                    idle(seen);
                    continue;
                }
                seen = now;
                int n = slices;
                if (index < n) {
                    try {
                        body.run(index, bound(count, n, index), bound(count, n, index + 1));
                    } catch (Throwable t) {
                        failure = t;
                    }
                }
                running.decrementAndGet();
            }
        }

        /** Spins for the next loop, then parks until the caller wakes it (or the pool closes). */
        private void idle(long seen) {
            long until = System.nanoTime() + SPIN_NANOS;
            while (job == seen && !closed) {
                if (System.nanoTime() < until) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (job == seen && !closed) { // the caller reads parked after it writes job
                    LockSupport.park(this);
                }
                parked = false;
                until = System.nanoTime() + SPIN_NANOS;
            }
        }
    }
}
