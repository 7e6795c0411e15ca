package io.memscope.trainer.render;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where to put axis ticks and how to label them, so labels are round numbers that never lie. The exported
 * picture and the desktop window both label their time axes here, so the two read the same for the same range.
 */
public final class AxisTicks {
    private static final String[] UNIT_SYMBOLS = {"B", "KiB", "MiB", "GiB", "TiB"};

    private AxisTicks() {}

    /** Tick positions with their labels and the axis title. */
    public record Ticks(double[] values, String[] labels, String title) {}

    /** The unit a time axis writes its labels in: its symbol and its length in nanoseconds. */
    public record TimeUnit(String symbol, double nanos) {}

    /** Smallest room per x tick label, in the picture's size unit. */
    private static final double X_TICK_ROOM = 7;

    /**
     * How many x ticks to aim for across a plot {@code width} pixels wide whose text is sized {@code u}
     * pixels (the picture's size unit; the window passes its own font's).
     */
    public static int xTarget(double width, double u) {
        return (int) Math.max(2, Math.min(12, width / (X_TICK_ROOM * u)));
    }

    /**
     * Ticks at multiples of a power of two from 0 to {@code max}, at most {@code target} above 0. Binary steps
     * keep memory sizes round (256 MiB, 512 MiB); every label is in the unit of the largest ("0.5 MiB", not
     * "512.0 KiB" next to "1.0 MiB"), so the column reads as one scale. A step smaller than half that unit is
     * refused because it would print 1.25 GiB as "1.3 GiB".
     */
    static Ticks bytes(long max, int target) {
        long top = Math.max(1, max);
        for (int p = 0; p < 62; p++) {
            long step = 1L << p;
            long count = top / step;
            if (count > target) {
                continue;
            }
            long largest = count * step;
            long unit = unitOf(largest);
            if (largest >= 1024 && step * 2 < unit) {
                continue;
            }
            // The step is a whole number of units or half of one: one decimal at most.
            int decimals = step % unit == 0 ? 0 : 1;
            double[] values = new double[(int) count + 1];
            String[] labels = new String[values.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = (double) i * step;
                labels[i] = i == 0 ? "0" : byteLabel(i * step, unit, decimals);
            }
            return new Ticks(values, labels, "bytes");
        }
        return new Ticks(new double[] {0}, new String[] {"0"}, "bytes");
    }

    private static String byteLabel(long bytes, long unit, int decimals) {
        String symbol = UNIT_SYMBOLS[Long.numberOfTrailingZeros(unit) / 10];
        return String.format(Locale.ROOT, "%." + decimals + "f %s", (double) bytes / unit, symbol);
    }

    private static long unitOf(long bytes) {
        long unit = 1;
        while (bytes / unit >= 1024 && unit < (1L << 40)) {
            unit *= 1024;
        }
        return unit;
    }

    /**
     * Ticks for the x axis between {@code x0} and {@code x1}, about {@code target} of them, labelled with
     * their distance from {@code origin} (values stay positions on the axis).
     */
    public static Ticks x(XAxis axis, long origin, long x0, long x1, int target) {
        Ticks t = switch (axis) {
            case TIME_NS -> time(x0 - origin, x1 - origin, target);
            case EVENT_INDEX -> index(x0 - origin, x1 - origin, target, "event index");
            case ENTRY_ORDER -> index(x0 - origin, x1 - origin, target, "trace entry");
        };
        double[] values = t.values().clone();
        for (int i = 0; i < values.length; i++) {
            values[i] += origin;
        }
        return new Ticks(values, t.labels(), t.title());
    }

    /** The unit a time axis showing {@code spanNs} nanoseconds labels in: s from 20 s, then ms, µs, ns. */
    public static TimeUnit timeUnit(double spanNs) {
        double span = Math.max(1, spanNs);
        if (span >= 20e9) {
            return new TimeUnit("s", 1e9);
        } else if (span >= 0.5e6) {
            return new TimeUnit("ms", 1e6);
        } else if (span >= 0.5e3) {
            return new TimeUnit("µs", 1e3);
        }
        return new TimeUnit("ns", 1);
    }

    /**
     * One position on the x axis written for a reader, in the unit the axis over {@code [x0, x1]} labels in:
     * "12.35 ms" from {@code origin}, with the decimals {@code resolution} (x units, e.g. one pixel's worth)
     * can tell apart; "event 1,234" on {@link XAxis#EVENT_INDEX}, "entry 1,234" on {@link XAxis#ENTRY_ORDER}.
     */
    public static String at(XAxis axis, long origin, double x, long x0, long x1, double resolution) {
        if (axis == XAxis.EVENT_INDEX) {
            return String.format(Locale.ROOT, "event %,d", Math.round(x - origin));
        }
        if (axis == XAxis.ENTRY_ORDER) {
            return String.format(Locale.ROOT, "entry %,d", Math.round(x - origin));
        }
        TimeUnit unit = timeUnit(x1 - x0);
        int decimals = decimalsFor(Math.max(1, resolution) / unit.nanos());
        return String.format(Locale.ROOT, "%,." + decimals + "f %s", (x - origin) / unit.nanos(), unit.symbol());
    }

    private static Ticks time(long x0, long x1, int target) {
        double span = Math.max(1, x1 - x0);
        TimeUnit u = timeUnit(span);
        String unit = u.symbol();
        double scale = u.nanos();
        double step = niceStep(span / scale / target);
        int decimals = decimalsFor(step);
        List<Double> values = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        double first = Math.ceil(x0 / scale / step) * step;
        for (int i = 0; first + i * step <= x1 / scale + step * 1e-9; i++) {
            double v = first + i * step;
            values.add(v * scale);
            labels.add(String.format(Locale.ROOT, "%,." + decimals + "f", v));
        }
        return pack(values, labels, "time (" + unit + ")");
    }

    private static Ticks index(long x0, long x1, int target, String title) {
        double span = Math.max(1, x1 - x0);
        double step = Math.max(1, niceStep(span / target));
        List<Double> values = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        double first = Math.ceil(x0 / step) * step;
        for (int i = 0; first + i * step <= x1 + step * 1e-9; i++) {
            double v = first + i * step;
            values.add(v);
            labels.add(compactCount(v, step));
        }
        return pack(values, labels, title);
    }

    /** 250000 as "250k" and 1500000 as "1.5M" once counts get long; decimals as the step needs. */
    private static String compactCount(double v, double step) {
        if (Math.abs(v) >= 1e6 && step >= 1e5) {
            return String.format(Locale.ROOT, "%." + decimalsFor(step / 1e6) + "fM", v / 1e6);
        }
        if (Math.abs(v) >= 1e4 && step >= 1e3) {
            return String.format(Locale.ROOT, "%." + decimalsFor(step / 1e3) + "fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%,d", Math.round(v));
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / magnitude;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    private static int decimalsFor(double step) {
        return (int) Math.max(0, Math.min(6, Math.ceil(-Math.log10(step) - 1e-9)));
    }

    private static Ticks pack(List<Double> values, List<String> labels, String title) {
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        return new Ticks(v, labels.toArray(String[]::new), title);
    }
}
