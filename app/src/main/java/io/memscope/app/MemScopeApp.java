package io.memscope.app;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;

/** The desktop application's entry point. */
public class MemScopeApp extends Application {
    @Override
    public void start(Stage stage) {
        stage.setTitle("MemScope");
        stage.setScene(new Scene(new Label("MemScope"), 800, 600));
        stage.show();
    }

    public static void main(String[] args) {
        launch(args);
    }
}
