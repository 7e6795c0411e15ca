package io.memscope.trainer.render;

/**
 * The resident-memory curve reduced to pixel columns: for each column and each category in
 * {@link TimelineModel#STACK_ORDER}, the largest and smallest <em>stacked</em> total (that category plus all
 * below it) of any state the column shows. Drawing from this costs O(columns) however many events there are.
 *
 * <p>Column {@code c} covers {@code [x0 + (x1-x0)*c/columns, x0 + (x1-x0)*(c+1)/columns)}, the last column also
 * its right end. A column shows the state in effect at its left edge and the state after each event inside it,
 * so a block allocated and freed within one column still reaches the column's max.
 */
public final class Aggregate {
    private final long x0;
    private final long x1;
    private final int columns;
    private final int categories;
    private final long[] max;
    private final long[] min;

    Aggregate(long x0, long x1, int columns, int categories, long[] max, long[] min) {
        this.x0 = x0;
        this.x1 = x1;
        this.columns = columns;
        this.categories = categories;
        this.max = max;
        this.min = min;
    }

    public long x0() {
        return x0;
    }

    public long x1() {
        return x1;
    }

    public int columns() {
        return columns;
    }

    /** Left edge of a column on the model's x axis. */
    public double columnStart(int column) {
        return x0 + (double) (x1 - x0) * column / columns;
    }

    /** Largest total of the categories {@code 0..stackIndex} (in stacking order) within the column. */
    public long stackedMax(int column, int stackIndex) {
        return max[column * categories + stackIndex];
    }

    /** Smallest total of the categories {@code 0..stackIndex} (in stacking order) within the column. */
    public long stackedMin(int column, int stackIndex) {
        return min[column * categories + stackIndex];
    }

    /** Largest resident total within the column. */
    public long totalMax(int column) {
        return stackedMax(column, categories - 1);
    }

    /** Smallest resident total within the column. */
    public long totalMin(int column) {
        return stackedMin(column, categories - 1);
    }
}
