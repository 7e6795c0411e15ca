package io.memscope.trainer.data;

/**
 * Data that cannot be found, read or used with the network. The message names the file or folder, the number
 * that is wrong, and what to do about it; it is meant to be shown to the user as it is.
 */
public final class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
