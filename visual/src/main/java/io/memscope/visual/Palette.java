package io.memscope.visual;

import io.memscope.trainer.memory.Category;
import io.memscope.trainer.render.PhaseKind;
import io.memscope.trainer.render.TimelineColors;
import java.util.Locale;
import javafx.scene.paint.Color;

/**
 * One colour per memory category, shared by every view and export so a picture reads the same everywhere. The
 * values come from the engine's {@link TimelineColors}, which the exported PNG is drawn with: one source.
 */
public final class Palette {
    private static final Color[] CATEGORY = new Color[Category.values().length];

    static {
        for (Category c : Category.values()) {
            CATEGORY[c.ordinal()] = fx(TimelineColors.of(c));
        }
    }

    private Palette() {}

    public static Color of(Category category) {
        return CATEGORY[category.ordinal()];
    }

    /** A {@code 0xAARRGGBB} colour as JavaFX's. */
    private static Color fx(int argb) {
        return Color.rgb((argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF, ((argb >>> 24) & 0xFF) / 255.0);
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
            case HOST -> "Host memory";
            case UNKNOWN -> "Unknown";
        };
    }

    /** CSS colour text, e.g. {@code #4c78a8}. */
    public static String hex(Color c) {
        return String.format(Locale.ROOT, "#%02x%02x%02x", Math.round(c.getRed() * 255), Math.round(c.getGreen() * 255),
                Math.round(c.getBlue() * 255));
    }

    /** Colour of the budget line and of out-of-memory markers, as in the exported picture. */
    public static final Color BUDGET = fx(TimelineColors.BUDGET);
    public static final Color OOM = fx(TimelineColors.OOM);
    /** Colour of the reserved-memory line (an imported PyTorch trace's segments), as in the exported picture. */
    public static final Color RESERVED = fx(TimelineColors.RESERVED);

    /** A category's colour for a block pending free: paler, as in the exported picture. */
    public static Color pendingFree(Category category) {
        return fx(TimelineColors.lighter(TimelineColors.of(category), TimelineColors.PENDING_FREE_LIGHTER));
    }

    /** Colour of a phase band on the timeline: its kind's, as in the exported picture's phase strip. */
    public static Color phase(String phase) {
        return fx(TimelineColors.of(PhaseKind.of(phase)));
    }

    /** Colour of a phase kind, for the legend. */
    public static Color phase(PhaseKind kind) {
        return fx(TimelineColors.of(kind));
    }
}
