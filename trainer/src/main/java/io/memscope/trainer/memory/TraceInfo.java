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

    public TraceInfo {
        extra = extra == null ? Map.of() : Map.copyOf(extra);
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
