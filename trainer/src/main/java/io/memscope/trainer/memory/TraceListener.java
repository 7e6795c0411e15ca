package io.memscope.trainer.memory;

/** Receives every event as it is recorded. It runs on the recording thread and must never call back into the memory. */
@FunctionalInterface
public interface TraceListener {
    void onEvent(MemoryEvent event);
}
