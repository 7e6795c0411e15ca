package io.memscope.visual.timeline;

import io.memscope.trainer.memory.Bytes;
import io.memscope.trainer.render.OomMarker;

/** The one-line message an OOM marker carries. */
public final class OomText {
    private OomText() {}

    public static String of(OomMarker e) {
        String what = e.tensorName() == null || e.tensorName().isEmpty() ? "" : " for " + e.tensorName();
        // an imported PyTorch OOM knows the device's free bytes but not its largest free block
        return "OOM" + what + ": requested " + Bytes.format(e.requestedBytes())
                + (e.freeBytes() < 0 ? "" : ", free " + Bytes.format(e.freeBytes()))
                + (e.largestFreeBytes() < 0 ? "" : ", largest free block " + Bytes.format(e.largestFreeBytes()));
    }
}
