package io.memscope.app.event;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A small typed event bus: features publish what happened (a notice, a network loaded) and others subscribe by
 * event type, without knowing each other. Delivery is synchronous on the publishing thread; the application
 * publishes only from the UI thread.
 */
public final class EventBus {
    private final Map<Class<?>, List<Consumer<?>>> subscribers = new ConcurrentHashMap<>();

    public <E> void subscribe(Class<E> type, Consumer<? super E> handler) {
        subscribers.computeIfAbsent(type, k -> new CopyOnWriteArrayList<>()).add(handler);
    }

    @SuppressWarnings("unchecked")
    public void publish(Object event) {
        for (Map.Entry<Class<?>, List<Consumer<?>>> e : subscribers.entrySet()) {
            if (e.getKey().isInstance(event)) {
                for (Consumer<?> c : e.getValue()) {
                    ((Consumer<Object>) c).accept(event);
                }
            }
        }
    }
}
