package io.memscope.trainer.cli;

/** The command line was wrong; the message says how to write it. Exit code 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
