package io.memscope.visual;

import io.memscope.trainer.memory.Category;
import javafx.scene.paint.Color;

/** One colour per memory category, shared by every view and export so a picture reads the same everywhere. */
public final class Palette {
    private Palette() {}

    public static Color of(Category category) {
        return switch (category) {
            case INPUT -> Color.web("#8c8c8c");
            case PARAMETER -> Color.web("#4c78a8");
            case GRADIENT -> Color.web("#f58518");
            case OPTIMIZER_STATE -> Color.web("#b279a2");
            case ACTIVATION -> Color.web("#54a24b");
            case ACTIVATION_GRAD -> Color.web("#e45756");
            case WORKSPACE -> Color.web("#eeca3b");
            case COMPRESSED -> Color.web("#72b7b2");
            case TEMPORARY -> Color.web("#9d755d");
        };
    }
}
