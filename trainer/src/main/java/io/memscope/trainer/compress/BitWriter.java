package io.memscope.trainer.compress;

/** Writes codes of up to 32 bits, most significant bit first, onto the end of a {@link ByteSink}. */
final class BitWriter {
    private final ByteSink out;
    private long acc;
    private int bits;

    BitWriter(ByteSink out) {
        this.out = out;
    }

    /** The low {@code length} bits of {@code code}, 0 ≤ length ≤ 32, higher bits of {@code code} zero. */
    void write(int code, int length) {
        acc = (acc << length) | (code & 0xFFFFFFFFL);
        bits += length;
        if (bits >= 32) {
            bits -= 32;
            out.i32((int) (acc >>> bits));
        }
    }

    /** Writes what is pending, the last byte padded with zero bits. */
    void flush() {
        while (bits >= 8) {
            bits -= 8;
            out.u8((int) (acc >>> bits));
        }
        if (bits > 0) {
            out.u8((int) (acc << (8 - bits)));
            bits = 0;
        }
        acc = 0;
    }
}
