package io.memscope.trainer.compress;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.ToIntFunction;
import java.util.zip.CRC32;

/** Damage done to good streams, and what a decoder must make of it. */
final class Streams {
    private Streams() {}

    /**
     * Every stream cut short at every length, with a byte appended, and with bytes changed (each byte of a small
     * stream, a sample of a large one) must be refused with an {@link IllegalArgumentException} naming the format.
     * The same changes with the checksum made good again test the decoder behind the checksum: it must refuse
     * them the same way or decode them (a changed value can be a valid stream), never fail otherwise.
     */
    static void rejectsDamage(List<byte[]> streams, ToIntFunction<byte[]> decode, String format) {
        Random r = new Random(17);
        int refusedBehindChecksum = 0;
        for (byte[] good : streams) {
            decode.applyAsInt(good);
            for (int n = 0; n < good.length; n++) {
                refused(decode, Arrays.copyOf(good, n), format, "cut to " + n + " of " + good.length + " bytes");
            }
            refused(decode, Arrays.copyOf(good, good.length + 1), format, "a byte appended");
            int step = Math.max(1, good.length / 400);
            for (int at = 0; at < good.length; at += step) {
                for (int mask : new int[] {0x01, 0x80, 1 + r.nextInt(255)}) {
                    byte[] bad = good.clone();
                    bad[at] ^= (byte) mask;
                    refused(decode, bad, format, "byte " + at + " changed");
                    if (at < good.length - 4) {
                        refusedBehindChecksum += decodedOrRefused(decode, withChecksum(bad), format, at);
                    }
                }
            }
        }
        assertTrue(refusedBehindChecksum > 0);
    }

    private static void refused(ToIntFunction<byte[]> decode, byte[] bad, String format, String what) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> decode.applyAsInt(bad), what);
        assertTrue(e.getMessage().contains(format), what + ": " + e.getMessage());
    }

    /** 1 where the decoder refused, 0 where it decoded; a failure for any other exception. */
    private static int decodedOrRefused(ToIntFunction<byte[]> decode, byte[] bad, String format, int at) {
        try {
            decode.applyAsInt(bad);
            return 0;
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains(format), "byte " + at + ": " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            fail("byte " + at + " changed, checksum made good: " + e, e);
            return 0;
        }
    }

    static byte[] withChecksum(byte[] stream) {
        CRC32 crc = new CRC32();
        crc.update(stream, 0, stream.length - 4);
        ByteSink.putInt(stream, stream.length - 4, (int) crc.getValue());
        return stream;
    }
}
