package io.memscope.app.log;

import io.memscope.app.event.Notice;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import javafx.scene.control.ListView;

/** Everything the application told the user, with the time, newest at the bottom. */
public final class LogView extends ListView<String> {
    static final int LIMIT = 2000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    public LogView() {
        setId("log");
        getStyleClass().add("log-list");
    }

    public void add(Notice n) {
        String prefix = switch (n.level()) {
            case INFO -> "";
            case WARNING -> "warning: ";
            case ERROR -> "error: ";
        };
        getItems().add(LocalTime.now().format(TIME) + "  " + prefix + n.text());
        if (getItems().size() > LIMIT) {
            getItems().remove(0, getItems().size() - LIMIT);
        }
        scrollTo(getItems().size() - 1);
    }
}
