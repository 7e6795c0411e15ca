package io.memscope.app.task;

import io.memscope.app.plan.AdviceText;
import io.memscope.trainer.data.DataException;
import io.memscope.trainer.export.TraceFormatException;
import io.memscope.trainer.net.SpecException;
import io.memscope.trainer.pytorch.SnapshotFormatException;
import io.memscope.trainer.train.TrainingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** Turns a failure into a sentence for the message bar; never a stack trace. */
public final class Errors {
    private Errors() {}

    public static String message(Throwable t) {
        if (t instanceof UncheckedIOException u && u.getCause() != null) {
            t = u.getCause();
        }
        if (t instanceof TrainingException e && e.advice() != null) {
            return AdviceText.sentence(e.getMessage(), e.advice());
        }
        if (t instanceof TrainingException || t instanceof DataException || t instanceof SpecException
                || t instanceof TraceFormatException || t instanceof SnapshotFormatException
                || t instanceof IllegalArgumentException) {
            return t.getMessage();
        }
        if (t instanceof NoSuchFileException e) {
            return "no such file: " + e.getFile();
        }
        if (t instanceof AccessDeniedException e) {
            return "not allowed to write or read " + e.getFile();
        }
        if (t instanceof IOException) {
            return "file error: " + t.getMessage();
        }
        if (t instanceof OutOfMemoryError) {
            return "the Java heap is too small for this (max " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB); choose a smaller budget or start MemScope with a larger -Xmx";
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
