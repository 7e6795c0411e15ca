package io.memscope.app.compressed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memscope.trainer.program.CompressionRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompressionTextTest {
    @Test
    void sumsOneStepsTensorsAndTheirBounds() {
        assertEquals("", CompressionText.summary(List.of()));
        List<CompressionRecord> step = List.of(new CompressionRecord("conv1.out", 16L << 20, 3L << 20, 1e-4, 4),
                new CompressionRecord("conv2.out", 4L << 20, 1L << 20, 2.5e-3, 4));
        assertEquals("Step 5: 2 tensors: 20.0 MiB held as 4.0 MiB (5.0x smaller), error bounds 1.0e-04 to 2.5e-03",
                CompressionText.summary(step));
        assertEquals("Step 1: 1 tensor: 1.0 MiB held as 512.0 KiB (2.0x smaller), error bound 1.0e-03",
                CompressionText.summary(List.of(new CompressionRecord("a", 1L << 20, 1L << 19, 1e-3, 0))));
    }
}
