package io.memscope.app.pytorch;

import io.memscope.trainer.memory.TraceDetails;
import io.memscope.trainer.pytorch.Frames;
import io.memscope.trainer.pytorch.SnapshotImport;
import io.memscope.trainer.render.TensorLifetime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Words for an imported PyTorch snapshot in the window: what a block's details add (its stream, the top frames
 * of the stack that allocated it, its compile context or user metadata) and the choice of device.
 */
public final class SnapshotText {
    /** Frames a block's details show. */
    public static final int FRAMES_SHOWN = 3;

    private SnapshotText() {}

    /**
     * What the trace's details say about the event that opened {@code t}: "stream 0x7a00  ·  from relu
     * (nn/functional.py:1469) ← forward (modules/activation.py:101) ← ..."; empty when it has no details.
     */
    public static String detail(TensorLifetime t, TraceDetails details) {
        int event = t.firstEvent();
        if (details == null || details.isEmpty() || event < 0) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        int stream = details.streamOf(event);
        if (stream >= 0) {
            parts.add(stream(details.stream(stream)));
        }
        int stack = details.stackOf(event);
        List<TraceDetails.Frame> shown = Frames.shown(details.stack(stack), FRAMES_SHOWN);
        if (!shown.isEmpty()) {
            List<String> words = shown.stream().map(Frames::text).toList();
            parts.add("from " + String.join(" \u2190 ", words));
        } else if (stack < 0 && !t.openStart()) {
            parts.add("no stack recorded");
        }
        String note = details.noteOf(event);
        if (!note.isEmpty()) {
            parts.add(note);
        }
        return String.join("  \u00b7  ", parts);
    }

    /** A CUDA stream as PyTorch names it: 0 is the default stream. */
    public static String stream(long handle) {
        return handle == 0 ? "default stream" : String.format(Locale.ROOT, "stream 0x%x", handle);
    }

    /** A device as the chooser lists it: "device 1: 16 trace entries, 1 segment". */
    public static String device(SnapshotImport.DeviceSummary d) {
        return String.format(Locale.ROOT, "device %d: %,d trace entr%s, %d segment%s", d.device(), d.entries(),
                d.entries() == 1 ? "y" : "ies", d.segments(), d.segments() == 1 ? "" : "s");
    }
}
