package io.memscope.app.theme;

import java.net.URL;
import javafx.scene.Scene;

/** Applies MemScope's style sheet to a scene. One light theme for now; every window goes through here. */
public final class ThemeManager {
    public static final String LIGHT = "/theme/memscope-light.css";

    private ThemeManager() {}

    public static void apply(Scene scene) {
        URL css = ThemeManager.class.getResource(LIGHT);
        if (css != null && !scene.getStylesheets().contains(css.toExternalForm())) {
            scene.getStylesheets().add(css.toExternalForm());
        }
    }
}
