package io.memscope.trainer.compress;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads what {@link BitWriter} wrote from {@code [start, end)} of an array. Past the end it reads zero bits for
 * as long as one more code could need, then throws; {@link #finish} checks that the codes used the section's
 * bytes, no more and no fewer, so a cut or padded section is caught even when its codes happened to decode.
 */
final class BitReader {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final byte[] buf;
    private final int start;
    private final int end;
    private final String format;
    private int pos;
    /** The next bits, from the top. */
    private long acc;
    private int bits;

    BitReader(byte[] buf, int start, int end, String format) {
        this.buf = buf;
        this.start = start;
        this.end = end;
        this.format = format;
        this.pos = start;
    }

    /** Makes sure at least {@code n} ≤ 56 bits are buffered. */
    void ensure(int n) {
        if (bits < n) {
            refill();
        }
    }

    /** The next {@code n} bits, 1 ≤ n ≤ 32, without consuming them; needs {@link #ensure} first. */
    int peek(int n) {
        return (int) (acc >>> (64 - n));
    }

    void skip(int n) {
        acc <<= n;
        bits -= n;
    }

    /** The next {@code n} bits, 1 ≤ n ≤ 32. */
    int read(int n) {
        ensure(n);
        int v = peek(n);
        skip(n);
        return v;
    }

    private void refill() {
        if (pos + 8 <= end) {
            // whole bytes of the next word fill the buffer; the part of a byte that also arrives is the same bits
            // the next refill puts in the same place
            acc |= (long) LONGS.get(buf, pos) >>> bits;
            int take = (63 - bits) >>> 3;
            pos += take;
            bits += take << 3;
            return;
        }
        while (bits <= 56) {
            if (pos < end) {
                acc |= (long) (buf[pos] & 0xFF) << (56 - bits);
            } else if (pos - end >= 8) {
                throw new IllegalArgumentException("truncated " + format + " stream: the coded values run past the "
                        + "end of their " + (end - start) + " bytes");
            }
            pos++;
            bits += 8;
        }
    }

    /** Checks that the codes read ended in the section's last byte. */
    void finish() {
        long used = (long) (pos - start) * 8 - bits;
        long have = (long) (end - start) * 8;
        if (used > have) {
            throw new IllegalArgumentException("truncated " + format + " stream: the coded values need " + used
                    + " bits, their section holds " + have);
        }
        if (used <= have - 8) {
            throw new IllegalArgumentException("corrupt " + format + " stream: the coded values end " + (have - used)
                    + " bits before the end of their section");
        }
    }
}
