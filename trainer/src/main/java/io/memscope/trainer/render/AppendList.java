package io.memscope.trainer.render;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A list that only grows, and hands out unmodifiable views of its first elements that stay valid (and
 * unchanged) as it grows: a view keeps the array it saw and its length, so taking one copies nothing.
 */
final class AppendList<T> {
    private Object[] items = new Object[16];
    private int size;

    void add(T item) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        items[size++] = Objects.requireNonNull(item);
    }

    int size() {
        return size;
    }

    /** The elements so far. */
    List<T> view() {
        return new View<>(items, size, null);
    }

    /** The elements so far followed by {@code tail}. */
    List<T> view(T tail) {
        return new View<>(items, size, tail);
    }

    private static final class View<T> extends AbstractList<T> implements RandomAccess {
        private final Object[] items;
        private final int size;
        private final T tail;

        View(Object[] items, int size, T tail) {
            this.items = items;
            this.size = size;
            this.tail = tail;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T get(int index) {
            Objects.checkIndex(index, size());
            return index == size ? tail : (T) items[index];
        }

        @Override
        public int size() {
            return tail == null ? size : size + 1;
        }
    }
}
