package io.memscope.trainer.backend;

/**
 * How many workspace bytes a backend's convolution kernels take. The meta backend borrows the model of the
 * backend it plans for, so planned and measured peaks come from one formula.
 */
@FunctionalInterface
public interface WorkspaceModel {
    long convWorkspaceBytes(ConvGeometry g, ConvPass pass);

    WorkspaceModel NONE = (g, pass) -> 0;
}
