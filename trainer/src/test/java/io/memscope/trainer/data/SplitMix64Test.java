package io.memscope.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SplitMix64Test {
    @Test
    void matchesTheReferenceSequence() {
        // The first outputs of the reference C implementation (Vigna) seeded with 0.
        SplitMix64 rng = new SplitMix64(0);

        assertEquals(0xE220A8397B1DCDAFL, rng.nextLong());
        assertEquals(0x6E789E6AA1B965F4L, rng.nextLong());
        assertEquals(0x06C45D188009454FL, rng.nextLong());
    }

    @Test
    void boundedValuesStayInRangeAndCoverIt() {
        SplitMix64 rng = new SplitMix64(99);
        int[] seen = new int[7];
        for (int i = 0; i < 7000; i++) {
            seen[rng.nextInt(7)]++;
            float f = rng.nextFloat();
            assertTrue(f >= 0 && f < 1, "float " + f);
        }
        for (int count : seen) {
            assertTrue(count > 800 && count < 1200, "uneven draws: " + count);
        }
    }
}
