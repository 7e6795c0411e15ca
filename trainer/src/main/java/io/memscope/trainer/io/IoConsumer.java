package io.memscope.trainer.io;

import java.io.IOException;

/** A consumer that may fail with an {@link IOException}, such as the body that fills a file. */
@FunctionalInterface
public interface IoConsumer<T> {
    void accept(T value) throws IOException;
}
