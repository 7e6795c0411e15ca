package io.memscope.trainer.program;

import java.util.Locale;

/**
 * How well an inverse rebuilt a tensor that reversible training freed in forward: the signal-to-noise ratio
 * SNR = mean(x²) / mean((x − x̂)²) of the rebuilt values x̂ against the values x forward computed.
 *
 * @param tensor   the rebuilt tensor, e.g. {@code stage1.rev2.out}
 * @param layer    the layer whose inverse rebuilt it (the tensor's consumer)
 * @param depth    inverses between this tensor and the nearest tensor forward kept, from 1 (rebuilt from a kept
 *                 output): errors compound along a chain of rebuilt tensors
 * @param snr      the ratio; infinite when the rebuilt values are exact
 * @param maxError the largest |x − x̂|
 * @param step     the training step measured (trace numbering, from 0)
 */
public record Reconstruction(String tensor, String layer, int depth, double snr, double maxError, int step) {
    /** Measures {@code rebuilt} against {@code truth}. */
    public static Reconstruction measure(String tensor, String layer, int depth, float[] truth, float[] rebuilt,
                                         int step) {
        double signal = 0;
        double noise = 0;
        double max = 0;
        for (int i = 0; i < truth.length; i++) {
            double d = (double) truth[i] - rebuilt[i];
            signal += (double) truth[i] * truth[i];
            noise += d * d;
            max = Math.max(max, Math.abs(d));
        }
        double snr = noise == 0 ? Double.POSITIVE_INFINITY : signal / noise;
        return new Reconstruction(tensor, layer, depth, snr, max, step);
    }

    /** The ratio in decibels, 10·log10(SNR); infinite when exact. */
    public double snrDb() {
        return 10 * Math.log10(snr);
    }

    /** {@code 96.3 dB}, or {@code exact}. */
    public String snrText() {
        return Double.isInfinite(snr) ? "exact" : String.format(Locale.ROOT, "%.1f dB", snrDb());
    }
}
