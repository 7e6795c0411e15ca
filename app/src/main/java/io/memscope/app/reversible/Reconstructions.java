package io.memscope.app.reversible;

import io.memscope.trainer.program.Reconstruction;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The reconstruction errors a reversible run measured (at its first step, every
 * {@link io.memscope.trainer.train.Trainer#RECONSTRUCTION_EVERY} steps and its last), by tensor and step, for
 * the lifetime details and the per-layer table. Filled on the UI thread from what the frame loop took from the
 * session; a few hundred records even for a long run.
 */
public final class Reconstructions {
    private final Map<String, NavigableMap<Integer, Reconstruction>> byTensor = new HashMap<>();
    private final Map<String, Reconstruction> latestByLayer = new LinkedHashMap<>();

    /** Adds one step's measurements (one per rebuilt tensor, top of the network first). */
    public void add(List<Reconstruction> measured) {
        for (Reconstruction r : measured) {
            byTensor.computeIfAbsent(r.tensor(), k -> new TreeMap<>()).put(r.step(), r);
            Reconstruction last = latestByLayer.get(r.layer());
            if (last == null || last.step() <= r.step()) {
                latestByLayer.put(r.layer(), r);
            }
        }
    }

    public void clear() {
        byTensor.clear();
        latestByLayer.clear();
    }

    public boolean isEmpty() {
        return byTensor.isEmpty();
    }

    /**
     * The measurement of {@code tensor} that speaks for trace step {@code step}: the one of that step, else the
     * last one before it, else the first after it; null when the tensor was never measured.
     */
    public Reconstruction at(String tensor, int step) {
        NavigableMap<Integer, Reconstruction> m = byTensor.get(tensor);
        if (m == null) {
            return null;
        }
        Map.Entry<Integer, Reconstruction> e = m.floorEntry(step);
        return e != null ? e.getValue() : m.firstEntry().getValue();
    }

    /** The latest measurement of the tensor each layer's inverse rebuilds, by layer. */
    public Map<String, Reconstruction> latestByLayer() {
        return java.util.Collections.unmodifiableMap(latestByLayer);
    }
}
