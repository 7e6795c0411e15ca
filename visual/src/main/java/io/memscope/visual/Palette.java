package io.memscope.visual;

import io.memscope.trainer.memory.Category;
import java.util.Locale;
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

    /** The category as a person reads it in a legend: "Optimizer state", "Activation gradients". */
    public static String label(Category category) {
        return switch (category) {
            case INPUT -> "Input";
            case PARAMETER -> "Parameters";
            case GRADIENT -> "Gradients";
            case OPTIMIZER_STATE -> "Optimizer state";
            case ACTIVATION -> "Activations";
            case ACTIVATION_GRAD -> "Activation gradients";
            case WORKSPACE -> "Workspace";
            case COMPRESSED -> "Compressed";
            case TEMPORARY -> "Temporary";
        };
    }

    /** CSS colour text, e.g. {@code #4c78a8}. */
    public static String hex(Color c) {
        return String.format(Locale.ROOT, "#%02x%02x%02x", Math.round(c.getRed() * 255), Math.round(c.getGreen() * 255),
                Math.round(c.getBlue() * 255));
    }

    /** Colour of the budget line and of out-of-memory markers. */
    public static final Color BUDGET = Color.web("#c0392b");
    public static final Color OOM = Color.web("#d62728");

    /** Background tint of a phase band on the timeline. */
    public static Color phase(String phase) {
        return switch (phase) {
            case "forward" -> Color.web("#4c78a8");
            case "backward" -> Color.web("#e45756");
            case "update" -> Color.web("#b279a2");
            case "eval" -> Color.web("#54a24b");
            default -> Color.web("#9e9e9e");
        };
    }
}
