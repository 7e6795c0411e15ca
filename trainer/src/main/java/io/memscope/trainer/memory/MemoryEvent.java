package io.memscope.trainer.memory;

/**
 * One immutable record of what happened to device memory.
 *
 * <p>Field meanings never change (the trace file carries a schema version). {@code offset} is the block's
 * address inside the arena, {@code bytes} its aligned size. An {@link Action#OOM} event leaves {@code offset}
 * at -1 and fills the three OOM fields; all other events leave them at -1. {@link Action#RESERVE} and {@link
 * Action#UNRESERVE} are about reserved memory, not a tensor: {@code offset} and {@code bytes} are the range.
 *
 * @param seq            position in the event stream, from 0, without gaps
 * @param timeNs         nanoseconds since the recording started
 * @param action         what happened
 * @param tensorId       the tensor's id, unique in one run, or -1 for PHASE / SEGMENT / RESERVE / UNRESERVE
 * @param tensorName     the tensor's name, e.g. {@code conv1.out}; empty for PHASE / SEGMENT
 * @param layer          the layer that owns the tensor or the phase; empty when none
 * @param category       what the block holds; {@code null} for PHASE / SEGMENT / RESERVE / UNRESERVE
 * @param offset         address of the block in the arena, -1 when not applicable
 * @param bytes          size of the block (aligned), 0 when not applicable
 * @param step           training step, from 0; -1 before the first step (setup)
 * @param phase          the phase the event happened in, e.g. {@code forward}, {@code backward}, {@code update}
 * @param requestedBytes OOM only: what was asked for
 * @param freeBytes      OOM only: free bytes in the arena at that moment (an imported OOM: on the device), -1
 *                       when the recording did not say
 * @param largestFreeBytes OOM only: the largest free block at that moment, -1 when the recording did not say
 *                       (PyTorch's snapshots do not)
 */
public record MemoryEvent(
        long seq,
        long timeNs,
        Action action,
        long tensorId,
        String tensorName,
        String layer,
        Category category,
        long offset,
        long bytes,
        int step,
        String phase,
        long requestedBytes,
        long freeBytes,
        long largestFreeBytes) {

    public MemoryEvent {
        tensorName = tensorName == null ? "" : tensorName;
        layer = layer == null ? "" : layer;
        phase = phase == null ? "" : phase;
    }

    /** Signed change of resident device bytes this event causes; 0 for host memory ({@link Category#HOST}). */
    public long residentDelta() {
        if (category == Category.HOST) {
            return 0;
        }
        return switch (action) {
            case ALLOC, SWAP_IN, DECOMPRESS -> bytes;
            case FREE, SWAP_OUT, COMPRESS -> -bytes;
            default -> 0;
        };
    }

    /** Signed change of reserved device bytes this event causes (RESERVE and UNRESERVE). */
    public long reservedDelta() {
        return switch (action) {
            case RESERVE -> bytes;
            case UNRESERVE -> -bytes;
            default -> 0;
        };
    }

    /** Signed change of host-tier bytes this event causes (ALLOC and FREE of {@link Category#HOST} blocks). */
    public long hostDelta() {
        if (category != Category.HOST) {
            return 0;
        }
        return switch (action) {
            case ALLOC -> bytes;
            case FREE -> -bytes;
            default -> 0;
        };
    }
}
