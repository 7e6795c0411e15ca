package io.memscope.trainer.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.bench.SyntheticSnapshot;
import io.memscope.trainer.export.TraceFile;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.pytorch.DeviceTrace.Kind;
import io.memscope.trainer.render.LifetimeState;
import io.memscope.trainer.render.OomMarker;
import io.memscope.trainer.render.TensorLifetime;
import io.memscope.trainer.render.TimelineModel;
import io.memscope.trainer.render.XAxis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots of every layout import into the counts and bytes Python's own pickle module finds in them: the
 * numbers here are what {@code scripts/make-snapshots.py facts FILE} prints for each file.
 */
class SnapshotImportTest {
    private static final long MIB = 1 << 20;
    private static final Path SYNTHETIC = TestPaths.root().resolve("trainer/src/test/resources/pytorch");
    /** The real snapshots (PyTorch 2.1.2 and 2.6), which are not in the repository; the tests skip without them. */
    private static final Path REAL = Path.of(System.getProperty("memscope.pytorchSnapshots",
            "/work/shared/pytorch-snapshots"));

    @TempDir
    Path dir;

    private static SnapshotImport.Result importOf(Path file) throws IOException {
        return SnapshotImport.of(SnapshotReader.read(file));
    }

    private static Map<Kind, Integer> counts(Object... kindsAndCounts) {
        Map<Kind, Integer> m = new EnumMap<>(Kind.class);
        for (int i = 0; i < kindsAndCounts.length; i += 2) {
            m.put((Kind) kindsAndCounts[i], (Integer) kindsAndCounts[i + 1]);
        }
        return m;
    }

    private static Map<Category, Integer> categories(Object... categoriesAndCounts) {
        Map<Category, Integer> m = new EnumMap<>(Category.class);
        for (int i = 0; i < categoriesAndCounts.length; i += 2) {
            m.put((Category) categoriesAndCounts[i], (Integer) categoriesAndCounts[i + 1]);
        }
        return m;
    }

    /** The model's figures agree with the import's, and the trace survives a trace file with its rules checked. */
    private TimelineModel checked(SnapshotImport.Result r, long allocatedAtEnd) throws IOException {
        TimelineModel m = TimelineModel.of(r.info(), r.events(),
                r.info().hasClock() ? XAxis.TIME_NS : XAxis.ENTRY_ORDER);
        assertEquals(r.summary().peakAllocatedBytes(), m.peakBytes(), "the model's peak");
        assertEquals(r.summary().reservedPeakBytes(), m.reservedPeakBytes(), "the model's reserved peak");
        assertEquals(allocatedAtEnd, m.totalResidentAt(m.xMax()), "what is allocated when the trace ends");
        assertEquals(r.summary().lifetimes(), m.lifetimeCount());
        Path file = dir.resolve("trace.json");
        TraceFile.write(file, r.info(), r.events(), r.details());
        TraceFile.LoadedTrace back = TraceFile.read(file);
        assertEquals(r.events(), back.events());
        assertEquals(r.details(), back.details());
        assertEquals(r.info(), back.info());
        return m;
    }

    @Test
    void pytorch20BlocksWithHistoryAndAnOom() throws IOException {
        SnapshotImport.Result r = importOf(SYNTHETIC.resolve("v2_0_history_p2.pickle"));
        SnapshotImport.Summary s = r.summary();
        assertEquals(counts(Kind.ALLOC, 5, Kind.FREE_REQUESTED, 2, Kind.FREE_COMPLETED, 2, Kind.SEGMENT_ALLOC, 1,
                Kind.SNAPSHOT, 1, Kind.OOM, 1), s.entries());
        assertEquals(5, s.lifetimes());
        assertEquals(0, s.aliveBeforeTrace());
        assertEquals(13_631_488, s.peakAllocatedBytes());
        assertEquals(20_971_520, s.reservedPeakBytes());
        assertEquals(categories(Category.PARAMETER, 2, Category.ACTIVATION, 2, Category.ACTIVATION_GRAD, 1),
                s.categories());
        assertFalse(s.timed());
        assertEquals("2.0 (blocks with history)", r.info().extra().get("pytorch.layout"));
        TimelineModel m = checked(r, 9_437_184);
        OomMarker oom = m.ooms().get(0);
        assertEquals(64 * MIB, oom.requestedBytes());
        assertEquals(5 * MIB, oom.freeBytes());
        assertEquals(-1, oom.largestFreeBytes(), "PyTorch does not say");
        assertEquals(Category.ACTIVATION, oom.category());
    }

