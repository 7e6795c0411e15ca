package io.memscope.trainer.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {
    @Test
    void everyItemRunsOnceInItsWorkersSliceEvenOnAPoolUsedTheMomentItIsMade() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int round = 0; round < 300; round++) {
                int threads = 2 + round % 3;
                try (WorkerPool pool = new WorkerPool(threads, 0)) {
                    for (int count : new int[] {1, 2, 3, 7, 1000}) {
                        AtomicIntegerArray hits = new AtomicIntegerArray(count);
                        AtomicIntegerArray owner = new AtomicIntegerArray(count);
                        pool.forEach(count, 1, (worker, from, to) -> {
                            for (int i = from; i < to; i++) {
                                hits.incrementAndGet(i);
                                owner.set(i, worker);
                            }
                        });
                        int slices = Math.min(threads, count);
                        for (int i = 0; i < count; i++) {
                            assertEquals(1, hits.get(i), "item " + i + " of " + count + ", round " + round);
                            // slice s covers [count·s/slices, count·(s+1)/slices)
                            assertEquals(expectedWorker(i, count, slices), owner.get(i), "worker of item " + i);
                        }
                    }
                }
            }
        });
    }

    @Test
    void aSliceThatThrowsFailsTheLoopAndThePoolGoesOn() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (WorkerPool pool = new WorkerPool(3, 0)) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.forEach(9, 1,
                        (worker, from, to) -> {
                            if (worker == 2) {
                                throw new IllegalStateException("worker 2 failed");
                            }
                        }));
                assertEquals("worker 2 failed", e.getMessage());
                AtomicIntegerArray hits = new AtomicIntegerArray(9);
                pool.forEach(9, 1, (worker, from, to) -> {
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < 9; i++) {
                    assertEquals(1, hits.get(i));
                }
            }
        });
    }

    @Test
    void aSliceCannotStartAnotherParallelLoop() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (WorkerPool pool = new WorkerPool(2, 0)) {
                assertThrows(IllegalStateException.class, () -> pool.forEach(2, 1, (worker, from, to) -> {
                    if (worker == 1) {
                        pool.forEach(2, 1, (w, f, t) -> { });
                    }
                }));
            }
        });
    }

    private static int expectedWorker(int item, int count, int slices) {
        for (int s = 0; s < slices; s++) {
            if (item < (int) ((long) count * (s + 1) / slices)) {
                return s;
            }
        }
        return -1;
    }
}
