package io.memscope.trainer.export;

/** The columns of schema 1, in the order this version writes them. */
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
    REQUESTED("requestedBytes", true),
    FREE("freeBytes", true),
    LARGEST("largestFreeBytes", true);

    final String key;
    /** May be left off the end of a row, meaning -1. */
    final boolean optional;

    TraceColumn(String key, boolean optional) {
        this.key = key;
        this.optional = optional;
    }
}
