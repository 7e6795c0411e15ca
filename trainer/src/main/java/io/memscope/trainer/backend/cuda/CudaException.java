package io.memscope.trainer.backend.cuda;

/** A CUDA driver or cuDNN call that failed: which call, its status code and the status's name. */
public final class CudaException extends RuntimeException {
    private final int code;

    public CudaException(String call, int code, String status) {
        super(call + " failed: " + status + " (" + code + ")");
        this.code = code;
    }

    public CudaException(String message) {
        super(message);
        this.code = 0;
    }

    public int code() {
        return code;
    }
}
