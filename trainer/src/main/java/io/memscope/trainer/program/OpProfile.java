package io.memscope.trainer.program;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a step's time goes: wall nanoseconds and counts per instruction kind ("conv2d forward",
 * "batchnorm2d backward", "alloc", "update" ...), summed over the runs a {@link ProgramRunner} was told to
 * profile. Not thread-safe: the runner adds from its own thread.
 */
public final class OpProfile {
    private final Map<String, long[]> byKind = new LinkedHashMap<>();
    private final boolean perLayer;

    /** Sums per instruction kind. */
    public OpProfile() {
        this(false);
    }

    /** Sums per kind, or with {@code perLayer} per layer call ("conv2d forward conv1_2"). */
    public OpProfile(boolean perLayer) {
        this.perLayer = perLayer;
    }

    boolean perLayer() {
        return perLayer;
    }

    /** The kind name of an instruction that is not a layer call: its class name in lower case. */
    static String kind(Instruction i) {
        return i.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    void add(String kind, long nanos) {
        long[] v = byKind.computeIfAbsent(kind, k -> new long[2]);
        v[0] += nanos;
        v[1]++;
    }

    /** Forgets everything added so far. */
    public void clear() {
        byKind.clear();
    }

    /** One entry per kind: total nanoseconds and number of instructions. */
    public record Entry(String kind, long nanos, long count) { }

    /** The kinds, most time first. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        byKind.forEach((k, v) -> out.add(new Entry(k, v[0], v[1])));
        out.sort((a, b) -> Long.compare(b.nanos(), a.nanos()));
        return out;
    }

    /** Nanoseconds over every kind. */
    public long totalNanos() {
        return byKind.values().stream().mapToLong(v -> v[0]).sum();
    }
}
