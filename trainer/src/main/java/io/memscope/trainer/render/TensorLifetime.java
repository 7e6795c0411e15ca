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
 * @param firstEvent index, in the model's events, of the event that opened the lifetime (its ALLOC, or the first
 *                  event the trace has of a tensor allocated before it began): where the event's details are
 *                  ({@code io.memscope.trainer.memory.TraceDetails}), -1 when not known
 */
public record TensorLifetime(long tensorId, String name, String layer, Category category, long offset, long bytes,
                             long start, long end, boolean openStart, boolean openEnd,
                             List<LifetimeSegment> segments, int firstEvent) {
    public TensorLifetime(long tensorId, String name, String layer, Category category, long offset, long bytes,
                          long start, long end, boolean openStart, boolean openEnd, List<LifetimeSegment> segments) {
        this(tensorId, name, layer, category, offset, bytes, start, end, openStart, openEnd, segments, -1);
    }

    /** How a host copy's name ends: the copy of {@code conv1.out} in host memory is {@code conv1.out@host}. */
    public static final String HOST_COPY_SUFFIX = "@host";

    public TensorLifetime {
        segments = List.copyOf(segments);
    }

    /** For a block of host memory named after the tensor it holds a copy of, that tensor's name; else empty. */
    public String hostCopyOf() {
        if (category != Category.HOST || !name.endsWith(HOST_COPY_SUFFIX)) {
            return "";
        }
        return name.substring(0, name.length() - HOST_COPY_SUFFIX.length());
    }

    /** Whether the block waited for its free (FREE_REQUESTED before FREE), and since when. */
    public java.util.OptionalLong pendingFreeSince() {
        return segments.stream().filter(s -> s.state() == LifetimeState.PENDING_FREE)
                .mapToLong(LifetimeSegment::start).findFirst();
    }

    /** Whether the tensor spent part of its life swapped out to host memory. */
    public boolean wasSwappedOut() {
        return segments.stream().anyMatch(s -> s.state() == LifetimeState.SWAPPED_OUT);
    }
}
