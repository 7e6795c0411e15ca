package io.memscope.trainer.train;

/**
 * One finished training step.
 *
 * @param step          step number, from 0
 * @param totalSteps    steps planned for the run
 * @param epoch         epoch the step belongs to, from 0
 * @param loss          mean loss over the batch
 * @param accuracy      fraction of the batch classified right
 * @param stepNanos     wall time of the step
 * @param peakBytes     peak device bytes of this step
 * @param residentBytes device bytes held between steps (parameters, gradients, optimizer state)
 */
public record StepResult(int step, int totalSteps, int epoch, double loss, double accuracy, long stepNanos,
                         long peakBytes, long residentBytes) {}
