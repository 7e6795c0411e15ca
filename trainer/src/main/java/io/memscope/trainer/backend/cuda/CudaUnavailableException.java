package io.memscope.trainer.backend.cuda;

/** The CUDA backend cannot run here; the message is the one-line notice that says what is missing. */
public final class CudaUnavailableException extends RuntimeException {
    public CudaUnavailableException(String notice) {
        super(notice);
    }
}
