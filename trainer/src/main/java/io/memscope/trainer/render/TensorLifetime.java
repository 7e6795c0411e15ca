package io.memscope.trainer.render;

import io.memscope.trainer.memory.Category;
import java.util.List;

/**
 * One tensor from ALLOC to FREE, as the lifetime view shows it and a click reports it.
 *
 * @param offset    address of the first allocation
 * @param bytes     size of the first allocation
 * @param start     x of the ALLOC, or of the trace's first event when the ALLOC is not in the trace
 * @param end       x of the FREE, or of the trace's last event when the tensor was never freed
 * @param openStart the ALLOC happened before the first recorded event (the trace was truncated)
 * @param openEnd   the tensor was still allocated when the trace ended
 * @param segments  the states it went through, in time order; one RESIDENT segment when it never moved
 */
public record TensorLifetime(long tensorId, String name, String layer, Category category, long offset, long bytes,
                             long start, long end, boolean openStart, boolean openEnd,
                             List<LifetimeSegment> segments) {
    public TensorLifetime {
        segments = List.copyOf(segments);
    }
}
