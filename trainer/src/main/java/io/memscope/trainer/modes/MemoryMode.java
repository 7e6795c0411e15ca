package io.memscope.trainer.modes;

import io.memscope.trainer.net.Network;
import io.memscope.trainer.program.StepProgram;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** A memory mode: a compiler from a network to a training {@link StepProgram}. */
public interface MemoryMode {
    /** The name used on the command line and in files, e.g. {@code baseline}. */
    String id();

    /** One line for menus and help. */
    String description();

    StepProgram compile(Network network, CompileOptions options);

    /**
     * The forward-only program that measures held-out accuracy after training, in this mode's arrangement; its
     * setup declares the training program's persistent tensors, which must already be allocated. By default
     * layer by layer ({@link InferenceProgram}).
     */
    default StepProgram compileInference(Network network, CompileOptions options) {
        return InferenceProgram.compile(network, options);
    }

    /**
     * This mode with settings from command-line style pairs (e.g. {@code bands=4}); keys it does not know are
     * left to others. Modes without settings return themselves.
     */
    default MemoryMode configure(Map<String, String> settings) {
        return this;
    }

    /** The settings {@link #configure} reads, described; none by default. */
    default List<ModeSetting> settings() {
        return List.of();
    }

    /** The setting keys {@link #configure} reads, e.g. {@code bands}; a command line offers them as flags. */
    default List<String> settingKeys() {
        return settings().stream().map(ModeSetting::key).toList();
    }

    /**
     * This mode made concrete for a budget, when one of its settings asked to choose (row-centric's
     * {@code bands auto}); the mode itself otherwise. {@code report} hears what was tried and chosen. Planning and
     * training call it before they compile. Throws {@link IllegalArgumentException} when no choice fits.
     */
    default MemoryMode fitTo(Network network, CompileOptions options, long budget, Consumer<String> report) {
        return this;
    }

    /**
     * This mode set to choose for a budget what it can choose (row-centric: its bands), its other settings kept;
     * itself when it has nothing to choose. {@link #fitTo} makes the choice.
     */
    default MemoryMode choosingForBudget() {
        return this;
    }

    /**
     * The settings a budget choice decides, with their values in this configuration (row-centric: {@code bands}
     * and, when it differs, {@code bwd-bands}), as {@link #configure} reads them; empty when there are none.
     */
    default Map<String, String> chosenSettings() {
        return Map.of();
    }

    /**
     * This mode with what one real step on a batch of the run's data shows, for modes whose memory depends on the
     * data (compressed: each tensor's compression ratio, which its plans then use); itself by default. The
     * trainer calls it before planning, with the run's first batch and seed.
     */
    default MemoryMode calibrate(Network network, CompileOptions options, io.memscope.trainer.program.Batch sample,
                                 long seed, int threads) {
        return this;
    }

    /**
     * How this mode arranges a network's step, for a reader (e.g. the row-centric segments and bands), or an
     * empty string when there is nothing beyond the layer order to say. Throws as {@link #compile} does for a
     * network the mode cannot handle.
     */
    default String layout(Network network) {
        return "";
    }
}
