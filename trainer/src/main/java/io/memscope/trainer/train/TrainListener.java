package io.memscope.trainer.train;

/** Hears about a run's progress, on the training thread. Keep it quick; hand work to another thread. */
public interface TrainListener {
    /** A choice made before the run, e.g. the row-centric bands chosen for the budget, in lines for a person. */
    default void onNote(String text) {}

    /** After set-up, before the first step. */
    default void onStart(Trainer trainer) {}

    default void onStep(StepResult result) {}

    /** Held-out accuracy measured. */
    default void onEval(double accuracy, int samples) {}

    TrainListener NONE = new TrainListener() {};
}