    @Test
    void pytorch21BlocksWithFramesTwoStreamsAndASegmentFreed() throws IOException {
        SnapshotImport.Result r = importOf(SYNTHETIC.resolve("v2_1_blocks_p3.pickle"));
        SnapshotImport.Summary s = r.summary();
        assertEquals(counts(Kind.ALLOC, 6, Kind.FREE_REQUESTED, 3, Kind.FREE_COMPLETED, 3, Kind.SEGMENT_ALLOC, 2,
                Kind.SEGMENT_FREE, 1), s.entries());
        assertEquals(17_825_792, s.peakAllocatedBytes());
        assertEquals(23_068_672, s.reservedPeakBytes());
        assertEquals(20_971_520, s.reservedAtEndBytes());
        assertEquals(categories(Category.PARAMETER, 1, Category.GRADIENT, 1, Category.OPTIMIZER_STATE, 1,
                Category.ACTIVATION, 2, Category.ACTIVATION_GRAD, 1), s.categories());
        assertEquals(2, s.streams());
        TimelineModel m = checked(r, 14_680_064);
        // the block of 1000 bytes on stream 0x5601: its stream and its frames are the details of its ALLOC
        TensorLifetime small = java.util.stream.IntStream.range(0, m.lifetimeCount()).mapToObj(m::lifetime)
                .filter(t -> t.bytes() == 1000).findFirst().orElseThrow();
        assertEquals(0x5601, r.details().stream(r.details().streamOf(small.firstEvent())));
        assertEquals("relu (nn/functional.py:1469)", small.name());
        assertEquals(0x4000_0000L, small.offset(), "addresses count from the lowest segment's");
        assertEquals("0x7f3a00000000", r.info().extra().get(SnapshotImport.ADDRESS_BASE));
        assertEquals(List.of(LifetimeState.RESIDENT, LifetimeState.PENDING_FREE),
                small.segments().stream().map(seg -> seg.state()).toList());
        // no time_us: times are entry numbers
        assertFalse(r.info().hasClock());
        assertEquals(List.of(1L, 2L, 3L), r.events().subList(0, 3).stream().map(MemoryEvent::timeNs).toList());
    }

    @Test
    void pytorch22TwoDevicesTheBusierImportedUnlessAskedOtherwise() throws IOException {
        Snapshot snapshot = SnapshotReader.read(SYNTHETIC.resolve("v2_2_devices_p4.pickle"));
        assertEquals(1, SnapshotImport.busiestDevice(snapshot));
        SnapshotImport.Result r = SnapshotImport.of(snapshot);
        SnapshotImport.Summary s = r.summary();
        assertEquals(1, s.device());
        assertEquals(16, s.entryCount());
        assertEquals(27_262_976, s.peakAllocatedBytes());
        assertEquals(41_943_040, s.reservedPeakBytes());
        assertEquals(categories(Category.PARAMETER, 1, Category.GRADIENT, 1, Category.OPTIMIZER_STATE, 1,
                Category.ACTIVATION, 4), s.categories());
        assertEquals(List.of(new SnapshotImport.DeviceSummary(0, 2, 1, 2 * MIB)), s.otherDevices());
        assertTrue(s.lines().stream().anyMatch(l -> l.equals("other devices in the snapshot: 0 (2 entries, 1 segment)")),
                s.lines().toString());
        assertTrue(s.timed());
        assertEquals("cuda:1", r.info().backend());
        assertEquals("False", r.info().extra().get("pytorch.allocator.expandable_segments"));
        // time_us steps 37 µs an entry, counted from the first
        assertEquals(List.of(0L, 37_000L, 74_000L), r.events().subList(0, 3).stream().map(MemoryEvent::timeNs).toList());
        checked(r, 18_874_368);

        SnapshotImport.Result zero = SnapshotImport.of(snapshot, 0);
        assertEquals(2, zero.summary().entryCount());
        assertEquals(MIB, zero.summary().peakAllocatedBytes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SnapshotImport.of(snapshot, 5));
        assertTrue(e.getMessage().endsWith("has no trace entries or segments for device 5; it has devices 0, 1"),
                e.getMessage());
    }

