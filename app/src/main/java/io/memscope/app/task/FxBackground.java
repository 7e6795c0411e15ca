package io.memscope.app.task;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.util.Duration;

/** Background work on daemon threads, results back on the JavaFX thread. */
public final class FxBackground implements Background {
    private final ExecutorService pool;
    private final Map<String, PauseTransition> pending = new HashMap<>();

    public FxBackground() {
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "memscope-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public <T> void run(Callable<T> work, Consumer<? super T> onDone, Consumer<? super Throwable> onFailed) {
        pool.submit(() -> {
            T result;
            try {
                result = work.call();
            } catch (Throwable t) {
                Platform.runLater(() -> onFailed.accept(t));
                return;
            }
            Platform.runLater(() -> onDone.accept(result));
        });
    }

    @Override
    public void debounce(String key, long delayMillis, Runnable action) {
        PauseTransition p = pending.computeIfAbsent(key, k -> new PauseTransition());
        p.stop();
        p.setDuration(Duration.millis(delayMillis));
        p.setOnFinished(e -> action.run());
        p.playFromStart();
    }
}
