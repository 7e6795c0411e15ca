package io.memscope.trainer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The CPU-vs-PyTorch benchmark's rounds: medians of each side and of the paired ratios, and their range. */
class PairedRoundsTest {
    @Test
    void theRatioIsTheMedianOfTheRoundsRatiosNotTheRatioOfMedians() {
        // round 2 ran while the machine was busy for both sides: its times are long, its ratio ordinary
        TorchCpuBenchmark.Paired p = TorchCpuBenchmark.Paired.of(new double[] {10, 30, 11}, new double[] {10, 25, 8});
        assertEquals(11, p.first());
        assertEquals(10, p.second());
        assertEquals(1.2, p.ratio(), 1e-12);
        assertEquals(1.0, p.lowest(), 1e-12);
        assertEquals(11.0 / 8, p.highest(), 1e-12);
    }
}
