package io.memscope.trainer.render;

import io.memscope.trainer.memory.Category;
import java.util.List;

/**
 * A per-pixel grid for blocks too narrow to draw one by one. A zoomed-out trace has hundreds of thousands of
 * short-lived tensors; each marks the cells it touches, and the grid is then drawn as vertical runs of one
 * colour, so drawing cost follows the picture's size rather than the number of tensors. Resident memory wins
 * a cell over swapped or compressed memory, as in the full-size drawing.
 *
 * <p>Very large pictures use cells of several pixels so the grid stays within {@link #MAX_CELLS} bytes.
 */
final class CoverageRaster {
    static final long MAX_CELLS = 1L << 24;
    private static final int OFF_DEVICE = 16;

    private final Rect area;
    private final int cell;
    private final int columns;
    private final int rows;
    private final byte[] codes;

    CoverageRaster(Rect area) {
        this.area = area;
        long pixels = (long) Math.ceil(area.w()) * (long) Math.ceil(area.h());
        this.cell = (int) Math.max(1, Math.ceil(Math.sqrt((double) pixels / MAX_CELLS)));
        this.columns = (int) Math.ceil(area.w() / cell);
        this.rows = (int) Math.ceil(area.h() / cell);
        this.codes = new byte[columns * rows];
    }

    /** Marks the cells under a pixel rectangle (coordinates relative to the canvas). */
    void mark(double x0, double x1, double y0, double y1, int stackIndex, boolean resident) {
        int c0 = clamp((int) Math.floor((x0 - area.x()) / cell), columns);
        int c1 = Math.max(c0, clamp((int) Math.ceil((x1 - area.x()) / cell) - 1, columns));
        int r0 = clamp((int) Math.floor((y0 - area.y()) / cell), rows);
        int r1 = Math.max(r0, clamp((int) Math.ceil((y1 - area.y()) / cell) - 1, rows));
        byte code = (byte) (stackIndex + 1 + (resident ? 0 : OFF_DEVICE));
        for (int col = c0; col <= c1; col++) {
            int base = col * rows;
            for (int row = r0; row <= r1; row++) {
                int i = base + row;
                if (resident || codes[i] == 0 || codes[i] >= OFF_DEVICE) {
                    codes[i] = code;
                }
            }
        }
    }

    void paint(Canvas2D c) {
        List<Category> order = TimelineModel.STACK_ORDER;
        int[] resident = new int[order.size()];
        int[] offDevice = new int[order.size()];
        for (int k = 0; k < order.size(); k++) {
            resident[k] = TimelineColors.of(order.get(k));
            offDevice[k] = TimelineColors.lighter(resident[k], 0.6);
        }
        for (int col = 0; col < columns; col++) {
            int base = col * rows;
            int row = 0;
            while (row < rows) {
                byte code = codes[base + row];
                int end = row + 1;
                while (end < rows && codes[base + end] == code) {
                    end++;
                }
                if (code != 0) {
                    int k = (code & (OFF_DEVICE - 1)) - 1;
                    int argb = code >= OFF_DEVICE ? offDevice[k] : resident[k];
                    c.fillRect(area.x() + col * cell, area.y() + row * cell, cell, (end - row) * cell, argb);
                }
                row = end;
            }
        }
    }

    private static int clamp(int v, int size) {
        return Math.max(0, Math.min(size - 1, v));
    }
}
