package io.memscope.trainer.plan;

import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an event stream says about memory: the peak of resident bytes and what it was made of, the largest
 * amount of each category, and the peak inside each layer's forward and backward phases. The same code reads
 * a planned (meta) trace and a measured one, so the two can be compared line by line.
 *
 * <p>Host memory ({@link Category#HOST}, the out-of-core mode's swapped-out copies) is no part of the device
 * figures; {@link #hostPeakBytes()} is its own peak. A tensor freed while swapped out or compressed returns
 * nothing to the device: it left when it went.
 */
public final class MemoryProfile {
    /** Peak resident bytes while a layer's forward or backward phase ran. */
    public record LayerPeak(String layer, long forwardPeak, long backwardPeak) {}

    private long peakBytes;
    private long peakSeq = -1;
    private final Map<Category, Long> atPeak = new EnumMap<>(Category.class);
    private final Map<Category, Long> maxByCategory = new EnumMap<>(Category.class);
    private final Map<String, long[]> layerPeaks = new LinkedHashMap<>();
    private final List<MemoryEvent> ooms = new ArrayList<>();
    private int steps;
    private long setupBytes;
    private long evalPeakBytes;
    private long trainingPeakBytes;
    private long hostPeakBytes;

    private MemoryProfile() {}

    public static MemoryProfile of(List<MemoryEvent> events) {
        MemoryProfile p = new MemoryProfile();
        Map<Category, Long> resident = new EnumMap<>(Category.class);
        Set<Long> offDevice = new HashSet<>();
        long total = 0;
        long host = 0;
        String layer = "";
        boolean backward = false;
        boolean eval = false;
        for (MemoryEvent e : events) {
            switch (e.action()) {
                case PHASE -> {
                    layer = e.layer();
                    // Row-centric phases name the band: "backward band 2/4", "recompute band 2/4".
                    backward = e.phase().startsWith("backward") || e.phase().startsWith("recompute");
                    eval = e.phase().startsWith("eval");
                }
                case SEGMENT -> {
                    p.steps++;
                    layer = "";
                }
                case OOM -> p.ooms.add(e);
                default -> {
                    long delta = e.residentDelta();
                    switch (e.action()) {
                        case SWAP_OUT, COMPRESS -> offDevice.add(e.tensorId());
                        case SWAP_IN, DECOMPRESS, ALLOC -> offDevice.remove(e.tensorId());
                        case FREE -> delta = offDevice.remove(e.tensorId()) ? 0 : delta;
                        default -> { }
                    }
                    host += e.hostDelta();
                    p.hostPeakBytes = Math.max(p.hostPeakBytes, host);
                    if (delta == 0) {
                        continue;
                    }
                    Category c = e.category();
                    long now = resident.merge(c, delta, Long::sum);
                    total += delta;
                    if (now > p.maxByCategory.getOrDefault(c, 0L)) {
                        p.maxByCategory.put(c, now);
                    }
                    if (e.step() < 0) {
                        p.setupBytes = total;
                    }
                    if (eval) {
                        p.evalPeakBytes = Math.max(p.evalPeakBytes, total);
                    } else {
                        p.trainingPeakBytes = Math.max(p.trainingPeakBytes, total);
                    }
                    if (total > p.peakBytes) {
                        p.peakBytes = total;
                        p.peakSeq = e.seq();
                        p.atPeak.clear();
                        p.atPeak.putAll(resident);
                    }
                }
            }
            if (!layer.isEmpty() && !eval) {
                long[] lp = p.layerPeaks.computeIfAbsent(layer, k -> new long[2]);
                int slot = backward ? 1 : 0;
                lp[slot] = Math.max(lp[slot], total);
            }
        }
        return p;
    }

    public long peakBytes() {
        return peakBytes;
    }

    /** What the setup holds before the first step: parameters, their gradients and the optimizer's state. */
    public long setupBytes() {
        return setupBytes;
    }

    /** The peak of setup and training steps, evaluation left out. */
    public long trainingPeakBytes() {
        return trainingPeakBytes;
    }

    /** The peak while evaluating held-out data, 0 when the events hold no evaluation. */
    public long evalPeakBytes() {
        return evalPeakBytes;
    }

    /** The most host memory held at once (swapped-out copies), 0 when the events hold none. */
    public long hostPeakBytes() {
        return hostPeakBytes;
    }

    /** Sequence number of the event that reached the peak, or -1 for an empty trace. */
    public long peakSeq() {
        return peakSeq;
    }

    /** Resident bytes per category at the moment of the peak. */
    public Map<Category, Long> atPeak() {
        return new EnumMap<>(atPeak);
    }

    public long atPeak(Category c) {
        return atPeak.getOrDefault(c, 0L);
    }

    /** The most each category ever held (these need not coincide in time). */
    public Map<Category, Long> maxByCategory() {
        return new EnumMap<>(maxByCategory);
    }

    public List<LayerPeak> layers() {
        List<LayerPeak> out = new ArrayList<>();
        layerPeaks.forEach((k, v) -> out.add(new LayerPeak(k, v[0], v[1])));
        return out;
    }

    public List<MemoryEvent> ooms() {
        return List.copyOf(ooms);
    }

    public int steps() {
        return steps;
    }
}
