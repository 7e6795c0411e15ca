package io.memscope.trainer.render;

import java.util.Arrays;

/**
 * A hash map from long to int without boxing, for the tensors alive while a trace is read (one entry per live
 * tensor, so it stays small even for traces with millions of events). Linear probing; removal shifts later
 * entries back so lookups never need tombstones. Public for the PyTorch import, which keeps the blocks alive
 * by address the same way.
 */
public final class LongIntMap {
    private static final int MISSING = -1;

    private long[] keys;
    private int[] values;
    private boolean[] used;
    private int size;

    public LongIntMap() {
        allocate(64);
    }

    /** The value for {@code key}, or -1. Values stored must be non-negative. */
    public int get(long key) {
        for (int i = slot(key); used[i]; i = next(i)) {
            if (keys[i] == key) {
                return values[i];
            }
        }
        return MISSING;
    }

    public void put(long key, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("values must be non-negative, got " + value);
        }
        int i = slot(key);
        while (used[i]) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
            i = next(i);
        }
        used[i] = true;
        keys[i] = key;
        values[i] = value;
        if (++size * 2 > keys.length) {
            rehash();
        }
    }

    public void remove(long key) {
        int i = slot(key);
        while (used[i] && keys[i] != key) {
            i = next(i);
        }
        if (!used[i]) {
            return;
        }
        used[i] = false;
        size--;
        // Move back entries of the same probe run that would otherwise become unreachable.
        for (int j = next(i); used[j]; j = next(j)) {
            int home = slot(keys[j]);
            boolean reachable = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!reachable) {
                keys[i] = keys[j];
                values[i] = values[j];
                used[i] = true;
                used[j] = false;
                i = j;
            }
        }
    }

    /** Entries held. */
    public int size() {
        return size;
    }

    private void rehash() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        boolean[] oldUsed = used;
        allocate(keys.length * 2);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldUsed[i]) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new int[capacity];
        used = new boolean[capacity];
        Arrays.fill(values, MISSING);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & (keys.length - 1);
    }

    private int next(int i) {
        return (i + 1) & (keys.length - 1);
    }
}
