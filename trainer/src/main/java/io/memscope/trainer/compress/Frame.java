package io.memscope.trainer.compress;

import java.util.Locale;
import java.util.zip.CRC32;

/**
 * What every stream of this package shares: a four-byte magic, a version byte, the codec's own fields and a
 * CRC-32 of everything before it in the last four bytes, so a flipped bit anywhere is caught before a single
 * field is believed. Also the argument checks the codecs share.
 */
final class Frame {
    /** Magic, version and checksum: the bytes a frame adds to its contents. */
    static final int OVERHEAD = 4 + 1 + 4;

    private Frame() {}

    static void begin(ByteSink out, int magic, int version) {
        out.reset();
        out.i32(magic);
        out.u8(version);
    }

    /** Appends the checksum and returns the finished stream. */
    static byte[] finish(ByteSink out) {
        CRC32 crc = new CRC32();
        crc.update(out.array(), 0, out.size());
        out.i32((int) crc.getValue());
        return out.toArray();
    }

    /**
     * Checks the magic, the version and the checksum of a stream; returns a reader over its contents (between the
     * version byte and the checksum).
     */
    static ByteSource open(byte[] stream, int magic, int version, String format) {
        if (stream == null) {
            throw new IllegalArgumentException("no " + format + " stream (null)");
        }
        if (stream.length < OVERHEAD) {
            throw new IllegalArgumentException("truncated " + format + " stream: " + stream.length
                    + " bytes, fewer than the " + OVERHEAD + " of an empty frame");
        }
        int found = ByteSource.getInt(stream, 0);
        if (found != magic) {
            throw new IllegalArgumentException("the stream is not " + format + ": it starts with " + name(found)
                    + ", not " + name(magic));
        }
        int v = stream[4] & 0xFF;
        if (v != version) {
            throw new IllegalArgumentException(format + " stream of version " + v + "; this build reads version "
                    + version);
        }
        CRC32 crc = new CRC32();
        crc.update(stream, 0, stream.length - 4);
        int stored = ByteSource.getInt(stream, stream.length - 4);
        if (stored != (int) crc.getValue()) {
            throw new IllegalArgumentException("corrupt " + format + " stream: its checksum does not match its "
                    + stream.length + " bytes (damaged or cut short)");
        }
        return new ByteSource(stream, 5, stream.length - 4, format);
    }

    /** Four magic bytes as text where they are printable, else in hex. */
    static String name(int magic) {
        StringBuilder s = new StringBuilder();
        for (int shift = 24; shift >= 0; shift -= 8) {
            int c = (magic >>> shift) & 0xFF;
            if (c < 0x20 || c > 0x7E) {
                return String.format(Locale.ROOT, "0x%08X", magic);
            }
            s.append((char) c);
        }
        return "\"" + s + "\"";
    }

    static void checkSource(float[] src, int offset, int count) {
        if (src == null) {
            throw new IllegalArgumentException("no values to compress (null)");
        }
        if (offset < 0 || count < 0 || offset > src.length - count) {
            throw new IllegalArgumentException(count + " values from offset " + offset + " do not lie in an array of "
                    + src.length);
        }
    }

    static void checkRoom(float[] dst, int offset, int count, String format) {
        if (dst == null) {
            throw new IllegalArgumentException("no array to decompress into (null)");
        }
        if (offset < 0 || offset > dst.length || dst.length - offset < count) {
            throw new IllegalArgumentException("the " + format + " stream holds " + count + " values; an array of "
                    + dst.length + " has no room for them from offset " + offset);
        }
    }

    /** Rejects the first NaN or infinity, by its index from {@code offset}. */
    static void requireFinite(float[] src, int offset, int count) {
        for (int i = 0; i < count; i++) {
            float v = src[offset + i];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "value %,d is %s: a tensor to compress must be finite", i, v));
            }
        }
    }

    /** A count read from a stream: not negative. */
    static int count(ByteSource in) {
        int count = in.i32("the value count");
        if (count < 0) {
            throw in.corrupt("negative value count " + count);
        }
        return count;
    }
}
