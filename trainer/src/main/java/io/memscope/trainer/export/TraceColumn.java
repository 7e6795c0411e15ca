package io.memscope.trainer.export;

/**
 * The columns of the trace file, in the order this version writes them. Schema 2 added {@code stack}, {@code
 * stream} and {@code note} (indices into the {@code stacks}, {@code streams} and {@code strings} tables, -1 for
 * none); a schema 1 file has none of them.
 */
enum TraceColumn {
    SEQ("seq.delta", false),
    TIME("timeNs.delta", false),
    ACTION("action", false),
    TENSOR_ID("tensorId", false),
    TENSOR_NAME("tensorName", false),
    LAYER("layer", false),
    CATEGORY("category", false),
    OFFSET("offset", false),
    BYTES("bytes", false),
    STEP("step", false),
    PHASE("phase", false),
    STACK("stack", true, 2),
    STREAM("stream", true, 2),
    NOTE("note", true, 2),
    REQUESTED("requestedBytes", true),
    FREE("freeBytes", true),
    LARGEST("largestFreeBytes", true);

    final String key;
    /** May be left off the end of a row, meaning -1. */
    final boolean optional;
    /** The schema that added the column; files of earlier schemas do not list it, and its value is -1. */
    final int since;

    TraceColumn(String key, boolean optional) {
        this(key, optional, 1);
    }

    TraceColumn(String key, boolean optional, int since) {
        this.key = key;
        this.optional = optional;
        this.since = since;
    }
}
