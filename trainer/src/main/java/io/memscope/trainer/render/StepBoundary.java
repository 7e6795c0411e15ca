package io.memscope.trainer.render;

/** A SEGMENT event: training step {@code step} starts at {@code x}. */
public record StepBoundary(long x, int step) {}
