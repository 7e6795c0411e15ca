package io.memscope.app.export;

import io.memscope.trainer.render.TimelineModel;
import io.memscope.trainer.render.Viewport;
import io.memscope.visual.timeline.TimelineView;

/**
 * Which part of the trace an exported picture shows: the time range the user is looking at once they have
 * zoomed or panned, the whole trace while the view follows a live run.
 *
 * <p>The window's timeline counts seconds of the trace's clock ({@code timeNs / 1e9}); the renderer's
 * {@link Viewport} on its time axis counts the same clock in nanoseconds, so the conversion is a scale and
 * nothing else.
 */
public final class ExportRange {
    private ExportRange() {}

    /** The view's visible range, or null (the whole trace) while it follows the run. */
    public static Viewport of(TimelineView view) {
        return of(view.followLiveProperty().get(), view.visibleFrom(), view.visibleTo());
    }

    /** A visible range in seconds as a viewport in nanoseconds; null while following or when empty. */
    static Viewport of(boolean followingLive, double fromSeconds, double toSeconds) {
        if (followingLive) {
            return null;
        }
        long x0 = (long) Math.floor(fromSeconds * 1e9);
        long x1 = (long) Math.ceil(toSeconds * 1e9);
        return x1 > x0 ? new Viewport(x0, x1) : null;
    }

    /**
     * The part of {@code range} the trace covers, or null (the whole trace) when there is no range, when it
     * holds the whole trace (a view zoomed to fit), or when it misses the trace altogether.
     */
    static Viewport within(Viewport range, TimelineModel model) {
        if (range == null) {
            return null;
        }
        long x0 = Math.max(range.x0(), model.xMin());
        long x1 = Math.min(range.x1(), model.xMax());
        // A nanosecond of slack: seconds held in a double do not always convert back to the exact nanosecond.
        boolean wholeTrace = x0 <= model.xMin() + 1 && x1 >= model.xMax() - 1;
        return wholeTrace || x1 <= x0 ? null : new Viewport(x0, x1);
    }
}
