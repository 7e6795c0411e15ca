package io.memscope.trainer.memory;

/**
 * The only way device memory is obtained: an allocator of the budget's size (an {@link Arena}, or a {@link
 * PagedArena} when the run is paged), a tensor id counter, and the {@link Trace} every allocation, free and OOM is
 * recorded into. It also carries the current step and phase so events say when they happened. Events record a
 * block's address (virtual when paged) and its size either way.
 */
public final class DeviceMemory {
    private final DeviceAllocator arena;
    private final long budgetBytes;
    private final Paging paging;
    private final Trace trace;
    private final long t0 = System.nanoTime();
    private long nextId;
    private long seq;
    private int step = -1;
    private String phase = "setup";
    /** The host tier (out-of-core mode): its own address space, its own accounting; made on first use. */
    private Arena host;

    public DeviceMemory(long budgetBytes, Trace trace) {
        this(budgetBytes, trace, Paging.NONE);
    }

    public DeviceMemory(long budgetBytes, Trace trace, Paging paging) {
        this.arena = paging.allocator(budgetBytes);
        this.budgetBytes = budgetBytes;
        this.paging = paging;
        this.trace = trace;
    }

    public DeviceAllocator arena() {
        return arena;
    }

    /** The budget as given (the allocator's capacity rounds it down to whole alignment units or pages). */
    public long budgetBytes() {
        return budgetBytes;
    }

    public Paging paging() {
        return paging;
    }

    public Trace trace() {
        return trace;
    }

    public int step() {
        return step;
    }

    public String phase() {
        return phase;
    }

    /** Allocates a tensor of the given shape, or records an OOM event and throws. */
    public Tensor allocate(String name, String layer, Category category, Dims dims) {
        long bytes = dims.bytes();
        long offset = arena.allocate(bytes);
        if (offset < 0) {
            MemoryEvent oom = new MemoryEvent(seq++, now(), Action.OOM, -1, name, layer, category, -1, 0, step, phase,
                    Arena.align(Math.max(1, bytes)), arena.freeBytes(), arena.largestFreeBlock());
            trace.record(oom);
            throw new OutOfDeviceMemoryException(oom);
        }
        Tensor t = new Tensor(nextId++, name, layer, category, dims, offset, arena.sizeOf(offset));
        emit(Action.ALLOC, t);
        return t;
    }

    public void free(Tensor t) {
        arena.free(t.offset());
        emit(Action.FREE, t);
    }

    /**
     * The tensor leaves device memory (COMPRESS: its compressed form holds it; SWAP_OUT: host memory does): its
     * block is returned, and the event records the block it left. {@link #comeBack} brings the same tensor back.
     */
    public void leave(Tensor t, Action action) {
        arena.free(t.offset());
        emit(action, t);
    }

    /**
     * The tensor comes back to device memory (DECOMPRESS, SWAP_IN) in a new block: the same tensor, id and name,
     * at the new address; or an OOM event and the exception, as for an allocation.
     */
    public Tensor comeBack(Tensor t, Action action) {
        long offset = arena.allocate(t.dims().bytes());
        if (offset < 0) {
            MemoryEvent oom = new MemoryEvent(seq++, now(), Action.OOM, t.id(), t.name(), t.layer(), t.category(), -1, 0,
                    step, phase, Arena.align(Math.max(1, t.dims().bytes())), arena.freeBytes(), arena.largestFreeBlock());
            trace.record(oom);
            throw new OutOfDeviceMemoryException(oom);
        }
        Tensor back = new Tensor(t.id(), t.name(), t.layer(), t.category(), t.dims(), offset, arena.sizeOf(offset));
        emit(action, back);
        return back;
    }

    /**
     * A block of host memory for the copy of a device tensor: a tensor of its own ({@code <name>@host}, category
     * {@link Category#HOST}) in the host tier's address space, recorded as an ALLOC that does not count as device
     * memory. The host tier has no budget of its own.
     */
    public Tensor hostAllocate(Tensor of) {
        if (host == null) {
            host = new Arena(Long.MAX_VALUE / 4);
        }
        long offset = host.allocate(of.dims().bytes());
        Tensor t = new Tensor(nextId++, of.name() + "@host", of.layer(), Category.HOST, of.dims(), offset,
                host.sizeOf(offset));
        emit(Action.ALLOC, t);
        return t;
    }

    /** Returns a host block {@link #hostAllocate} gave. */
    public void hostFree(Tensor t) {
        if (t.category() != Category.HOST) {
            throw new IllegalArgumentException(t.name() + " is not a host block");
        }
        host.free(t.offset());
        emit(Action.FREE, t);
    }

    /** Bytes held in host memory now, and at most since the start (0 when the host tier was never used). */
    public long hostUsedBytes() {
        return host == null ? 0 : host.usedBytes();
    }

    public long hostPeakBytes() {
        return host == null ? 0 : host.peakBytes();
    }

    /** Records a non-allocating event about a tensor (e.g. RECOMPUTE). */
    public void mark(Action action, Tensor t) {
        emit(action, t);
    }

    /** Starts a new step: emits SEGMENT. */
    public void beginStep(int newStep) {
        step = newStep;
        phase = "step";
        trace.record(new MemoryEvent(seq++, now(), Action.SEGMENT, -1, "", "", null, -1, 0, step, phase, -1, -1, -1));
    }

    /** Enters a phase such as {@code forward}, {@code backward}, {@code update}, for a layer (may be empty). */
    public void phase(String name, String layer) {
        phase = name;
        trace.record(new MemoryEvent(seq++, now(), Action.PHASE, -1, "", layer, null, -1, 0, step, name, -1, -1, -1));
    }

    private void emit(Action action, Tensor t) {
        trace.record(new MemoryEvent(seq++, now(), action, t.id(), t.name(), t.layer(), t.category(), t.offset(),
                t.bytes(), step, phase, -1, -1, -1));
    }

    private long now() {
        return System.nanoTime() - t0;
    }
}
