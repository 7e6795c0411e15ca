package io.memscope.trainer.export;

/** A trace file could not be read. The message names the file and what is wrong with it. */
public final class TraceFormatException extends RuntimeException {
    public TraceFormatException(String message) {
        super(message);
    }

    public TraceFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
