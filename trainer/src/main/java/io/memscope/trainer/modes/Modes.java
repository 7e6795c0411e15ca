package io.memscope.trainer.modes;

import io.memscope.trainer.modes.rows.RowCentricMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The memory modes this build offers. Only working modes are listed, so a user never picks a dead one. */
public final class Modes {
    private static final Map<String, MemoryMode> MODES = new LinkedHashMap<>();

    static {
        register(new BaselineMode());
        register(new RowCentricMode());
        register(new ReversibleMode());
        register(new io.memscope.trainer.modes.compressed.CompressedMode());
        register(new io.memscope.trainer.modes.outofcore.OutOfCoreMode());
        register(new io.memscope.trainer.modes.checkpoint.CheckpointMode());
    }

    private Modes() {}

    private static void register(MemoryMode mode) {
        MODES.put(mode.id(), mode);
    }

    public static List<MemoryMode> all() {
        return List.copyOf(MODES.values());
    }

    public static MemoryMode get(String id) {
        MemoryMode m = MODES.get(id);
        if (m == null) {
            throw new IllegalArgumentException("unknown mode '" + id + "'; available: " + String.join(", ", MODES.keySet()));
        }
        return m;
    }

    /** The mode with its settings, e.g. {@code get("row-centric", Map.of("bands", "8"))}. */
    public static MemoryMode get(String id, Map<String, String> settings) {
        return get(id).configure(settings);
    }
}