    @Test
    void pytorch26ExpandableSegmentsNotesAndARingBufferThatWrapped() throws IOException {
        SnapshotImport.Result r = importOf(SYNTHETIC.resolve("v2_6_expandable_p5.pickle"));
        SnapshotImport.Summary s = r.summary();
        assertEquals(counts(Kind.ALLOC, 3, Kind.FREE_REQUESTED, 3, Kind.FREE_COMPLETED, 2, Kind.SEGMENT_MAP, 1,
                Kind.SEGMENT_UNMAP, 1, Kind.OOM, 1), s.entries());
        assertEquals(2, s.aliveBeforeTrace());
        assertEquals(1, s.freedNotAllocated());
        assertEquals(1, s.aliveNotAllocated());
        assertEquals(7_340_032, s.peakAllocatedBytes());
        assertEquals(8_388_608, s.reservedBeforeTraceBytes());
        assertEquals(12_582_912, s.reservedPeakBytes());
        assertEquals(10_485_760, s.reservedAtEndBytes());
        assertEquals(categories(Category.OPTIMIZER_STATE, 1, Category.ACTIVATION, 1, Category.ACTIVATION_GRAD, 1),
                s.categories());
        TimelineModel m = checked(r, 6_291_456);
        // the parameter alive at the snapshot with no alloc in the trace is alive from the start, with the
        // snapshot's frames for its category
        TensorLifetime param = m.lifetimeAt(0, 0).orElseThrow();
        assertEquals(Category.PARAMETER, param.category());
        assertEquals(0, param.start());
        assertTrue(param.openEnd());
        // the block the trace frees without allocating was there from the start too
        TensorLifetime early = m.lifetimeAt(0, 3 * MIB).orElseThrow();
        assertEquals(SnapshotImport.BEFORE_TRACE, early.name());
        assertEquals(Category.UNKNOWN, early.category());
        assertFalse(early.openEnd());
        // the optimizer's block is still pending free on its stream at the snapshot
        TensorLifetime pending = m.lifetimeAt(m.xMax(), 4 * MIB).orElseThrow();
        assertEquals(Category.OPTIMIZER_STATE, pending.category());
        assertTrue(pending.pendingFreeSince().isPresent());
        assertTrue(pending.openEnd());
        assertEquals(List.of("compile context: [0/0] torch/_dynamo: forward", "user metadata: microbatch 3"),
                r.details().notes());
        assertEquals(6 * MIB, m.ooms().get(0).freeBytes());
        assertEquals(32 * MIB, m.ooms().get(0).requestedBytes());
        // the reserved line starts at what was mapped before the trace
        assertEquals(8 * MIB, m.reservedBytesAt(m.xMin()));
    }

    @Test
    void aSnapshotWithoutATraceShowsTheBlocksInUse() throws IOException {
        SnapshotImport.Result r = importOf(SYNTHETIC.resolve("segments_only_p4.pickle"));
        assertEquals(0, r.summary().entryCount());
        assertEquals(2, r.summary().lifetimes());
        assertEquals(3 * MIB, r.summary().peakAllocatedBytes());
        assertEquals(4 * MIB, r.summary().reservedPeakBytes());
        assertTrue(r.summary().lines().stream().anyMatch(l -> l.contains("memory history was not recorded")));
        checked(r, 3 * MIB);
    }

    @Test
    void picklesOfOtherThingsAreNotSnapshots() {
        Path hostile = SYNTHETIC.resolve("hostile");
        SnapshotFormatException list = assertThrows(SnapshotFormatException.class,
                () -> SnapshotReader.read(hostile.resolve("list_top.pickle")));
        assertTrue(list.getMessage().contains("the pickle holds a list, not a dict"), list.getMessage());
        SnapshotFormatException other = assertThrows(SnapshotFormatException.class,
                () -> SnapshotReader.read(hostile.resolve("not_snapshot.pickle")));
        assertTrue(other.getMessage().endsWith("not a PyTorch memory snapshot: its dict has no 'segments' and no "
                + "'device_traces' (it has weights)"), other.getMessage());
    }

