package io.memscope.trainer.train;

/** A run that cannot start or go on, with a message a user can act on. */
public final class TrainingException extends RuntimeException {
    public TrainingException(String message) {
        super(message);
    }

    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
