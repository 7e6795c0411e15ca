package io.memscope.app.compressed;

import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.program.CompressionRecord;
import java.util.List;
import java.util.Locale;

/** Words compressed mode's results for the window: what the last step held compressed, and within which bounds. */
public final class CompressionText {
    private CompressionText() {}

    /**
     * "Step 5: 11 tensors: 21.1 MiB held as 4.4 MiB (4.8x smaller), error bounds 1.0e-04 to 2.3e-03", for the
     * tensors one step compressed; empty when none.
     */
    public static String summary(List<CompressionRecord> step) {
        if (step.isEmpty()) {
            return "";
        }
        long bytes = step.stream().mapToLong(CompressionRecord::bytes).sum();
        long held = step.stream().mapToLong(CompressionRecord::compressedBytes).sum();
        var bounds = step.stream().mapToDouble(CompressionRecord::errorBound).filter(b -> b > 0).summaryStatistics();
        String within = bounds.getCount() == 0 ? ""
                : bounds.getMin() == bounds.getMax() ? String.format(Locale.ROOT, ", error bound %.1e", bounds.getMin())
                : String.format(Locale.ROOT, ", error bounds %.1e to %.1e", bounds.getMin(), bounds.getMax());
        int shown = io.memscope.trainer.memory.Steps.shown(step.get(0).step());
        return String.format(Locale.ROOT, "Step %d: %d tensor%s: %s held as %s (%.1fx smaller)%s", shown, step.size(),
                step.size() == 1 ? "" : "s", Bytes.format(bytes), Bytes.format(held),
                held == 0 ? Double.POSITIVE_INFINITY : (double) bytes / held, within);
    }
}
