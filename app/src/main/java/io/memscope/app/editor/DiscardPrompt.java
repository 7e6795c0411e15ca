package io.memscope.app.editor;

import java.nio.file.Path;

/** How the editor asks about unsaved changes; the window shows dialogs, tests answer directly. */
public interface DiscardPrompt {
    /** The three answers to "save the changes to NAME?". */
    enum Answer { SAVE, DISCARD, CANCEL }

    Answer ask(String networkName);

    /** Where to save a network that has no file yet; null when the user cancels. */
    Path chooseFile(String networkName);
}
