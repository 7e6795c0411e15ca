package io.memscope.app.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.app.Recording;
import io.memscope.app.network.Samples;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.export.TraceFile;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.trainer.modes.BaselineMode;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.plan.Planner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Replaying a saved trace without training: all at once, at the recorded pace, from the start again. */
class ReplayControllerTest {
    private final Recording recording = new Recording();
    private final ReplayController replay = new ReplayController(recording);
    private List<MemoryEvent> events;

    @BeforeEach
    void load() {
        Network net = Network.load(Samples.network("lenet5.json"));
        CompileOptions o = new CompileOptions(16, Optimizer.of("sgd", 0.01, 0.9, 0), CpuBackend.workspaceModel(2));
        List<MemoryEvent> planned = Planner.plan(net, new BaselineMode(), o, 1L << 30).events();
        // A hundred copies one after the other, 1 ms between events: a trace of a known length and pace.
        events = new ArrayList<>();
        for (int copy = 0; copy < 100; copy++) {
            for (MemoryEvent e : planned) {
                int i = events.size();
                events.add(new MemoryEvent(i, 1_000_000L * i, e.action(), e.tensorId() + copy * 100_000L, e.tensorName(),
                        e.layer(), e.category(), e.offset(), e.bytes(), e.step() + copy, e.phase(), e.requestedBytes(),
                        e.freeBytes(), e.largestFreeBytes()));
            }
        }
        replay.load(new TraceFile.LoadedTrace(new TraceInfo("LeNet-5", "baseline", "cpu", 16, 1L << 30, Map.of()), events));
    }

    @Test
    void nothingIsShownUntilPlayOrShowAll() {
        assertTrue(replay.activeProperty().get());
        assertEquals(0, replay.pump(0, Long.MAX_VALUE));
        assertEquals(0, recording.timeline().eventCount());
        assertEquals(events, recording.events(), "saving during a replay saves the whole trace");
    }

    @Test
    void showAllHandsEverythingOverInChunksAsTimeAllows() {
        replay.showAll();
        assertEquals(ReplayController.CHUNK, replay.pump(0, 0), "a frame whose time is up still takes one chunk");
        int frames = 1;
        while (!replay.isComplete()) {
            replay.pump(frames * 16_000_000L, Long.MAX_VALUE);
            frames++;
        }
        assertEquals(events.size(), recording.timeline().eventCount());
        assertEquals(1.0, replay.positionProperty().get());
        assertFalse(replay.playingProperty().get());
    }

    @Test
    void playFollowsTheRecordedPaceTimesTheSpeed() {
        replay.playingProperty().set(true);
        replay.pump(0, Long.MAX_VALUE);
        replay.pump(100_000_000L, Long.MAX_VALUE); // 100 ms later: events up to t = 100 ms, one per ms
        assertEquals(101, recording.timeline().eventCount());
        replay.speedProperty().set(4);
        replay.pump(200_000_000L, Long.MAX_VALUE); // 100 ms at 4x: 400 ms of trace more
        assertEquals(501, recording.timeline().eventCount());
        replay.rewind();
        assertEquals(0, recording.timeline().eventCount());
        assertEquals(0.0, replay.positionProperty().get());
        replay.close();
        assertFalse(replay.activeProperty().get());
    }
}
