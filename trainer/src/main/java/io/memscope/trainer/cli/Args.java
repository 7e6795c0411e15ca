package io.memscope.trainer.cli;

import io.memscope.trainer.memory.Bytes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options: {@code --name value}, {@code --name=value}, {@code --flag}, and positional words. Every
 * value is checked when it is read: a number out of its range, or an option given twice with two values, is a
 * {@link UsageException} naming the option, the value and what it accepts.
 */
final class Args {
    private final Map<String, String> options = new HashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final List<String> positional = new ArrayList<>();
    private final Set<String> read = new HashSet<>();

    Args(List<String> words, Set<String> knownFlags) {
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.startsWith("--") && w.length() > 2) {
                String name = w.substring(2);
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    put(name.substring(0, eq), name.substring(eq + 1));
                } else if (knownFlags.contains(name)) {
                    flags.add(name);
                } else if (i + 1 < words.size()) {
                    put(name, words.get(++i));
                } else {
                    throw new UsageException("--" + name + " needs a value");
                }
            } else {
                positional.add(w);
            }
        }
    }

    /** Records an option; the same option twice must say the same thing, or which one was meant is a guess. */
    private void put(String name, String value) {
        String before = options.putIfAbsent(name, value);
        if (before != null && !before.equals(value)) {
            throw new UsageException("--" + name + " is given twice ('" + before + "' and '" + value
                    + "'); give it once");
        }
    }

    List<String> positional() {
        return positional;
    }

    boolean flag(String name) {
        read.add(name);
        return flags.contains(name);
    }

    boolean has(String name) {
        read.add(name);
        return options.containsKey(name);
    }

    String get(String name, String fallback) {
        read.add(name);
        return options.getOrDefault(name, fallback);
    }

    /** A whole number of the int range, or {@code fallback} when the option is not given. */
    int getInt(String name, int fallback) {
        return getInt(name, fallback, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /**
     * A whole number from {@code min} to {@code max}, or {@code fallback} (not checked) when the option is not
     * given. The refusal reads {@code --steps must be at least 1, got 0} or {@code --width must be from 200 to
     * 16384, got 5}.
     */
    int getInt(String name, int fallback, int min, int max) {
        String v = get(name, null);
        if (v == null) {
            return fallback;
        }
        long value = parseLong(name, v);
        if (value < min || value > max) {
            String range = min != Integer.MIN_VALUE && max != Integer.MAX_VALUE ? "from " + min + " to " + max
                    : value < min ? "at least " + min : "at most " + max;
            throw new UsageException("--" + name + " must be " + range + ", got " + v);
        }
        return (int) value;
    }

    long getLong(String name, long fallback) {
        String v = get(name, null);
        return v == null ? fallback : parseLong(name, v);
    }

    private static long parseLong(String name, String v) {
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " takes a whole number, got '" + v + "'");
        }
    }

    /** A finite number (not NaN, not infinite), or {@code fallback} when the option is not given. */
    double getDouble(String name, double fallback) {
        String v = get(name, null);
        if (v == null) {
            return fallback;
        }
        double value;
        try {
            value = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " takes a number, got '" + v + "'");
        }
        if (!Double.isFinite(value)) {
            throw new UsageException("--" + name + " takes a finite number, got '" + v + "'");
        }
        return value;
    }

    /** A finite number above 0. */
    double getPositive(String name, double fallback) {
        double value = getDouble(name, fallback);
        if (!(value > 0)) {
            throw new UsageException("--" + name + " must be more than 0, got " + get(name, null));
        }
        return value;
    }

    /** A finite number at least {@code min} and below {@code below} (which may be infinite: no upper bound). */
    double getDouble(String name, double fallback, double min, double below) {
        double value = getDouble(name, fallback);
        if (value < min || value >= below) {
            throw new UsageException("--" + name + " must be at least " + number(min)
                    + (Double.isInfinite(below) ? "" : " and less than " + number(below)) + ", got " + get(name, null));
        }
        return value;
    }

    /** A size such as {@code 512MiB} ({@link Bytes#parse}), or {@code fallback} parsed when not given. */
    long getBytes(String name, String fallback) {
        String v = get(name, fallback);
        try {
            return Bytes.parse(v);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + name + ": " + e.getMessage());
        }
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** Fails on options nobody asked about: they are typos or belong to another subcommand. */
    /**
     * An option that took what looks like a network file as its value ({@code --fast net.json}, a JSON file
     * that exists or a bundled sample's name), as {@code "--fast net.json"}; the options that do take files
     * ({@code trace}, {@code data}, the exports) are not suspects. Null when none.
     */
    String optionTakingFile() {
        for (Map.Entry<String, String> e : options.entrySet()) {
            String v = e.getValue();
            boolean fileOption = Set.of("trace", "data", "perfetto", "png", "svg").contains(e.getKey());
            if (!fileOption && v != null && (v.endsWith(".json") || java.nio.file.Files.isRegularFile(
                    MemScopeCli.resolveNetwork(v)))) {
                return "--" + e.getKey() + " " + v;
            }
        }
        return null;
    }

    void rejectUnknown(String command) {
        List<String> unknown = new ArrayList<>();
        for (String k : options.keySet()) {
            if (!read.contains(k)) {
                unknown.add("--" + k);
            }
        }
        for (String k : flags) {
            if (!read.contains(k)) {
                unknown.add("--" + k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new UsageException("'" + command + "' does not take " + String.join(", ", unknown)
                    + "; see 'memscope help " + command + "'");
        }
    }
}
