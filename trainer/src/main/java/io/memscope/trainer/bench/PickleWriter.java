package io.memscope.trainer.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes pickle protocol 4 opcode by opcode, as Python's pickler does for plain data: the benchmark's synthetic
 * snapshots and the tests' hand-made pickles. Strings are memoized and written once, later mentions refer back
 * through the memo, like the strings PyTorch's snapshot shares. No FRAME opcodes (a reader must not need them).
 */
public final class PickleWriter {
    private final OutputStream out;
    private final Map<String, Integer> strings = new HashMap<>();
    private int memo;
    private final byte[] scratch = new byte[9];

    public PickleWriter(OutputStream out) {
        this.out = out;
    }

    public PickleWriter proto(int protocol) throws IOException {
        out.write(0x80);
        out.write(protocol);
        return this;
    }

    public PickleWriter stop() throws IOException {
        out.write('.');
        return this;
    }

    public PickleWriter mark() throws IOException {
        out.write('(');
        return this;
    }

    public PickleWriter emptyDict() throws IOException {
        out.write('}');
        return this;
    }

    public PickleWriter emptyList() throws IOException {
        out.write(']');
        return this;
    }

    public PickleWriter setItems() throws IOException {
        out.write('u');
        return this;
    }

    public PickleWriter setItem() throws IOException {
        out.write('s');
        return this;
    }

    public PickleWriter appends() throws IOException {
        out.write('e');
        return this;
    }

    public PickleWriter append() throws IOException {
        out.write('a');
        return this;
    }

    public PickleWriter tuple2() throws IOException {
        out.write(0x86);
        return this;
    }

    public PickleWriter none() throws IOException {
        out.write('N');
        return this;
    }

    public PickleWriter bool(boolean v) throws IOException {
        out.write(v ? 0x88 : 0x89);
        return this;
    }

    public PickleWriter floating(double v) throws IOException {
        out.write('G');
        long bits = Double.doubleToLongBits(v);
        for (int i = 7; i >= 0; i--) {
            out.write((int) (bits >>> (8 * i)));
        }
        return this;
    }

    /** Stores the value on top in the next memo slot (MEMOIZE) and returns the slot. */
    public int memoize() throws IOException {
        out.write(0x94);
        return memo++;
    }

    /** Pushes the value in a memo slot (BINGET or LONG_BINGET). */
    public PickleWriter get(int slot) throws IOException {
        if (slot < 256) {
            out.write('h');
            out.write(slot);
        } else {
            out.write('j');
            le(slot, 4);
        }
        return this;
    }

    /** An integer in the shortest form: BININT1, BININT2, BININT or LONG1. */
    public PickleWriter integer(long v) throws IOException {
        if (v >= 0 && v < 256) {
            out.write('K');
            out.write((int) v);
        } else if (v >= 0 && v < 65536) {
            out.write('M');
            le(v, 2);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            out.write('J');
            le(v, 4);
        } else {
            int n = 8;
            while (n > 1 && ((v >> (8 * (n - 1) - 1)) == 0 || (v >> (8 * (n - 1) - 1)) == -1)) {
                n--;
            }
            out.write(0x8a);
            out.write(n);
            le(v, n);
        }
        return this;
    }

    /** A string, written once and memoized; a string written before is a memo reference. */
    public PickleWriter string(String s) throws IOException {
        Integer slot = strings.get(s);
        if (slot != null) {
            return get(slot);
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 256) {
            out.write(0x8c);
            out.write(bytes.length);
        } else {
            out.write('X');
            le(bytes.length, 4);
        }
        out.write(bytes);
        strings.put(s, memoize());
        return this;
    }

    /** Raw bytes, for hand-made broken pickles. */
    public PickleWriter raw(byte... bytes) throws IOException {
        out.write(bytes);
        return this;
    }

    private void le(long v, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            scratch[i] = (byte) (v >>> (8 * i));
        }
        out.write(scratch, 0, n);
    }
}
