package io.memscope.app.layers;

import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.modes.Reversibility;
import io.memscope.trainer.plan.MemoryProfile;
import io.memscope.trainer.program.Reconstruction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Joins the planner's per-layer peaks with a run's measured ones, by layer name, and in reversible mode what
 * each layer does with its input and how well the run rebuilt it.
 */
public final class LayerComparison {
    /**
     * One layer: peak resident bytes during its forward and backward, predicted and measured (-1: unknown).
     *
     * @param reversible whether reversible mode rebuilds the layer's input, and why not; null in other modes
     * @param rebuilt    the run's latest measurement of the input the layer's inverse rebuilt, or null
     */
    public record Row(String layer, long predictedForward, long measuredForward, long predictedBackward,
                      long measuredBackward, Reversibility.Entry reversible, Reconstruction rebuilt) {
        public long predictedPeak() {
            return Math.max(predictedForward, predictedBackward);
        }

        public long measuredPeak() {
            return measuredForward < 0 && measuredBackward < 0 ? -1 : Math.max(measuredForward, measuredBackward);
        }

        /** Measured minus predicted peak; 0 when either is unknown. */
        public long difference() {
            long m = measuredPeak();
            return m < 0 || predictedPeak() < 0 ? 0 : m - predictedPeak();
        }
    }

    private LayerComparison() {}

    public static List<Row> join(MemoryProfile predicted, MemoryProfile measured) {
        return join(predicted, measured, null, Map.of());
    }

    /**
     * As {@link #join(MemoryProfile, MemoryProfile)}, each row with its layer's entry of {@code reversibility}
     * (null outside reversible mode) and its latest reconstruction error from {@code rebuiltByLayer}.
     */
    public static List<Row> join(MemoryProfile predicted, MemoryProfile measured, Reversibility reversibility,
                                 Map<String, Reconstruction> rebuiltByLayer) {
        Map<String, Reversibility.Entry> entries = new java.util.HashMap<>();
        if (reversibility != null) {
            reversibility.entries().forEach(e -> entries.put(e.layer(), e));
        }
        Map<String, long[]> byLayer = new LinkedHashMap<>();
        if (predicted != null) {
            for (MemoryProfile.LayerPeak p : predicted.layers()) {
                byLayer.put(p.layer(), new long[] {p.forwardPeak(), -1, p.backwardPeak(), -1});
            }
        }
        if (measured != null) {
            for (MemoryProfile.LayerPeak p : measured.layers()) {
                long[] v = byLayer.computeIfAbsent(p.layer(), k -> new long[] {-1, -1, -1, -1});
                v[1] = p.forwardPeak();
                v[3] = p.backwardPeak();
            }
        }
        List<Row> rows = new ArrayList<>();
        byLayer.forEach((k, v) -> rows.add(new Row(k, v[0], v[1], v[2], v[3], entries.get(k), rebuiltByLayer.get(k))));
        return rows;
    }

    /**
     * The events of one complete training step of a recording, with the set-up before it (parameters, gradients,
     * optimizer state): what the planner simulates, so the two profiles compare like for like. Empty when no
     * step has completed.
     */
    public static List<MemoryEvent> lastCompleteStep(List<MemoryEvent> events) {
        int step = -1;
        for (MemoryEvent e : events) {
            if ("update".equals(e.phase()) && e.step() > step) {
                step = e.step();
            }
        }
        if (step < 0) {
            return List.of();
        }
        List<MemoryEvent> out = new ArrayList<>();
        for (MemoryEvent e : events) {
            boolean setup = e.step() < 0;
            if ((setup || e.step() == step) && !"eval".equals(e.phase())) {
                out.add(e);
            }
        }
        return out;
    }
}
