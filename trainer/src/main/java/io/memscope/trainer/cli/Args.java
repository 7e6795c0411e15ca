package io.memscope.trainer.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Command-line options: {@code --name value}, {@code --name=value}, {@code --flag}, and positional words. */
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
                    options.put(name.substring(0, eq), name.substring(eq + 1));
                } else if (knownFlags.contains(name)) {
                    flags.add(name);
                } else if (i + 1 < words.size()) {
                    options.put(name, words.get(++i));
                } else {
                    throw new UsageException("--" + name + " needs a value");
                }
            } else {
                positional.add(w);
            }
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

    int getInt(String name, int fallback) {
        String v = get(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " takes a whole number, got '" + v + "'");
        }
    }

    long getLong(String name, long fallback) {
        String v = get(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " takes a whole number, got '" + v + "'");
        }
    }

    double getDouble(String name, double fallback) {
        String v = get(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " takes a number, got '" + v + "'");
        }
    }

    /** Fails on options nobody asked about: they are typos or belong to another subcommand. */
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
