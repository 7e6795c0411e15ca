package io.memscope.app.export;

import io.memscope.app.theme.ThemeManager;
import io.memscope.trainer.io.AtomicFiles;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import io.memscope.visual.timeline.TimelineModel;
import io.memscope.visual.timeline.TimelineView;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;

/**
 * Draws the timeline with the same JavaFX view the window shows, off screen at the requested size, and saves
 * a snapshot. The whole trace is shown.
 */
public final class SnapshotTimelineExporter implements TimelineImageExporter {
    @Override
    public void export(Path file, TraceInfo info, List<MemoryEvent> events, int width, int height) throws IOException {
        if (width < 200 || height < 150 || width > 8192 || height > 8192) {
            throw new IllegalArgumentException("image size " + width + "x" + height
                    + " is out of range; use 200x150 to 8192x8192");
        }
        TimelineModel model = new TimelineModel();
        model.setBudgetBytes(info.budgetBytes());
        model.addAll(events);
        TimelineView view = new TimelineView(model);
        view.setTitle(info.network() + "  \u00b7  " + info.mode() + "  \u00b7  batch " + info.batch() + "  \u00b7  "
                + info.backend());
        view.setStyle("-fx-background-color: white;");
        Scene scene = new Scene(view, width, height);
        ThemeManager.apply(scene);
        view.applyCss();
        view.layout();
        view.zoomToFit();
        // Twice: the first pass sizes the axes from their labels, the second draws into the settled plot area.
        view.chart().drawNow();
        view.layout();
        view.chart().drawNow();
        WritableImage image = new WritableImage(width, height);
        scene.snapshot(image);
        BufferedImage png = SwingFXUtils.fromFXImage(image, null);
        AtomicFiles.writeStream(file, out -> ImageIO.write(png, "png", out));
    }
}
