package io.memscope.app.editor;

import io.memscope.trainer.net.NetworkSpec;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Undo and redo for the network editor. Every edit is recorded as the network before and after it, with the
 * selected layer on each side, so undoing also brings the selection back to where the edit happened.
 */
final class EditHistory {
    /** One undoable edit. */
    record Edit(String description, NetworkSpec before, int selectedBefore, NetworkSpec after, int selectedAfter) {}

    /** Edits kept at most; the oldest are forgotten first. */
    static final int LIMIT = 500;

    private final Deque<Edit> undo = new ArrayDeque<>();
    private final Deque<Edit> redo = new ArrayDeque<>();

    void record(Edit edit) {
        undo.push(edit);
        if (undo.size() > LIMIT) {
            undo.removeLast();
        }
        redo.clear();
    }

    /** The edit to undo, moved to the redo side; null when there is none. */
    Edit undo() {
        Edit e = undo.poll();
        if (e != null) {
            redo.push(e);
        }
        return e;
    }

    /** The edit to redo, moved back to the undo side; null when there is none. */
    Edit redo() {
        Edit e = redo.poll();
        if (e != null) {
            undo.push(e);
        }
        return e;
    }

    Edit nextUndo() {
        return undo.peek();
    }

    Edit nextRedo() {
        return redo.peek();
    }

    void clear() {
        undo.clear();
        redo.clear();
    }
}
