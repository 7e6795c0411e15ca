package io.memscope.trainer.compress;

import java.util.Arrays;

/**
 * A growable big-endian byte buffer that streams are written into. Kept and reset between calls by its owner,
 * so a compressor that runs once per tensor per step does not allocate its working buffers again.
 */
final class ByteSink {
    private byte[] buf;
    private int size;

    ByteSink(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    void reset() {
        size = 0;
    }

    int size() {
        return size;
    }

    /** The backing array; valid up to {@link #size()}, until the next write. */
    byte[] array() {
        return buf;
    }

    byte[] toArray() {
        return Arrays.copyOf(buf, size);
    }

    /** Makes room for {@code more} bytes after the current end. */
    void ensure(long more) {
        long need = size + more;
        if (need > buf.length) {
            if (need > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("a stream of " + need + " bytes is larger than one Java array");
            }
            buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, 2L * buf.length)));
        }
    }

    void u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
    }

    void i32(int v) {
        ensure(4);
        putInt(buf, size, v);
        size += 4;
    }

    void i32At(int at, int v) {
        putInt(buf, at, v);
    }

    void i64(long v) {
        i32((int) (v >>> 32));
        i32((int) v);
    }

    void f32(float v) {
        i32(Float.floatToRawIntBits(v));
    }

    void f64(double v) {
        i64(Double.doubleToRawLongBits(v));
    }

    /** An unsigned LEB128 number: 7 bits a byte, low bits first. */
    void varint(int v) {
        while ((v & ~0x7F) != 0) {
            u8((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        u8(v);
    }

    void bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    /** {@code n} floats as their raw bits, four bytes each. */
    void floats(float[] a, int off, int n) {
        ensure(4L * n);
        for (int i = 0; i < n; i++) {
            putInt(buf, size, Float.floatToRawIntBits(a[off + i]));
            size += 4;
        }
    }

    /** Leaves {@code n} bytes after the end for the caller to fill through {@link #array()}; returns where they start. */
    int skip(int n) {
        ensure(n);
        int at = size;
        size += n;
        return at;
    }

    static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
