package io.memscope.trainer.train;

/**
 * The end of a run.
 *
 * @param steps          steps completed
 * @param stopped        true when the user stopped the run early
 * @param finalLoss      mean loss of the last few steps
 * @param trainAccuracy  accuracy over the last few steps' batches
 * @param testAccuracy   accuracy on held-out samples, NaN when not measured
 * @param testSamples    how many held-out samples were measured
 * @param meanStepNanos  mean step time, the first step excluded when there are several (warm-up)
 * @param peakBytes      the arena's peak over the whole run
 * @param plannedPeakBytes the meta backend's prediction for one step
 * @param events         events recorded
 */
public record TrainSummary(int steps, boolean stopped, double finalLoss, double trainAccuracy, double testAccuracy,
                           int testSamples, long meanStepNanos, long peakBytes, long plannedPeakBytes, long events) {}
