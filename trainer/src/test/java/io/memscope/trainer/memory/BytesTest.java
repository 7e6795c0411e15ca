package io.memscope.trainer.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BytesTest {
    @Test
    void formatAndParseAgree() {
        assertEquals("512 B", Bytes.format(512));
        assertEquals("1.5 GiB", Bytes.format(3L << 29));
        assertEquals(3L << 29, Bytes.parse("1.5 GiB"));
        assertEquals(512L << 20, Bytes.parse("512MiB"));
        assertThrows(IllegalArgumentException.class, () -> Bytes.parse("lots"));
    }

    @Test
    void shortFormatKeepsThreeFigures() {
        assertEquals("0 B", Bytes.formatShort(0));
        assertEquals("999 B", Bytes.formatShort(999));
        assertEquals("0.98 KiB", Bytes.formatShort(1000));
        assertEquals("588 KiB", Bytes.formatShort(4L * 32 * 6 * 28 * 28));
        assertEquals("1.18 MiB", Bytes.formatShort(1_237_000));
        assertEquals("24.5 MiB", Bytes.formatShort(25_690_112));
        assertEquals("392 MiB", Bytes.formatShort(411_041_792));
    }
}
