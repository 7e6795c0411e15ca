package io.memscope.trainer.net.layers;

/**
 * How a layer's output rows depend on its input rows: output row {@code o} reads input rows
 * {@code [o·stride − padding, o·stride − padding + kernel)}, where rows outside {@code [0, H)} are padding.
 * Element-wise layers have the {@link #IDENTITY} window. Only the vertical direction matters to row bands;
 * widths are never split.
 *
 * @param kernel  rows of the window
 * @param stride  rows between consecutive windows
 * @param padding padding rows at the top (and bottom) of the map
 */
public record RowWindow(int kernel, int stride, int padding) {
    /** Output row o reads input row o. */
    public static final RowWindow IDENTITY = new RowWindow(1, 1, 0);

    public RowWindow {
        if (kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException("row window needs kernel and stride >= 1 and padding >= 0, got "
                    + kernel + ", " + stride + ", " + padding);
        }
    }

    /** First input row (possibly padding, so possibly negative) that output row {@code o} reads. */
    public int firstInputRow(int o) {
        return o * stride - padding;
    }

    /** One past the last input row (possibly padding, so possibly past the map) that output row {@code o} reads. */
    public int endInputRow(int o) {
        return o * stride - padding + kernel;
    }

    /** Output rows of a map {@code inHeight} rows high. */
    public int outputHeight(int inHeight) {
        return (inHeight + 2 * padding - kernel) / stride + 1;
    }
}
