package io.memscope.trainer.modes;

import io.memscope.trainer.backend.WorkspaceModel;
import io.memscope.trainer.optim.Optimizer;

/**
 * What a mode compiles for.
 *
 * @param batch     samples per step
 * @param optimizer the update rule (decides the optimizer-state tensors)
 * @param workspace the backend's workspace model (decides the workspace tensors)
 */
public record CompileOptions(int batch, Optimizer optimizer, WorkspaceModel workspace) {
    public CompileOptions {
        if (batch <= 0) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
    }
}
