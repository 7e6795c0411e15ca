package io.memscope.visual.timeline;

import io.memscope.trainer.memory.Category;
import java.util.Arrays;

/**
 * The level-of-detail result of {@link TimelineModel#sample}: per screen column the lowest and highest resident
 * total and the bytes of each category at the highest point. Reused from frame to frame, so drawing allocates
 * nothing.
 */
public final class TimelineColumns {
    private static final int CATS = Category.values().length;
    /**
     * Bottom to top: what lives across steps first (parameters, gradients, optimizer state), so the per-step
     * churn of inputs, activations and workspaces sits on a steady base.
     */
    public static final Category[] STACK_ORDER = {Category.PARAMETER, Category.GRADIENT, Category.OPTIMIZER_STATE,
            Category.INPUT, Category.ACTIVATION, Category.ACTIVATION_GRAD, Category.WORKSPACE, Category.COMPRESSED,
            Category.TEMPORARY};

    private int columns;
    private long fromNs;
    private long toNs;
    private long[] min;
    private long[] max;
    private long[] byCategory;
    private boolean[] present;

    public TimelineColumns(int columns) {
        resize(columns);
    }

    public void resize(int columns) {
        if (columns < 1) {
            throw new IllegalArgumentException("need at least one column, got " + columns);
        }
        this.columns = columns;
        min = new long[columns];
        max = new long[columns];
        byCategory = new long[columns * CATS];
        present = new boolean[columns];
    }

    void reset(long fromNs, long toNs) {
        this.fromNs = fromNs;
        this.toNs = toNs;
        Arrays.fill(present, false);
    }

    void set(int column, long low, long high, long[] state) {
        min[column] = low;
        max[column] = high;
        System.arraycopy(state, 0, byCategory, column * CATS, CATS);
        present[column] = true;
    }

    public int columns() {
        return columns;
    }

    public long fromNs() {
        return fromNs;
    }

    public long toNs() {
        return toNs;
    }

    /** False for columns past the end of the recording. */
    public boolean present(int column) {
        return present[column];
    }

    public long min(int column) {
        return min[column];
    }

    public long max(int column) {
        return max[column];
    }

    public long bytes(int column, Category c) {
        return byCategory[column * CATS + c.ordinal()];
    }

    /** Bytes of the first {@code level + 1} categories of {@link #STACK_ORDER}, at the column's peak. */
    public long stackedTop(int column, int level) {
        long sum = 0;
        int base = column * CATS;
        for (int k = 0; k <= level; k++) {
            sum += byCategory[base + STACK_ORDER[k].ordinal()];
        }
        return sum;
    }
}
