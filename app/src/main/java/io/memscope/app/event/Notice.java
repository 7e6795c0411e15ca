package io.memscope.app.event;

/** Something the user should read: shown in the log, and errors also in the message bar. */
public record Notice(Level level, String text) {
    public enum Level {
        INFO,
        WARNING,
        ERROR
    }

    public static Notice info(String text) {
        return new Notice(Level.INFO, text);
    }

    public static Notice error(String text) {
        return new Notice(Level.ERROR, text);
    }
}
