package io.memscope.trainer.program;

import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.Dims;

/**
 * A tensor a program names: what it is and how big. {@code persistent} tensors (parameters, gradients,
 * optimizer state) are allocated once by the setup program and live across steps.
 */
public record TensorDecl(String name, String layer, Category category, Dims dims, boolean persistent) {}
