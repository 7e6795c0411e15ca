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
 * @param stepNanos      the median step time of the steady steps: the first step (warm-up) is left out when
 *                       there are several
 * @param peakBytes      the arena's peak over the whole run
 * @param plannedPeakBytes the meta backend's prediction for the run: setup, a step and an evaluation batch
 * @param events         events recorded
 */
public record TrainSummary(int steps, boolean stopped, double finalLoss, double trainAccuracy, double testAccuracy,
                           int testSamples, long stepNanos, long peakBytes, long plannedPeakBytes, long events) {}
