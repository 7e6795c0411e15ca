package io.memscope.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ShapeTest {
    @Test
    void everyPairOfShapesDiffersAtEveryBoxSize() {
        for (int size = 5; size <= 160; size++) {
            int stroke = Math.max(1, Math.round(size / 7f));
            Shape[] shapes = Shape.values();
            for (int a = 0; a < shapes.length; a++) {
                for (int b = a + 1; b < shapes.length; b++) {
                    assertFalse(Arrays.equals(mask(shapes[a], size, stroke), mask(shapes[b], size, stroke)),
                            shapes[a] + " and " + shapes[b] + " look the same at size " + size);
                }
            }
        }
    }

    @Test
    void onlyTheFilledSquareFillsItsBox() {
        for (Shape shape : Shape.values()) {
            boolean[] mask = mask(shape, 21, 3);
            int ink = 0;
            for (boolean on : mask) {
                ink += on ? 1 : 0;
            }
            assertTrue(ink > 0, shape + " draws nothing");
            assertEquals(shape == Shape.FILLED_SQUARE, ink == mask.length, shape.displayName());
        }
    }

    private static boolean[] mask(Shape shape, int size, int stroke) {
        boolean[] mask = new boolean[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                mask[y * size + x] = shape.covers(y, x, size, stroke);
            }
        }
        return mask;
    }
}
