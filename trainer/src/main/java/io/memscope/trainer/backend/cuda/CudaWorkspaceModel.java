package io.memscope.trainer.backend.cuda;

import io.memscope.trainer.backend.ConvGeometry;
import io.memscope.trainer.backend.ConvPass;
import io.memscope.trainer.backend.WorkspaceModel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

/**
 * The CUDA backend's workspace: for each convolution pass, the algorithm cuDNN's heuristics rank best among those
 * whose workspace fits a limit, and that algorithm's workspace. The choice is made once per geometry and pass and
 * kept, so the plan (which allocates the WORKSPACE tensor this model sizes) and the run (which passes that tensor
 * to the algorithm) agree. Where no algorithm fits the limit, the one needing the least workspace is chosen.
 *
 * <p>{@link #underBudget} sets the limit to what the budget leaves: the step is planned first with the least
 * workspace every pass can do with, and the difference between the budget and that plan's peak is what a
 * workspace may take, since workspaces live one at a time beside tensors the peak already counts.
 */
public final class CudaWorkspaceModel implements WorkspaceModel {
    private final CudnnApi cudnn;
    private final Runnable makeCurrent;
    private final long limitBytes;
    private final Map<Choice, CudnnApi.Algorithm> chosen = new ConcurrentHashMap<>();

    private record Choice(ConvGeometry geometry, ConvPass pass) {}

    /**
     * @param cudnn       the heuristics to ask
     * @param makeCurrent makes the CUDA context current on the calling thread (planning may run on any thread)
     * @param limitBytes  the most workspace one pass may take
     */
    public CudaWorkspaceModel(CudnnApi cudnn, Runnable makeCurrent, long limitBytes) {
        if (limitBytes < 0) {
            throw new IllegalArgumentException("a workspace limit cannot be negative, got " + limitBytes);
        }
        this.cudnn = cudnn;
        this.makeCurrent = makeCurrent;
        this.limitBytes = limitBytes;
    }

    public long limitBytes() {
        return limitBytes;
    }

    @Override
    public long convWorkspaceBytes(ConvGeometry g, ConvPass pass) {
        return algorithm(g, pass).workspaceBytes();
    }

    /** The algorithm a pass runs with, and its workspace. */
    public CudnnApi.Algorithm algorithm(ConvGeometry g, ConvPass pass) {
        return chosen.computeIfAbsent(new Choice(g, pass), c -> {
            makeCurrent.run();
            return choose(cudnn.convAlgorithms(CudnnApi.ConvShape.of(g), pass), limitBytes, g, pass);
        });
    }

    /** The first of the ranked algorithms within the limit, or the one with the least workspace. */
    static CudnnApi.Algorithm choose(List<CudnnApi.Algorithm> ranked, long limitBytes, ConvGeometry g, ConvPass pass) {
        if (ranked.isEmpty()) {
            throw new CudaException("cuDNN offers no algorithm for the " + pass + " pass of convolution " + g);
        }
        CudnnApi.Algorithm least = ranked.get(0);
        for (CudnnApi.Algorithm a : ranked) {
            if (a.workspaceBytes() <= limitBytes) {
                return a;
            }
            if (a.workspaceBytes() < least.workspaceBytes()) {
                least = a;
            }
        }
        return least;
    }

    /**
     * The model for a budget: {@code peakOf} plans the step with a given workspace model and returns its peak (or a
     * value above the budget when it does not fit); the limit is the budget less the peak with the least workspace.
     */
    public static CudaWorkspaceModel underBudget(CudnnApi cudnn, Runnable makeCurrent, long budgetBytes,
                                                 ToLongFunction<WorkspaceModel> peakOf) {
        CudaWorkspaceModel least = new CudaWorkspaceModel(cudnn, makeCurrent, 0);
        long headroom = budgetBytes - peakOf.applyAsLong(least);
        if (headroom <= 0) {
            return least;
        }
        CudaWorkspaceModel model = new CudaWorkspaceModel(cudnn, makeCurrent, headroom);
        // fragmentation can still keep a larger workspace from fitting where the smaller ones did
        return peakOf.applyAsLong(model) <= budgetBytes ? model : least;
    }
}
