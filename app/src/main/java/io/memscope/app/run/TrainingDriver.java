package io.memscope.app.run;

import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.train.TrainConfig;

/** What the run controls ask of whoever runs the training; the view model stays free of threads. */
public interface TrainingDriver {
    /** Starts a run of {@code config} in {@code mode}, the configured mode whose id {@code config} names. */
    void start(TrainConfig config, MemoryMode mode);

    void pause();

    void resume();

    void stepOnce();

    void stop();
}
