package io.memscope.trainer.modes.checkpoint;

import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.MemoryMode;
import io.memscope.trainer.modes.ModeSetting;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.program.StepProgram;
import java.util.List;
import java.util.Map;

/**
 * Gradient checkpointing (Chen et al. 2016, {@code torch.utils.checkpoint}): the layer order is cut into
 * segments ({@link Segments}) and forward keeps only the output at each cut, the checkpoint, besides what is
 * small (batch-norm statistics, the labels); every other activation is freed at its last forward use. Backward
 * takes the segments from the last: it runs the segment's forward again from its checkpoint (a {@code recompute}
 * phase, RECOMPUTE on the trace), as far as its backward reads, then the segment's backward, freeing as it goes.
 * The last segment is not recomputed: its backward follows its forward, so it keeps what baseline keeps.
 *
 * <p>The recomputation writes exactly the values the forward wrote, so the weights are baseline's bit for bit:
 * batch norm normalizes with the statistics its forward saved and leaves the running statistics alone
 * ({@link io.memscope.trainer.modes.Lowering#recompute}); dropout draws its mask from the seed of the step and
 * layer, so it draws the same mask. The cost is a second forward of every segment but the last. See
 * {@code docs/CHECKPOINTING.md}.
 */
public final class CheckpointMode implements MemoryMode {
    public static final String ID = "checkpoint";

    private static final String AUTO = "auto";

    /** {@link Segments#AUTO} or a count. */
    private final int segments;

    public CheckpointMode() {
        this(Segments.AUTO);
    }

    private CheckpointMode(int segments) {
        this.segments = segments;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "gradient checkpointing: keep every √n-th activation, recompute the rest";
    }

    @Override
    public List<ModeSetting> settings() {
        return List.of(new ModeSetting("segments", "Segments", "how many segments to cut the layers into, at places "
                + "only one tensor crosses (between residual blocks); auto keeps every ⌈√n⌉-th of the n places",
                List.of(), AUTO));
    }

    /** Reads {@code segments} (with or without leading dashes): {@code auto} or a whole number, at least 1. */
    @Override
    public MemoryMode configure(Map<String, String> settings) {
        for (Map.Entry<String, String> e : settings.entrySet()) {
            if (!e.getKey().replaceFirst("^-+", "").equals("segments")) {
                continue;
            }
            String v = String.valueOf(e.getValue()).trim();
            if (v.equalsIgnoreCase(AUTO)) {
                return new CheckpointMode(Segments.AUTO);
            }
            int n;
            try {
                n = Integer.parseInt(v);
            } catch (NumberFormatException ex) {
                n = -1;
            }
            if (n < 1) {
                throw new IllegalArgumentException(e.getKey() + " must be auto or a whole number of segments, at least "
                        + "1, got '" + e.getValue() + "'");
            }
            return new CheckpointMode(n);
        }
        return this;
    }

    /** The segments this mode cuts a network into. */
    public Segments segmentsOf(Network net) {
        return Segments.of(net, segments);
    }

    @Override
    public StepProgram compile(Network net, CompileOptions options) {
        return new CheckpointCompiler(net, options, segmentsOf(net)).compile(ID);
    }

    @Override
    public String layout(Network net) {
        return segmentsOf(net).describe();
    }
}
