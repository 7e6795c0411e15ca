package io.memscope.trainer.compress;

import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** The Deflate calls the codecs share, on their own reused {@link Deflater} and {@link Inflater}. */
final class Zip {
    /** Deflate cannot shrink anything more than this (its longest match over its shortest code). */
    static final int MAX_RATIO = 1032;

    private Zip() {}

    /**
     * Deflates {@code in[from..from+n)} into {@code out}; returns the deflated length, or −1 where it would not
     * be smaller than {@code limit} bytes.
     */
    static int deflate(Deflater d, byte[] in, int from, int n, byte[] out, int limit) {
        d.reset();
        d.setInput(in, from, n);
        d.finish();
        int length = 0;
        while (!d.finished()) {
            if (length >= limit - 1) {
                return -1;
            }
            length += d.deflate(out, length, limit - 1 - length);
        }
        return length;
    }

    /**
     * Inflates what remains of {@code rest} into {@code out[0..length)}, which has room for one more byte; the
     * data must inflate to exactly {@code length} bytes and end where {@code rest} ends.
     */
    static void inflate(Inflater inf, ByteSource rest, byte[] out, int length) {
        inf.reset();
        inf.setInput(rest.array(), rest.position(), rest.remaining());
        int n = 0;
        try {
            while (!inf.finished() && n <= length) {
                int k = inf.inflate(out, n, length + 1 - n);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                n += k;
            }
        } catch (DataFormatException e) {
            throw rest.corrupt("its deflated data does not inflate (" + e.getMessage() + ")");
        }
        if (!inf.finished() || n != length || inf.getRemaining() != 0) {
            throw rest.corrupt("its deflated data inflates to " + (inf.finished() ? "" : "at least ") + n
                    + " bytes, not the " + length + " its header gives"
                    + (inf.getRemaining() != 0 ? ", with " + inf.getRemaining() + " bytes left over" : ""));
        }
    }
}
