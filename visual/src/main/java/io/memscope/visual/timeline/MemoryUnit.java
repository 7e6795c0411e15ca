package io.memscope.visual.timeline;

/** The binary unit an axis counts bytes in, chosen so the ticks read as plain numbers ("0.5, 1.0, 1.5 MiB"). */
public enum MemoryUnit {
    B("B", 1),
    KIB("KiB", 1L << 10),
    MIB("MiB", 1L << 20),
    GIB("GiB", 1L << 30);

    private final String symbol;
    private final long bytes;

    MemoryUnit(String symbol, long bytes) {
        this.symbol = symbol;
        this.bytes = bytes;
    }

    public String symbol() {
        return symbol;
    }

    public double of(long value) {
        return (double) value / bytes;
    }

    public long bytes() {
        return bytes;
    }

    /** The largest unit in which {@code bytes} is at least 1. */
    public static MemoryUnit forMaximum(long bytes) {
        if (bytes >= GIB.bytes) {
            return GIB;
        }
        if (bytes >= MIB.bytes) {
            return MIB;
        }
        if (bytes >= KIB.bytes) {
            return KIB;
        }
        return B;
    }
}
