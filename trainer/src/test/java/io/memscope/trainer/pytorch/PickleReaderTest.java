package io.memscope.trainer.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.bench.PickleWriter;
import io.memscope.trainer.pytorch.PickleReader.PyDict;
import io.memscope.trainer.pytorch.PickleReader.PyList;
import io.memscope.trainer.pytorch.PickleReader.PyTuple;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pickle reader reads plain data, refuses everything that would run code, and says where a file is broken. */
class PickleReaderTest {
    @TempDir
    Path dir;

    private static Object read(byte[] bytes) throws IOException {
        return PickleReader.read(new ByteArrayInputStream(bytes), "t.pickle", null);
    }

    private static String refusal(byte[] bytes) {
        return assertThrows(SnapshotFormatException.class, () -> read(bytes)).getMessage();
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void readsThePlainValuesASnapshotHolds() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PickleWriter w = new PickleWriter(buf);
        w.proto(4).emptyDict().memoize();
        w.mark();
        w.string("small").integer(7);
        w.string("short").integer(40_000);
        w.string("negative").integer(-5);
        w.string("address").integer(0x7f3a_0000_1200L);
        w.string("float").floating(0.25);
        w.string("yes").bool(true);
        w.string("none").none();
        w.string("pool").integer(0).integer(3).tuple2();
        w.string("ünïcødé ✓").string("value");
        w.string("list").emptyList().memoize();
        w.mark().integer(1).string("small").integer(2).appends();
        w.setItems().stop();
        // LONG1 of 9 bytes: 2^64 + 1, beyond a long
        byte[] huge = bytes(0x80, 4, 0x8a, 9, 1, 0, 0, 0, 0, 0, 0, 0, 1, '.');

        PyDict d = assertInstanceOf(PyDict.class, read(buf.toByteArray()));
        assertEquals(7L, d.get("small"));
        assertEquals(40_000L, d.get("short"));
        assertEquals(-5L, d.get("negative"));
        assertEquals(0x7f3a_0000_1200L, d.get("address"));
        assertEquals(0.25, d.get("float"));
        assertEquals(Boolean.TRUE, d.get("yes"));
        assertTrue(d.containsKey("none"));
        assertNull(d.get("none"));
        assertEquals(new PyTuple(List.of(0L, 3L)), d.get("pool"));
        assertEquals("value", d.get("ünïcødé ✓"));
        assertEquals(List.of(1L, "small", 2L), d.get("list"));
        assertEquals(BigInteger.ONE.shiftLeft(64).add(BigInteger.ONE), read(huge));
    }

