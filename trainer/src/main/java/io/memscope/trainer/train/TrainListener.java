package io.memscope.trainer.train;

import io.memscope.trainer.program.Reconstruction;
import java.util.List;

/** Hears about a run's progress, on the training thread. Keep it quick; hand work to another thread. */
public interface TrainListener {
    /** A choice made before the run, e.g. the row-centric bands chosen for the budget, in lines for a person. */
    default void onNote(String text) {}

    /** After set-up, before the first step. */
    default void onStart(Trainer trainer) {}

    default void onStep(StepResult result) {}

    /**
     * The reconstruction error of every tensor reversible mode rebuilt in a step (measured at the first step,
     * every {@link Trainer#RECONSTRUCTION_EVERY} steps and the last), top of the network first.
     */
    default void onReconstruction(List<Reconstruction> measured) {}

    /** Held-out accuracy measured. */
    default void onEval(double accuracy, int samples) {}

    TrainListener NONE = new TrainListener() {};
}