    @Test
    void aGzippedSnapshotReadsTheSame() throws IOException {
        Path plain = SYNTHETIC.resolve("v2_1_blocks_p3.pickle");
        Path gz = dir.resolve("snap.pickle.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(plain));
        }
        assertEquals(importOf(plain).events(), importOf(gz).events());
    }

    @Test
    void aLargeSyntheticSnapshotImportsEntryForEntry() throws IOException {
        Path file = dir.resolve("synthetic.pickle");
        SyntheticSnapshot.Facts facts = SyntheticSnapshot.write(file, 50_000, 3);
        SnapshotImport.Result r = importOf(file);
        assertEquals(facts.entries(), r.summary().entryCount());
        assertEquals(facts.allocs(), r.summary().lifetimes());
        assertEquals(facts.entries(), r.events().size(), "every entry is one event; nothing from before the trace");
        assertEquals(facts.stacks(), r.details().stackCount(), "frames lists of equal frames are one stack");
        assertEquals(facts.frames(), r.details().frames().size());
        assertEquals(facts.segments(), r.summary().entries().get(Kind.SEGMENT_ALLOC));
        checked(r, TimelineModel.of(r.info(), r.events()).totalResidentAt(Long.MAX_VALUE));
    }

    // ---- the real snapshots -------------------------------------------------------------------------

    @Test
    void aRealPytorch212SnapshotOfAFineTune() throws IOException {
        Path file = REAL.resolve("cranberrii_ftcourse_memory_snapshot.pickle");
        assumeTrue(Files.isRegularFile(file), "the real snapshots are not at " + REAL);
        SnapshotImport.Result r = importOf(file);
        SnapshotImport.Summary s = r.summary();
        assertEquals(counts(Kind.ALLOC, 3505, Kind.FREE_REQUESTED, 3325, Kind.FREE_COMPLETED, 3325,
                Kind.SEGMENT_ALLOC, 152), s.entries());
        assertEquals(622, s.aliveBeforeTrace(), "blocks in use at the snapshot that the trace never allocates");
        assertEquals(0, s.freedNotAllocated());
        assertEquals(3505 + 622, s.lifetimes());
        assertEquals(5_876_132_840L, s.peakAllocatedBytes());
        assertEquals(1_400_897_536L, s.reservedBeforeTraceBytes());
        assertEquals(6_471_811_072L, s.reservedPeakBytes());
        assertEquals(6_471_811_072L, s.reservedAtEndBytes());
        assertEquals(categories(Category.ACTIVATION, 1552, Category.ACTIVATION_GRAD, 1953), s.categories());
        assertFalse(s.timed());
        assertEquals(0, s.unmatchedFrees() + s.allocsOverLive() + s.inconsistentBlocks());
        assertEquals(1, s.streams());
        // what the trace leaves allocated is what the snapshot's blocks in use asked for
        checked(r, 2_285_408_452L);
    }

    @Test
    void aRealPytorch26SnapshotWithTimes() throws IOException {
        Path file = REAL.resolve("silmont2000+assignment2-systems_mem_snapshot.pickle");
        assumeTrue(Files.isRegularFile(file), "the real snapshots are not at " + REAL);
        SnapshotImport.Result r = importOf(file);
        SnapshotImport.Summary s = r.summary();
        assertEquals(counts(Kind.ALLOC, 36, Kind.FREE_REQUESTED, 26, Kind.FREE_COMPLETED, 26, Kind.SEGMENT_ALLOC, 9),
                s.entries());
        assertEquals(0, s.aliveBeforeTrace());
        assertEquals(36, s.lifetimes());
        assertEquals(3_249_143_816L, s.peakAllocatedBytes());
        assertEquals(0, s.reservedBeforeTraceBytes());
        assertEquals(3_781_165_056L, s.reservedPeakBytes());
        assertEquals(categories(Category.GRADIENT, 1, Category.ACTIVATION_GRAD, 19, Category.UNKNOWN, 16),
                s.categories());
        assertTrue(s.timed());
        assertEquals(0, s.timeClamps());
        assertEquals("''", "'" + r.info().extra().get("pytorch.allocator.PYTORCH_CUDA_ALLOC_CONF") + "'");
        TimelineModel m = checked(r, 31_719_428L);
        assertTrue(m.xMax() > 0, "time_us gives the trace a length");
        assertEquals(Action.RESERVE, r.events().get(0).action(), "the first entry reserves a segment");
    }
}
