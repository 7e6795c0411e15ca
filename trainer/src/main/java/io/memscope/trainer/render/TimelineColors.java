package io.memscope.trainer.render;

import io.memscope.trainer.memory.Category;

/**
 * Colours of the timeline as {@code 0xAARRGGBB}. The desktop UI's palette ({@code io.memscope.visual.Palette})
 * takes its category, budget and OOM colours from here, so an exported picture reads like the screen.
 */
public final class TimelineColors {
    private TimelineColors() {}

    public static final int BACKGROUND = 0xFFFFFFFF;
    public static final int GRID = 0xFFE9E9E9;
    public static final int FRAME = 0xFFBDBDBD;
    public static final int AXIS_TEXT = 0xFF5A5A5A;
    public static final int TITLE_TEXT = 0xFF1F1F1F;
    public static final int SUBTLE_TEXT = 0xFF7A7A7A;
    public static final int BUDGET = 0xFFD62728;
    public static final int OOM = 0xFFC0111F;
    public static final int STEP_LINE = 0x73404040;
    public static final int NO_PHASE = 0xFFF4F4F4;
    /** The line of reserved memory (an imported PyTorch trace's segments) over the stacked categories. */
    public static final int RESERVED = 0xFF1F3A5F;
    /** How much of a block's colour a stretch pending free keeps (mixed with white). */
    public static final double PENDING_FREE_LIGHTER = 0.55;

    public static int of(Category category) {
        return switch (category) {
            case INPUT -> 0xFF8C8C8C;
            case PARAMETER -> 0xFF4C78A8;
            case GRADIENT -> 0xFFF58518;
            case OPTIMIZER_STATE -> 0xFFB279A2;
            case ACTIVATION -> 0xFF54A24B;
            case ACTIVATION_GRAD -> 0xFFE45756;
            case WORKSPACE -> 0xFFEECA3B;
            case COMPRESSED -> 0xFF72B7B2;
            case TEMPORARY -> 0xFF9D755D;
            case HOST -> 0xFF6F6FA8;
            case UNKNOWN -> 0xFFBAB0AC;
        };
    }

    /** Muted tones for the phase strip, far enough from the category colours not to be read as memory. */
    public static int of(PhaseKind kind) {
        return switch (kind) {
            case SETUP -> 0xFFCFCFCF;
            case FORWARD -> 0xFF9FB8D6;
            case BACKWARD -> 0xFFE3B7A0;
            case RECOMPUTE -> 0xFFE9D39A;
            case UPDATE -> 0xFFA9CFA4;
            case EVAL -> 0xFFC6B5DA;
            case OTHER -> 0xFFDDDDC8;
        };
    }

    /** The colour mixed with white: {@code amount} 0 keeps it, 1 gives white. */
    public static int lighter(int argb, double amount) {
        return mix(argb, 0xFFFFFFFF, amount);
    }

    /** The colour mixed with black. */
    public static int darker(int argb, double amount) {
        return mix(argb, 0xFF000000, amount);
    }

    private static int mix(int a, int b, double t) {
        int r = (int) Math.round(((a >> 16) & 0xFF) * (1 - t) + ((b >> 16) & 0xFF) * t);
        int g = (int) Math.round(((a >> 8) & 0xFF) * (1 - t) + ((b >> 8) & 0xFF) * t);
        int bl = (int) Math.round((a & 0xFF) * (1 - t) + (b & 0xFF) * t);
        return (a & 0xFF000000) | (r << 16) | (g << 8) | bl;
    }
}
