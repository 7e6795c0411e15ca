package io.memscope.visual.timeline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The OOM label reads to the right of its marker, or to the left where the chart's right edge would cut it. */
class OomLabelTest {
    @Test
    void aLabelNearTheRightEdgeTurnsLeft() {
        assertFalse(StackedMemoryRenderer.labelGoesLeft(100, 300, 900), "room on the right");
        assertTrue(StackedMemoryRenderer.labelGoesLeft(800, 300, 900), "it would pass the edge at 1,106 px");
        assertFalse(StackedMemoryRenderer.labelGoesLeft(200, 300, 300), "no room on either side: it stays right");
    }
}
