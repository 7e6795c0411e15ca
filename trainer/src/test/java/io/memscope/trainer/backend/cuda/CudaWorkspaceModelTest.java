package io.memscope.trainer.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memscope.trainer.backend.ConvGeometry;
import io.memscope.trainer.backend.ConvPass;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which algorithm each convolution pass gets, and how the limit follows from the budget. */
class CudaWorkspaceModelTest {
    static final ConvGeometry G = new ConvGeometry(8, 16, 32, 32, 32, 3, 3, 1, 1, 1, 1);

    /** cuDNN's ranking: the fastest first, needing the most workspace. */
    static final List<CudnnApi.Algorithm> RANKED = List.of(new CudnnApi.Algorithm(6, 8L << 20),
            new CudnnApi.Algorithm(1, 1L << 20), new CudnnApi.Algorithm(0, 0));

    @Test
    void theBestRankedAlgorithmWithinTheLimit() {
        assertEquals(6, CudaWorkspaceModel.choose(RANKED, 8L << 20, G, ConvPass.FORWARD).id());
        assertEquals(1, CudaWorkspaceModel.choose(RANKED, (8L << 20) - 1, G, ConvPass.FORWARD).id());
        assertEquals(0, CudaWorkspaceModel.choose(RANKED, 0, G, ConvPass.FORWARD).id());
    }

    @Test
    void withNoneWithinTheLimitTheOneNeedingLeast() {
        List<CudnnApi.Algorithm> all = List.of(new CudnnApi.Algorithm(3, 5000), new CudnnApi.Algorithm(4, 2000));
        assertEquals(4, CudaWorkspaceModel.choose(all, 100, G, ConvPass.BACKWARD_FILTER).id());
    }

    @Test
    void choicesAreMadeOnceAndKept() {
        FakeCudnn cudnn = new FakeCudnn();
        cudnn.algorithms = (s, p) -> RANKED;
        CudaWorkspaceModel m = new CudaWorkspaceModel(cudnn, () -> { }, 2L << 20);
        assertEquals(1L << 20, m.convWorkspaceBytes(G, ConvPass.FORWARD));
        assertEquals(1L << 20, m.convWorkspaceBytes(G, ConvPass.FORWARD));
        assertEquals(1, m.algorithm(G, ConvPass.FORWARD).id());
        assertEquals(1, cudnn.heuristicQueries, "cuDNN is asked once per geometry and pass");
    }

    @Test
    void theLimitIsWhatTheLeanestStepLeavesOfTheBudget() {
        FakeCudnn cudnn = new FakeCudnn();
        cudnn.algorithms = (s, p) -> RANKED;
        long budget = 100L << 20;
        // a step peaking at 95 MiB with no workspace leaves 5 MiB: algorithm 1 (1 MiB), not 6 (8 MiB)
        CudaWorkspaceModel m = CudaWorkspaceModel.underBudget(cudnn, () -> { }, budget,
                model -> (95L << 20) + model.convWorkspaceBytes(G, ConvPass.FORWARD));
        assertEquals(5L << 20, m.limitBytes());
        assertEquals(1, m.algorithm(G, ConvPass.FORWARD).id());
        // a step that does not fit even so keeps the least workspace
        CudaWorkspaceModel none = CudaWorkspaceModel.underBudget(cudnn, () -> { }, budget, model -> Long.MAX_VALUE);
        assertEquals(0, none.limitBytes());
        // where fragmentation keeps the larger workspace from fitting, the least
        CudaWorkspaceModel fragmented = CudaWorkspaceModel.underBudget(cudnn, () -> { }, budget,
                model -> model.convWorkspaceBytes(G, ConvPass.FORWARD) == 0 ? 95L << 20 : budget + 1);
        assertEquals(0, fragmented.limitBytes());
    }
}
