package io.memscope.trainer.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memscope.trainer.HostTierEvents;
import io.memscope.trainer.memory.Category;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryProfileTest {
    private static final long B = HostTierEvents.B;

    @Test
    void hostCopiesHaveTheirOwnPeakAndATensorFreedWhileOutReturnsNothing() {
        MemoryProfile p = MemoryProfile.of(HostTierEvents.pattern());
        assertEquals(3 * B, p.peakBytes(), "weight and conv2.out, with conv1.out on the host");
        assertEquals(Map.of(Category.PARAMETER, B, Category.ACTIVATION, 2 * B), p.atPeak());
        assertEquals(3 * B, p.hostPeakBytes());
        assertEquals(Map.of(Category.PARAMETER, B, Category.ACTIVATION, 2 * B), p.maxByCategory(),
                "no host category among device memory");
        assertEquals(0, MemoryProfile.of(HostTierEvents.pattern().subList(0, 2)).hostPeakBytes());
    }
}
