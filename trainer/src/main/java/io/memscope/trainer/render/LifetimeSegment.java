package io.memscope.trainer.render;

/**
 * One stretch of a tensor's lifetime in a single state, {@code [start, end)} on the model's x axis.
 *
 * @param offset address in the arena (for a non-resident state: the address the tensor left)
 */
public record LifetimeSegment(long start, long end, long offset, long bytes, LifetimeState state) {}
