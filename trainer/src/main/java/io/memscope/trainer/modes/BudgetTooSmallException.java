package io.memscope.trainer.modes;

/**
 * A mode cannot fit the run in the budget and knows the smallest budget it can: its message already says what to
 * do, so no generic advice (computed for another arrangement) is added to it.
 */
public final class BudgetTooSmallException extends IllegalArgumentException {
    private final long minimumBytes;

    public BudgetTooSmallException(String message, long minimumBytes) {
        super(message);
        this.minimumBytes = minimumBytes;
    }

    public long minimumBytes() {
        return minimumBytes;
    }
}
