package io.memscope.app.event;

/**
 * Something the user should read: shown in the log; errors also in the message bar, and warnings there too in
 * its calmer colour (a command that had nothing to do, and why).
 */
public record Notice(Level level, String text) {
    public enum Level {
        INFO,
        WARNING,
        ERROR
    }

    public static Notice info(String text) {
        return new Notice(Level.INFO, text);
    }

    public static Notice warning(String text) {
        return new Notice(Level.WARNING, text);
    }

    public static Notice error(String text) {
        return new Notice(Level.ERROR, text);
    }
}
