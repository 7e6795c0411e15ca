package io.memscope.trainer.train;

import io.memscope.trainer.plan.FitAdvice;
import io.memscope.trainer.plan.Planner;

/**
 * A run that cannot start or go on, with a message a user can act on. A run that does not fit its budget
 * carries {@link FitAdvice}: what would fit, for the interface to word (flags on the command line, controls in
 * the window); the message itself states only the facts.
 */
public final class TrainingException extends RuntimeException {
    private final transient FitAdvice advice;
    private final transient Planner.Plan plan;

    public TrainingException(String message) {
        this(message, null, null);
    }

    public TrainingException(String message, Throwable cause) {
        this(message, null, cause);
    }

    public TrainingException(String message, FitAdvice advice, Throwable cause) {
        this(message, advice, null, cause);
    }

    /** A run refused before it started, with the plan that does not fit (for drawing its timeline). */
    public TrainingException(String message, FitAdvice advice, Planner.Plan plan, Throwable cause) {
        super(message, cause);
        this.advice = advice;
        this.plan = plan;
    }

    /** The plan that did not fit, when the run was refused before its first step; else null. */
    public Planner.Plan plan() {
        return plan;
    }

    /** What would fit, or null when the failure is not about memory. */
    public FitAdvice advice() {
        return advice;
    }
}
