package io.memscope.trainer.data;

/**
 * The classes of {@link ShapesDataset}, in label order: a dataset with k classes uses the first k. Each shape is
 * drawn inside a square box of {@code size} pixels with strokes {@code stroke} pixels wide; {@link #covers} says
 * whether the pixel at row {@code y}, column {@code x} of the box (both in [0, size)) is ink.
 *
 * <p>The set is chosen so that classes come in pairs sharing the coarse cues a linear model on pixels could
 * use, such as the amount of ink and its extent (filled square and disc, hollow square and ring, the two stripe
 * directions, plus and cross), while differing in local patterns (corners, curves, stroke directions, line ends)
 * that small filters find wherever the shape lies. Only integer arithmetic is used, so every JDK draws the same
 * pixels.
 */
public enum Shape {
    FILLED_SQUARE("filled square") {
        @Override
        boolean covers(int y, int x, int size, int stroke) {
            return true;
        }
    },
    HOLLOW_SQUARE("hollow square") {
        @Override
        boolean covers(int y, int x, int size, int stroke) {
            return y < stroke || x < stroke || y >= size - stroke || x >= size - stroke;
        }
    },
    DISC("disc") {
        @Override
        boolean covers(int y, int x, int size, int stroke) {
            return distanceSquared4(y, x, size) <= (long) size * size;
        }
    },
    RING("ring") {
        @Override
        boolean covers(int y, int x, int size, int stroke) {
            long d = distanceSquared4(y, x, size);
            long inner = Math.max(0, size - 2L * stroke);
            return d <= (long) size * size && d >= inner * inner;
        }
    },
    TRIANGLE("triangle") {
        @Override
        boolean covers(int y, int x, int size, int stroke) {
            // Apex at the top centre, base along the bottom row: |x - centre| <= (y + 1/2) / 2, times 4 to stay
            // integral.
            return Math.abs(4 * x + 2 - 2 * size) <= 2 * y + 1;
        }
    },
    PLUS("plus") {
        @Override
        boolean covers(int y, int x, int size, int stroke) {
            return Math.abs(2 * x + 1 - size) <= stroke || Math.abs(2 * y + 1 - size) <= stroke;
        }
    },
    CROSS("cross") {
        @Override
        boolean covers(int y, int x, int size, int stroke) {
            return Math.abs(x - y) < stroke || Math.abs(x + y - (size - 1)) < stroke;
        }
    },
    HORIZONTAL_STRIPES("horizontal stripes") {
        @Override
        boolean covers(int y, int x, int size, int stroke) {
            return (y / stroke) % 2 == 0;
        }
    },
    VERTICAL_STRIPES("vertical stripes") {
        @Override
        boolean covers(int y, int x, int size, int stroke) {
            return (x / stroke) % 2 == 0;
        }
    },
    DIAGONAL_LINE("diagonal line") {
        @Override
        boolean covers(int y, int x, int size, int stroke) {
            return Math.abs(x - y) < stroke;
        }
    };

    private final String displayName;

    Shape(String displayName) {
        this.displayName = displayName;
    }

    /** How a user would name the class: {@code "hollow square"}. */
    public String displayName() {
        return displayName;
    }

    /** The shape with label {@code label}. */
    public static Shape ofLabel(int label) {
        return values()[label];
    }

    abstract boolean covers(int y, int x, int size, int stroke);

    /** Four times the squared distance from the pixel centre to the box centre, so that it stays an integer. */
    private static long distanceSquared4(int y, int x, int size) {
        long dy = 2L * y + 1 - size;
        long dx = 2L * x + 1 - size;
        return dy * dy + dx * dx;
    }
}
