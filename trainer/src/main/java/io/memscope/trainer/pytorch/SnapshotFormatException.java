package io.memscope.trainer.pytorch;

/**
 * A file could not be read as a PyTorch memory snapshot: not a pickle, a pickle that would run code, a cut file,
 * or a pickle that is not a snapshot. The message names the file and, for a pickle, the byte offset.
 */
public final class SnapshotFormatException extends RuntimeException {
    public SnapshotFormatException(String message) {
        super(message);
    }

    public SnapshotFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
