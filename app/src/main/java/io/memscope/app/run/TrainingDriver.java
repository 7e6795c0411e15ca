package io.memscope.app.run;

import io.memscope.trainer.train.TrainConfig;

/** What the run controls ask of whoever runs the training; the view model stays free of threads. */
public interface TrainingDriver {
    void start(TrainConfig config);

    void pause();

    void resume();

    void stepOnce();

    void stop();
}
