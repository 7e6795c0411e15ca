package io.memscope.trainer.export;

import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Arena;
import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.Paging;
import io.memscope.trainer.memory.TraceInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a trace read from a file must satisfy to be drawn: the rules a recording keeps. Sequence numbers grow,
 * times never go back, blocks have a size and an address inside the budget (host memory, {@link
 * Category#HOST}, has an address space of its own that the budget does not bound; a paged recording's addresses
 * are virtual and reach its {@link Paging#addressSpace}), OOM events carry their byte counts (-1 where the
 * recording did not know one; a planned trace of an unbounded arena, {@link TraceInfo#unboundedArena()}, may pass
 * the budget), and a tensor is freed only once, after its allocation (a FREE_REQUESTED comes between them).
 * Reserved memory (RESERVE, UNRESERVE) has a range and no tensor. A trace that starts after sequence number 0
 * lost its oldest events to the recording's buffer, so a free of a tensor it never saw allocated is allowed
 * there. The first broken rule is a {@link TraceFormatException} naming the file, the event, the field and
 * the value.
 */
final class TraceChecks {
    private final String source;
    private final long budget;
    /** What {@code budget} bounds, in words: the budget, or a paged device's virtual address space. */
    private final String bound;
    /** For each tensor id met: the index of the event that allocated it, or -(index + 1) of the one that freed it. */
    private final Map<Long, Integer> tensors = new HashMap<>();
    private boolean complete;

    private TraceChecks(String source, long budget, String bound) {
        this.source = source;
        this.budget = budget;
        this.bound = bound;
    }

    static void check(String source, TraceInfo info, List<MemoryEvent> events) {
        if (info.batch() < 0) {
            throw new TraceFormatException(source + ": \"info\" has batch " + info.batch() + "; a batch is 0 or more");
        }
        if (info.budgetBytes() < 0) {
            throw new TraceFormatException(source + ": \"info\" has budgetBytes " + info.budgetBytes()
                    + "; a budget is 0 (unknown) or more");
        }
        long pageBytes = info.pageBytes();
        if (pageBytes != 0 && (pageBytes < 0 || pageBytes % Arena.ALIGNMENT != 0)) {
            throw new TraceFormatException(source + ": \"info\" has extra " + TraceInfo.PAGE_BYTES + " \""
                    + info.extra().get(TraceInfo.PAGE_BYTES) + "\"; a page size is a positive multiple of "
                    + Arena.ALIGNMENT + " bytes");
        }
        boolean paged = pageBytes > 0 && info.budgetBytes() > 0;
        long limit = info.unboundedArena() ? 0 : paged ? new Paging(pageBytes).addressSpace(info.budgetBytes())
                : info.budgetBytes();
        TraceChecks checks = new TraceChecks(source, limit, paged ? "the paged device's virtual address space"
                : "the budget");
        checks.complete = !events.isEmpty() && events.get(0).seq() == 0;
        for (int i = 0; i < events.size(); i++) {
            checks.event(i, events.get(i), i == 0 ? null : events.get(i - 1));
        }
    }

    private void event(int i, MemoryEvent e, MemoryEvent previous) {
        if (previous == null && e.seq() < 0) {
            throw fail(i, e, "has seq " + e.seq() + "; sequence numbers count from 0");
        }
        if (previous != null && e.seq() <= previous.seq()) {
            throw fail(i, e, "has seq " + e.seq() + ", which does not follow the seq " + previous.seq() + " of event "
                    + (i - 1) + "; sequence numbers grow from one event to the next");
        }
        if (previous != null && e.timeNs() < previous.timeNs()) {
            throw fail(i, e, "has timeNs " + e.timeNs() + ", before the " + previous.timeNs() + " of event " + (i - 1)
                    + "; times never go back");
        }
        if (e.timeNs() < 0) {
            throw fail(i, e, "has timeNs " + e.timeNs() + "; times count from the start of the recording, from 0");
        }
        if (e.step() < -1) {
            throw fail(i, e, "has step " + e.step() + "; steps count from 0, and -1 is before the first");
        }
        switch (e.action()) {
            case OOM -> oom(i, e);
            case PHASE, SEGMENT -> { }
            case RESERVE, UNRESERVE -> reserved(i, e);
            default -> block(i, e);
        }
    }

    /** An event about a tensor's block: ALLOC, FREE, and the swaps, compressions and recomputations. */
    private void block(int i, MemoryEvent e) {
        if (e.tensorId() < 0) {
            throw fail(i, e, "has tensorId " + e.tensorId() + "; an event about a block names its tensor, ids from 0");
        }
        if (e.category() == null) {
            throw fail(i, e, "has no category; an event about a block says what the block holds");
        }
        if (e.bytes() < 0) {
            throw fail(i, e, "has bytes " + e.bytes() + "; a block's size cannot be negative");
        }
        if (e.offset() < 0) {
            throw fail(i, e, "has offset " + e.offset() + "; addresses count from 0");
        }
        long limit = budget > 0 && e.category() != Category.HOST ? budget : Long.MAX_VALUE;
        if (e.offset() > limit - e.bytes()) {
            throw fail(i, e, "has offset " + e.offset() + " and bytes " + e.bytes() + ", which end past "
                    + (limit != Long.MAX_VALUE ? bound + " of " + budget + " bytes (" + Bytes.format(budget) + ")"
                    : "the largest address"));
        }
        Integer before = tensors.get(e.tensorId());
        if (e.action() == Action.ALLOC) {
            if (before != null && before >= 0) {
                throw fail(i, e, "allocates tensor " + e.tensorId() + ", which event " + before
                        + " allocated and nothing freed");
            }
            tensors.put(e.tensorId(), i);
        } else if (e.action() == Action.FREE_REQUESTED) {
            if (before != null && before < 0) {
                throw fail(i, e, "requests the free of tensor " + e.tensorId() + ", which event " + (-before - 1)
                        + " already freed");
            }
            if (before == null && complete) {
                throw fail(i, e, "requests the free of tensor " + e.tensorId() + ", which no earlier event allocates");
            }
        } else if (e.action() == Action.FREE) {
            if (before != null && before < 0) {
                throw fail(i, e, "frees tensor " + e.tensorId() + ", which event " + (-before - 1) + " already freed");
            }
            if (before == null && complete) {
                throw fail(i, e, "frees tensor " + e.tensorId() + ", which no earlier event allocates");
            }
            tensors.put(e.tensorId(), -i - 1);
        }
    }

    private void oom(int i, MemoryEvent e) {
        if (e.requestedBytes() < 0) {
            throw fail(i, e, "has requestedBytes " + e.requestedBytes() + "; an OOM says how many bytes it asked for");
        }
        if (e.freeBytes() < -1) {
            throw fail(i, e, "has freeBytes " + e.freeBytes() + "; an OOM says how many bytes were free (-1: unknown)");
        }
        if (e.largestFreeBytes() < -1) {
            throw fail(i, e, "has largestFreeBytes " + e.largestFreeBytes()
                    + "; an OOM says its largest free block (-1: unknown)");
        }
    }

    /** RESERVE / UNRESERVE: a range of device memory, no tensor. */
    private void reserved(int i, MemoryEvent e) {
        if (e.bytes() < 0) {
            throw fail(i, e, "has bytes " + e.bytes() + "; a reserved range's size cannot be negative");
        }
        if (e.offset() < 0) {
            throw fail(i, e, "has offset " + e.offset() + "; addresses count from 0");
        }
    }

    private TraceFormatException fail(int i, MemoryEvent e, String what) {
        return new TraceFormatException(source + ": event " + i + " (seq " + e.seq() + ", " + e.action() + ") " + what);
    }
}
