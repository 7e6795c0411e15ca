package io.memscope.trainer.compress;

/**
 * A bounds-checked big-endian reader over part of a stream. Reading past its end, or finding a value a valid
 * stream cannot hold, is an {@link IllegalArgumentException} that names the format and what was being read,
 * never an index exception.
 */
final class ByteSource {
    private final byte[] buf;
    private final int end;
    private final String format;
    private int pos;

    ByteSource(byte[] buf, int pos, int end, String format) {
        this.buf = buf;
        this.pos = pos;
        this.end = end;
        this.format = format;
    }

    byte[] array() {
        return buf;
    }

    int position() {
        return pos;
    }

    int remaining() {
        return end - pos;
    }

    String format() {
        return format;
    }

    int u8(String field) {
        need(1, field);
        return buf[pos++] & 0xFF;
    }

    int i32(String field) {
        need(4, field);
        int v = getInt(buf, pos);
        pos += 4;
        return v;
    }

    long i64(String field) {
        need(8, field);
        long v = ((long) getInt(buf, pos) << 32) | (getInt(buf, pos + 4) & 0xFFFFFFFFL);
        pos += 8;
        return v;
    }

    float f32(String field) {
        return Float.intBitsToFloat(i32(field));
    }

    double f64(String field) {
        return Double.longBitsToDouble(i64(field));
    }

    /** An unsigned LEB128 number of at most {@code max}. */
    int varint(String field, int max) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int b = u8(field);
            v |= (long) (b & 0x7F) << shift;
            if (v > max) {
                throw corrupt(field + " is more than " + max);
            }
            if ((b & 0x80) == 0) {
                return (int) v;
            }
        }
    }

    /** Steps over {@code n} bytes that the caller reads through {@link #array()}; returns where they start. */
    int skip(long n, String field) {
        if (n < 0) {
            throw corrupt(field + " has a negative length, " + n);
        }
        need(n, field);
        int at = pos;
        pos += (int) n;
        return at;
    }

    void expectEnd() {
        if (pos != end) {
            throw corrupt((end - pos) + " bytes follow the end of the data");
        }
    }

    IllegalArgumentException corrupt(String detail) {
        return new IllegalArgumentException("corrupt " + format + " stream: " + detail);
    }

    private void need(long n, String field) {
        if (end - pos < n) {
            throw new IllegalArgumentException("truncated " + format + " stream: " + field + " needs " + n
                    + " bytes, " + (end - pos) + " are left");
        }
    }

    static int getInt(byte[] b, int at) {
        return (b[at] << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    static float floatAt(byte[] b, int at) {
        return Float.intBitsToFloat(getInt(b, at));
    }
}