    @Test
    void theMemoGivesBackTheSameObject() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PickleWriter w = new PickleWriter(buf);
        w.proto(4).emptyList();
        w.memoize();
        w.mark();
        w.emptyDict();
        int shared = w.memoize();
        w.get(shared).appends().stop();
        PyList list = assertInstanceOf(PyList.class, read(buf.toByteArray()));
        assertEquals(2, list.size());
        assertSame(list.get(0), list.get(1));
    }

    @Test
    void appendsAndSetItemsAreLinear() throws IOException {
        int n = 2_000_000;
        ByteArrayOutputStream buf = new ByteArrayOutputStream(n * 4);
        PickleWriter w = new PickleWriter(buf);
        w.proto(4).emptyList();
        // one APPENDS of everything, the case razorvine's pickle makes quadratic, then batches of 1000
        w.mark();
        for (int i = 0; i < n; i++) {
            w.integer(i & 0xFFFF);
        }
        w.appends();
        for (int b = 0; b < 1000; b++) {
            w.mark();
            for (int i = 0; i < 1000; i++) {
                w.integer(i);
            }
            w.appends();
        }
        w.stop();
        long t0 = System.nanoTime();
        PyList list = assertInstanceOf(PyList.class, read(buf.toByteArray()));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(n + 1_000_000, list.size());
        assertEquals((long) (12345 & 0xFFFF), list.get(12345));
        // linear work is well under a second here; quadratic work on this list would take hours
        assertTrue(seconds < 20, "reading took " + seconds + " s");

        ByteArrayOutputStream dictBuf = new ByteArrayOutputStream();
        PickleWriter d = new PickleWriter(dictBuf);
        d.proto(4).emptyDict().mark();
        for (int i = 0; i < 200_000; i++) {
            d.integer(i).integer(2L * i);
        }
        d.setItems().stop();
        PyDict dict = assertInstanceOf(PyDict.class, read(dictBuf.toByteArray()));
        assertEquals(200_000, dict.size());
        assertEquals(2L * 199_999, dict.get(199_999L));
    }

    @Test
    void aPickleThatWouldRunCodeIsRefusedAndNothingRuns() throws IOException {
        Path marker = dir.resolve("pwned");
        byte[] command = ("touch " + marker).getBytes(StandardCharsets.UTF_8);
        // exactly what pickle.dumps of an object whose __reduce__ is (os.system, ("touch ...",)) holds
        byte[] pickle = concat(bytes(0x80, 2), "cos\nsystem\n".getBytes(StandardCharsets.US_ASCII),
                bytes('X', command.length, 0, 0, 0), command, bytes(0x85, 'R', '.'));
        String m = refusal(pickle);
        assertTrue(m.startsWith("t.pickle: byte 2: opcode GLOBAL (0x63): it would import os.system"), m);
        assertTrue(m.contains("never runs code"), m);
        assertFalse(Files.exists(marker), "nothing ran");
    }

    @Test
    void everyOpcodeThatLooksUpOrCallsCodeIsRefusedByName() {
        int[] opcodes = {0x93, 'R', 'b', 'i', 'o', 0x81, 0x92, 0x82, 0x83, 0x84, 'P', 'Q', 0x97, 0x98};
        String[] names = {"STACK_GLOBAL", "REDUCE", "BUILD", "INST", "OBJ", "NEWOBJ", "NEWOBJ_EX", "EXT1", "EXT2",
            "EXT4", "PERSID", "BINPERSID", "NEXT_BUFFER", "READONLY_BUFFER"};
        for (int i = 0; i < opcodes.length; i++) {
            // None, then the opcode at byte 3
            String m = refusal(bytes(0x80, 4, 'N', opcodes[i], '.'));
            assertTrue(m.startsWith("t.pickle: byte 3: opcode " + names[i] + " "), m);
        }
    }

    @Test
    void brokenFilesSayWhatIsWrongAndWhere() {
        assertTrue(refusal(new byte[0]).contains("the file is empty"));
        assertTrue(refusal("segments: []\n".getBytes(StandardCharsets.US_ASCII))
                .contains("not a pickle of protocol 2 to 5 (it starts with 's' (0x73)"));
        assertTrue(refusal(bytes(0x80, 1, 'N', '.')).contains("pickle protocol 1 is not one MemScope reads"));
        assertTrue(refusal(bytes(0x80, 2, 'I', '1', '\n', '.')).contains("opcode INT is pickle protocol 0's text form"));
        assertTrue(refusal(bytes(0x80, 4, ']', 'K', 1)).contains("the pickle ends without its STOP opcode"));
        assertTrue(refusal(bytes(0x80, 4, 0x8c, 10, 'a', 'b')).contains("the file ends inside opcode SHORT_BINUNICODE"));
        assertEquals("t.pickle: byte 2: opcode BINUNICODE8 announces 4611686018427387904 bytes, more than a "
                + "snapshot's value can hold; the file is damaged",
                refusal(bytes(0x80, 4, 0x8d, 0, 0, 0, 0, 0, 0, 0, 0x40, 'a', 'b', 'c')));
        assertTrue(refusal(bytes(0x80, 4, 'X', 0, 0, 0, 0x10, 'a')).contains("is truncated"),
                "a length the file does not hold ends in a truncation, not a 2 GiB buffer");
        assertTrue(refusal(bytes(0x80, 2, 'h', 7, '.')).contains("reads memo slot 7, which nothing was stored in"));
        assertTrue(refusal(bytes(0x80, 4, 'N', 'u', '.')).contains("SETITEMS needs a MARK"));
        assertTrue(refusal(bytes(0x80, 4, '(', 'N', 'u', '.')).contains("finds nothing below its mark"));
        assertTrue(refusal(bytes(0x80, 4, ']', '(', 'N', 'u', '.')).contains("sets items of a list, not a dict"));
        assertTrue(refusal(bytes(0x80, 4, '}', '(', 'N', 'u', '.')).contains("an odd number of values"));
        assertTrue(refusal(bytes(0x80, 4, 'N', 'N', '.')).contains("STOP with 2 values on the stack"));
        assertTrue(refusal(bytes(0x80, 4, 0xf0, '.')).contains("byte 0xf0 is not a pickle opcode"));
    }

    @Test
    void aListCannotBeADictKeyEvenOneThatHoldsItself() {
        // l = []; l.append(l); {l: 1}: Python refuses it as unhashable, and hashing it would never end
        byte[] pickle = bytes(0x80, 4, '}', ']', 0x94, 'h', 0, 'a', 'K', 1, 's', '.');
        assertTrue(refusal(pickle).contains("a dict key is a list, which Python cannot hash"));
    }

    @Test
    void theHostileFilesTheScriptWritesAreRefused() throws IOException {
        Path hostile = TestPaths.root().resolve("trainer/src/test/resources/pytorch/hostile");
        String[][] expected = {
            {"global_reduce.pickle", "opcode GLOBAL (0x63): it would import os.system"},
            {"stack_global.pickle", "opcode STACK_GLOBAL"},
            {"reduce.pickle", "opcode REDUCE"},
            {"build.pickle", "opcode BUILD"},
            {"ext1.pickle", "opcode EXT1"},
            {"truncated.pickle", "truncated"},
            {"huge_length.pickle", "announces 4611686018427387904 bytes"},
            {"bad_memo.pickle", "memo slot 7"},
            {"text.pickle", "not a pickle of protocol 2 to 5"},
        };
        for (String[] e : expected) {
            Path file = hostile.resolve(e[0]);
            SnapshotFormatException x = assertThrows(SnapshotFormatException.class, () -> SnapshotReader.read(file),
                    e[0]);
            assertTrue(x.getMessage().startsWith(file + ": "), x.getMessage());
            assertTrue(x.getMessage().contains(e[1]), e[0] + ": " + x.getMessage());
        }
    }
}
