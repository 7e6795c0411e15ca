package io.memscope.app.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.TraceDetails;
import io.memscope.trainer.pytorch.SnapshotImport;
import io.memscope.trainer.render.LifetimeSegment;
import io.memscope.trainer.render.LifetimeState;
import io.memscope.trainer.render.TensorLifetime;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotTextTest {
    private static TensorLifetime block(int firstEvent, boolean openStart) {
        return new TensorLifetime(0, "relu", "", Category.ACTIVATION, 0, 512, 0, 10, openStart, false,
                List.of(new LifetimeSegment(0, 10, 0, 512, LifetimeState.RESIDENT)), firstEvent);
    }

    @Test
    void aBlocksDetailsAreItsStreamTopFramesAndNote() {
        TraceDetails.Builder b = new TraceDetails.Builder();
        int cpp = b.frame(new TraceDetails.Frame("??", 0, "torch::unwind::unwind()"));
        int relu = b.frame(new TraceDetails.Frame("/t/torch/nn/functional.py", 1469, "relu"));
        int fwd = b.frame(new TraceDetails.Frame("/t/torch/nn/modules/activation.py", 101, "forward"));
        int call = b.frame(new TraceDetails.Frame("/t/torch/nn/modules/module.py", 1501, "_call_impl"));
        int step = b.frame(new TraceDetails.Frame("/work/train.py", 31, "train_step"));
        int s = b.stack(new int[] {cpp, relu, fwd, call, step});
        int main = b.stream(0);
        int side = b.stream(0x7a00);
        int note = b.note("user metadata: microbatch 3");
        b.event(s, side, note).event(-1, main, -1);
        TraceDetails d = b.build();
        assertEquals("stream 0x7a00  \u00b7  from relu (nn/functional.py:1469) \u2190 forward (modules/activation.py:101) "
                + "\u2190 _call_impl (modules/module.py:1501)  \u00b7  user metadata: microbatch 3",
                SnapshotText.detail(block(0, false), d));
        assertEquals("default stream  \u00b7  no stack recorded", SnapshotText.detail(block(1, false), d));
        assertEquals("default stream", SnapshotText.detail(block(1, true), d));
        assertEquals("", SnapshotText.detail(block(0, false), TraceDetails.NONE), "a run's trace has no details");
        assertEquals("", SnapshotText.detail(block(-1, false), d));
    }

    @Test
    void devicesAreListedWithTheirEntriesAndSegments() {
        assertEquals("device 1: 16 trace entries, 1 segment",
                SnapshotText.device(new SnapshotImport.DeviceSummary(1, 16, 1, 40 << 20)));
        assertEquals("device 0: 1 trace entry, 2 segments",
                SnapshotText.device(new SnapshotImport.DeviceSummary(0, 1, 2, 4 << 20)));
    }
}
