package io.memscope.trainer.program;

/**
 * What one run of a program computed: the mean loss over the batch and how many samples the network
 * classified right. Both are NaN / 0 on the meta backend, which computes nothing.
 */
public record StepOutcome(double loss, int correct, int samples) {
    public double accuracy() {
        return samples == 0 ? Double.NaN : (double) correct / samples;
    }
}
