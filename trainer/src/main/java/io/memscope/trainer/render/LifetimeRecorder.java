package io.memscope.trainer.render;

import io.memscope.trainer.memory.MemoryEvent;

/**
 * Turns the tensor events of a trace into lifetimes: ALLOC opens one, FREE closes it, SWAP_OUT / SWAP_IN and
 * COMPRESS / DECOMPRESS start a new segment in another state, FREE_REQUESTED starts the stretch a block waits
 * for its FREE ({@link LifetimeState#PENDING_FREE}). Tensors are matched by id. The timeline keeps one
 * recorder for device memory and one for host memory, each over its own table and address space.
 *
 * <p>A trace cut from a ring buffer can begin in the middle of a tensor's life. An event for an unknown tensor
 * therefore opens a lifetime at the trace's first x, in the state the event implies it was in, and reports
 * the bytes that must have been resident before the trace began so the resident curve can start there too.
 */
final class LifetimeRecorder {
    private final LifetimeTable table;
    private final LongIntMap live = new LongIntMap();
    private final long traceStart;

    LifetimeRecorder(LifetimeTable table, long traceStart) {
        this.table = table;
        this.traceStart = traceStart;
    }

    /** Whether the tensor is alive and off the device (swapped out or compressed), as the events so far say. */
    boolean offDevice(long tensorId) {
        if (tensorId < 0) {
            return false;
        }
        int lt = live.get(tensorId);
        return lt >= 0 && !table.currentState(lt).onDevice();
    }

    /**
     * Applies one event at {@code x}. Returns the bytes of the event's category that were resident before the
     * trace's first event (non-zero only for a FREE, FREE_REQUESTED, SWAP_OUT or COMPRESS of a tensor the trace
     * never saw).
     */
    long accept(MemoryEvent e, long x) {
        if (e.tensorId() < 0) {
            return 0;
        }
        return switch (e.action()) {
            case ALLOC -> {
                int previous = live.get(e.tensorId());
                if (previous >= 0) {
                    table.endSegment(previous, x);
                }
                int lt = table.open(e.tensorId(), e.tensorName(), e.layer(), e.category(), false);
                table.startSegment(lt, x, e.offset(), e.bytes(), LifetimeState.RESIDENT);
                live.put(e.tensorId(), lt);
                yield 0;
            }
            case FREE -> {
                long before = 0;
                int lt = live.get(e.tensorId());
                if (lt < 0) {
                    lt = openUnseen(e, LifetimeState.RESIDENT);
                    before = e.bytes();
                }
                table.endSegment(lt, x);
                live.remove(e.tensorId());
                yield before;
            }
            case FREE_REQUESTED -> {
                long before = 0;
                int lt = live.get(e.tensorId());
                if (lt < 0) {
                    lt = openUnseen(e, LifetimeState.RESIDENT);
                    before = e.bytes();
                }
                if (table.currentState(lt) == LifetimeState.RESIDENT) {
                    table.startSegment(lt, x, e.offset(), e.bytes(), LifetimeState.PENDING_FREE);
                }
                yield before;
            }
            case SWAP_OUT -> leave(e, x, LifetimeState.SWAPPED_OUT);
            case COMPRESS -> leave(e, x, LifetimeState.COMPRESSED);
            case SWAP_IN -> enter(e, x, LifetimeState.SWAPPED_OUT);
            case DECOMPRESS -> enter(e, x, LifetimeState.COMPRESSED);
            default -> 0L;
        };
    }

    /** The tensor leaves device memory for {@code state}. */
    private long leave(MemoryEvent e, long x, LifetimeState state) {
        long before = 0;
        int lt = live.get(e.tensorId());
        if (lt < 0) {
            lt = openUnseen(e, LifetimeState.RESIDENT);
            before = e.bytes();
        }
        table.startSegment(lt, x, e.offset(), e.bytes(), state);
        return before;
    }

    /** The tensor comes back from {@code state}, possibly at a new address. */
    private long enter(MemoryEvent e, long x, LifetimeState state) {
        int lt = live.get(e.tensorId());
        if (lt < 0) {
            lt = openUnseen(e, state);
        }
        table.startSegment(lt, x, e.offset(), e.bytes(), LifetimeState.RESIDENT);
        return 0;
    }

    private int openUnseen(MemoryEvent e, LifetimeState state) {
        int lt = table.open(e.tensorId(), e.tensorName(), e.layer(), e.category(), true);
        table.startSegment(lt, traceStart, e.offset(), e.bytes(), state);
        live.put(e.tensorId(), lt);
        return lt;
    }
}
