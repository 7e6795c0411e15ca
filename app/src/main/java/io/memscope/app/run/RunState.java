package io.memscope.app.run;

/** Where a training run stands. */
public enum RunState {
    IDLE("Ready"),
    RUNNING("Running"),
    PAUSED("Paused"),
    STOPPING("Stopping"),
    FINISHED("Finished"),
    FAILED("Failed");

    private final String label;

    RunState(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** A run may start from here. */
    public boolean isAtRest() {
        return this == IDLE || this == FINISHED || this == FAILED;
    }

    /** A run is in progress (its thread is alive). */
    public boolean isActive() {
        return this == RUNNING || this == PAUSED || this == STOPPING;
    }
}
