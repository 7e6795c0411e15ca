package io.memscope.app;

import io.memscope.app.task.FxBackground;
import javafx.application.Application;
import javafx.stage.Stage;

/** The desktop application's entry point. */
public class MemScopeApp extends Application {
    @Override
    public void start(Stage stage) {
        new MainWindow(stage, new FxBackground()).show();
    }

    public static void main(String[] args) {
        launch(args);
    }
}
