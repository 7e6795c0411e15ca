package io.memscope.trainer.modes;

import io.memscope.trainer.backend.WorkspaceModel;
import io.memscope.trainer.memory.Paging;
import io.memscope.trainer.optim.Optimizer;

/**
 * What a mode compiles for, and what a plan of the run covers.
 *
 * @param batch       samples per step
 * @param optimizer   the update rule (decides the optimizer-state tensors)
 * @param workspace   the backend's workspace model (decides the workspace tensors)
 * @param evalSamples held-out samples the run evaluates after training (0: none); evaluation runs in batches of
 *                    {@link #evalBatch()}, and a plan covers it as it covers the training step
 * @param paging      the device's allocator: plans replay against it, and out-of-core mode places its swaps for it
 */
public record CompileOptions(int batch, Optimizer optimizer, WorkspaceModel workspace, int evalSamples,
                             Paging paging) {
    public CompileOptions {
        if (batch <= 0) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        if (evalSamples < 0) {
            throw new IllegalArgumentException("held-out samples must be 0 or more, got " + evalSamples);
        }
        paging = paging == null ? Paging.NONE : paging;
    }

    /** On the classic (unpaged) arena. */
    public CompileOptions(int batch, Optimizer optimizer, WorkspaceModel workspace, int evalSamples) {
        this(batch, optimizer, workspace, evalSamples, Paging.NONE);
    }

    /** Training alone, no evaluation. */
    public CompileOptions(int batch, Optimizer optimizer, WorkspaceModel workspace) {
        this(batch, optimizer, workspace, 0);
    }

    /** Samples per evaluation batch: the training batch, or fewer when fewer are held out; 0 when none. */
    public int evalBatch() {
        return Math.min(batch, evalSamples);
    }

    /** The same options at another batch size (the held-out samples stay). */
    public CompileOptions withBatch(int newBatch) {
        return new CompileOptions(newBatch, optimizer, workspace, evalSamples, paging);
    }

    /** The same options on another allocator. */
    public CompileOptions withPaging(Paging newPaging) {
        return new CompileOptions(batch, optimizer, workspace, evalSamples, newPaging);
    }

    /** The same options with another backend's workspace model. */
    public CompileOptions withWorkspace(WorkspaceModel model) {
        return new CompileOptions(batch, optimizer, model, evalSamples, paging);
    }

    /** The options of the evaluation program: its batch, nothing further held out. */
    public CompileOptions forEvaluation() {
        return new CompileOptions(evalBatch(), optimizer, workspace, 0, paging);
    }
}
