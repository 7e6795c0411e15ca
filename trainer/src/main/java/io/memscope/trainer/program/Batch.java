package io.memscope.trainer.program;

/**
 * One batch on the host: {@code n} samples (NCHW floats) and their class labels (as floats).
 */
public record Batch(int n, float[] images, float[] labels) {}
