package io.memscope.trainer.render;

import io.memscope.trainer.memory.Category;

/** An allocation that did not fit, with what the arena looked like at that moment. */
public record OomMarker(long x, String tensorName, String layer, Category category, long requestedBytes,
                        long freeBytes, long largestFreeBytes) {}
