package io.memscope.app.task;

import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Where the UI sends work that must not run on its thread (planning, loading, saving). The result and any
 * failure come back on the UI thread. Tests use {@link #direct()}, which runs everything at once.
 */
public interface Background {
    <T> void run(Callable<T> work, Consumer<? super T> onDone, Consumer<? super Throwable> onFailed);

    /** Runs {@code action} after {@code delayMillis} on the UI thread, replacing an earlier request with the same key. */
    void debounce(String key, long delayMillis, Runnable action);

    static Background direct() {
        return new Background() {
            @Override
            public <T> void run(Callable<T> work, Consumer<? super T> onDone, Consumer<? super Throwable> onFailed) {
                T result;
                try {
                    result = work.call();
                } catch (Throwable t) {
                    onFailed.accept(t);
                    return;
                }
                onDone.accept(result);
            }

            @Override
            public void debounce(String key, long delayMillis, Runnable action) {
                action.run();
            }
        };
    }
}
