package io.memscope.trainer.modes;

import io.memscope.trainer.net.Network;
import io.memscope.trainer.program.StepProgram;

/** A memory mode: a compiler from a network to a training {@link StepProgram}. */
public interface MemoryMode {
    /** The name used on the command line and in files, e.g. {@code baseline}. */
    String id();

    /** One line for menus and help. */
    String description();

    StepProgram compile(Network network, CompileOptions options);

    /**
     * This mode with settings from command-line style pairs (e.g. {@code bands=4}); keys it does not know are
     * left to others. Modes without settings return themselves.
     */
    default MemoryMode configure(java.util.Map<String, String> settings) {
        return this;
    }
}
