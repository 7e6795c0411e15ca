package io.memscope.trainer.memory;

import java.util.Locale;

/** Parsing and printing of byte sizes ("512MiB", "1.5 GiB", "8GB", "1048576"). Binary units throughout. */
public final class Bytes {
    private Bytes() {}

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    public static String format(long bytes) {
        int u = unit(bytes, 1024);
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", bytes / Math.pow(1024, u), UNITS[u]);
    }

    /**
     * The smallest size at or above {@code bytes} that {@link #format} shows exactly and {@link #parse} reads back
     * unchanged, e.g. 2,040,000 bytes (1.9 MiB and a bit) → 2,097,152 (2.0 MiB): a size to suggest.
     */
    public static long ceilToShown(long bytes) {
        int u = unit(bytes, 1024);
        if (u == 0) {
            return bytes;
        }
        double scale = Math.pow(1024, u);
        // the value parse() reads back from the shown text, which must cover the bytes asked for
        for (double tenths = Math.ceil(bytes / scale * 10); ; tenths++) {
            long shown = (long) (Double.parseDouble(String.format(Locale.ROOT, "%.1f", tenths / 10)) * scale);
            if (shown >= bytes) {
                return shown;
            }
        }
    }

    /** The unit to show {@code bytes} in: the largest whose value stays at or above 1 and below {@code limit}. */
    private static int unit(long bytes, double limit) {
        double v = Math.abs((double) bytes);
        int u = 0;
        while (v >= limit && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return u;
    }

    /** Three significant figures for narrow table columns: {@code 588 KiB}, {@code 1.18 MiB}, {@code 24.5 MiB}. */
    public static String formatShort(long bytes) {
        int u = unit(bytes, 999.5);
        double v = bytes / Math.pow(1024, u);
        String digits = u == 0 || Math.abs(v) >= 99.95 ? "%.0f %s" : Math.abs(v) >= 9.995 ? "%.1f %s" : "%.2f %s";
        return String.format(Locale.ROOT, digits, v, UNITS[u]);
    }

    /**
     * Parses a size such as {@code 512MiB}, {@code 1.5GiB}, {@code 8G} or {@code 1048576}. Decimal suffixes
     * (GB, MB) are read as binary ones, as GPU vendors advertise them.
     */
    public static long parse(String text) {
        String s = text.trim().replace(" ", "").toUpperCase(Locale.ROOT);
        if (s.startsWith("-")) {
            throw new IllegalArgumentException("'" + text + "' is negative; a size is at least 1 byte, e.g. 512MiB");
        }
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a size; write e.g. 512MiB, 2GiB or 1048576");
        }
        double number;
        try {
            number = Double.parseDouble(s.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size; write e.g. 512MiB, 2GiB or 1048576");
        }
        String unit = s.substring(i);
        long scale = switch (unit) {
            case "", "B" -> 1L;
            case "K", "KB", "KIB" -> 1L << 10;
            case "M", "MB", "MIB" -> 1L << 20;
            case "G", "GB", "GIB" -> 1L << 30;
            case "T", "TB", "TIB" -> 1L << 40;
            default -> throw new IllegalArgumentException(
                    "unknown unit '" + unit + "' in '" + text + "'; use B, KiB, MiB, GiB or TiB");
        };
        double bytes = number * scale;
        if (bytes < 1) {
            throw new IllegalArgumentException("'" + text + "' is less than one byte; write e.g. 512MiB, 2GiB or 1048576");
        }
        if (bytes > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("'" + text + "' is more than the largest size MemScope reads ("
                    + (Long.MAX_VALUE / 2 >> 40) + " TiB)");
        }
        return (long) bytes;
    }
}
