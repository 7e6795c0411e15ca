package io.memscope.trainer.modes.rows;

/** A half-open range of rows {@code [lo, hi)}; empty when {@code hi <= lo}. Rows may be negative (padding). */
public record Rows(int lo, int hi) {
    public static final Rows EMPTY = new Rows(0, 0);

    public static Rows of(int lo, int hi) {
        return hi <= lo ? EMPTY : new Rows(lo, hi);
    }

    public boolean isEmpty() {
        return hi <= lo;
    }

    public int size() {
        return Math.max(0, hi - lo);
    }

    /** The smallest range holding both. */
    public Rows hull(Rows o) {
        if (isEmpty()) {
            return o;
        }
        if (o.isEmpty()) {
            return this;
        }
        return new Rows(Math.min(lo, o.lo), Math.max(hi, o.hi));
    }

    public Rows intersect(Rows o) {
        return of(Math.max(lo, o.lo), Math.min(hi, o.hi));
    }

    /** The rows that exist in a map {@code height} rows high. */
    public Rows clamp(int height) {
        return of(Math.max(lo, 0), Math.min(hi, height));
    }

    public boolean contains(Rows o) {
        return o.isEmpty() || (!isEmpty() && lo <= o.lo && o.hi <= hi);
    }

    public boolean contains(int row) {
        return lo <= row && row < hi;
    }

    @Override
    public String toString() {
        return isEmpty() ? "[]" : "[" + lo + ", " + hi + ")";
    }
}
