package io.memscope.trainer.memory;

import java.util.Map;

/**
 * What a trace was recorded from: shown beside the timeline and written into the trace file.
 *
 * @param network  network name
 * @param mode     memory mode
 * @param backend  backend name (cpu, cuda, meta) and device
 * @param batch    batch size
 * @param budgetBytes device-memory budget (the arena's capacity)
 * @param extra    any other facts worth keeping (optimizer, data, seed, versions)
 */
public record TraceInfo(String network, String mode, String backend, int batch, long budgetBytes,
                        Map<String, String> extra) {
    /**
     * The {@code extra} key of a planned trace simulated on an arena without a capacity (value {@code
     * unbounded}): its addresses may pass the budget, which is then only the line it was checked against.
     */
    public static final String ARENA = "arena";
    /**
     * The {@code extra} key of a trace recorded on a paged device ({@link PagedArena}): the page size in bytes. Its
     * addresses are virtual and reach {@link Paging#addressSpace} of the budget; absent for the classic arena.
     */
    public static final String PAGE_BYTES = "pageBytes";
    /**
     * The {@code extra} key saying what the event times are: absent or {@code ns} for a clock; {@code none} when
     * the recording had no clock (a PyTorch snapshot before 2.2) and an event's time is only its place in the
     * recording (its trace entry's number), which the views then count instead of time.
     */
    public static final String CLOCK = "clock";

    public TraceInfo {
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    /**
     * The page size of a paged recording, 0 for the classic arena, -1 for a value that is not a whole number (the
     * trace file's checks refuse it).
     */
    public long pageBytes() {
        String v = extra.get(PAGE_BYTES);
        if (v == null) {
            return 0;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** False when the times only keep the order of the events ({@link #CLOCK} {@code none}). */
    public boolean hasClock() {
        return !"none".equals(extra.get(CLOCK));
    }

    /** The same facts with one more (or one replaced). */
    public TraceInfo withExtra(String key, String value) {
        java.util.Map<String, String> more = new java.util.LinkedHashMap<>(extra);
        more.put(key, value);
        return new TraceInfo(network, mode, backend, batch, budgetBytes, more);
    }

    /** True when the arena had no capacity (a plan drawn across its budget), so addresses may pass the budget. */
    public boolean unboundedArena() {
        return "unbounded".equals(extra.get(ARENA));
    }
}
