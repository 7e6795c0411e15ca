package io.memscope.trainer.modes.rows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.modes.BaselineMode;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.NetworkSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Row-centric training is baseline training in another order: after 3 SGD steps (momentum 0.9, weight decay,
 * same seed and batches) every parameter and batch-norm buffer matches baseline within
 * |row-centric − baseline| ≤ 1e-5 + 1e-4·|baseline| (measured worst: about a hundredth of that), for both halo
 * strategies and band counts that do and do not divide the map heights.
 */
class RowCentricEquivalenceTest {
    static final double ATOL = 1e-5;
    static final double RTOL = 1e-4;
    static final int STEPS = 3;

    /**
     * Every trunk layer type and awkward geometry: padded max and average pooling, strided and 1×1
     * convolutions, a 5×5 kernel, leaky ReLU, a residual add across batch norm, concat, dropout inside the
     * trunk, an odd input height (19 rows).
     */
    static final String AWKWARD = """
            {"name": "awkward", "input": {"channels": 2, "height": 19, "width": 9},
             "layers": [
              {"name": "c1", "type": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1},
              {"name": "r1", "type": "leaky_relu", "negative_slope": 0.1},
              {"name": "mp", "type": "maxpool2d", "kernel": 3, "stride": 2, "padding": 1},
              {"name": "c2", "type": "conv2d", "out_channels": 4, "kernel": 3, "padding": 1},
              {"name": "bn", "type": "batchnorm2d"},
              {"name": "r2", "type": "relu"},
              {"name": "c3", "type": "conv2d", "out_channels": 4, "kernel": 5, "padding": 2},
              {"name": "sum", "type": "add", "inputs": ["c3", "mp"]},
              {"name": "c4", "type": "conv2d", "out_channels": 3, "kernel": 1, "stride": 2, "bias": false},
              {"name": "c5", "type": "conv2d", "out_channels": 2, "kernel": 3, "stride": 2, "padding": 1, "inputs": ["sum"]},
              {"name": "cat", "type": "concat", "inputs": ["c4", "c5"]},
              {"name": "drop", "type": "dropout", "p": 0.25},
              {"name": "ap", "type": "avgpool2d", "kernel": 3, "stride": 1, "padding": 1},
              {"name": "c6", "type": "conv2d", "out_channels": 3, "kernel": 2},
              {"name": "r3", "type": "relu"},
              {"name": "flat", "type": "flatten"},
              {"name": "fc", "type": "linear", "out_features": 3},
              {"name": "loss", "type": "softmax_cross_entropy"}
             ]}""";

    private static final Map<String, StepRuns.Result> BASELINES = new HashMap<>();

    static Stream<Arguments> cases() {
        RowCentricOptions o = RowCentricOptions.DEFAULT.withCuts(RowCentricOptions.Cuts.NONE);
        RowCentricOptions cut = RowCentricOptions.DEFAULT.withCuts(RowCentricOptions.Cuts.DOWNSAMPLING);
        return Stream.of(
                // LeNet-5 (28 rows): 2 bands, 3 (does not divide 28 or 14), the most its input allows
                Arguments.of("lenet5", 4, o.withHalo(Halo.OVERLAP).withBands(2)),
                Arguments.of("lenet5", 4, o.withHalo(Halo.OVERLAP).withBands(3)),
                Arguments.of("lenet5", 4, o.withHalo(Halo.OVERLAP).withBands(28)),
                Arguments.of("lenet5", 4, o.withHalo(Halo.TWO_PHASE).withBands(2)),
                Arguments.of("lenet5", 4, o.withHalo(Halo.TWO_PHASE).withBands(3)),
                Arguments.of("lenet5", 4, o.withHalo(Halo.TWO_PHASE).withBands(28)),
                // the small VGG: batch norm everywhere, dropout in the head
                Arguments.of("vgg_small", 2, o.withHalo(Halo.OVERLAP).withBands(3)),
                Arguments.of("vgg_small", 2, cut.withHalo(Halo.OVERLAP).withBands(32)),
                Arguments.of("vgg_small", 2, o.withHalo(Halo.TWO_PHASE).withBands(5)),
                Arguments.of("vgg_small", 2, cut.withHalo(Halo.TWO_PHASE).withBands(Bands.count(2), Bands.count(7))),
                // ResNet-18: residual adds across batch norm, strided and 1×1 downsampling
                Arguments.of("resnet18_cifar", 2, cut.withHalo(Halo.OVERLAP).withBands(3)),
                Arguments.of("resnet18_cifar", 2, o.withHalo(Halo.TWO_PHASE).withBands(Bands.count(5), Bands.count(2))),
                // every layer type; per-layer bands; forward and backward granularity apart; one band
                Arguments.of("awkward", 3, o.withHalo(Halo.OVERLAP).withBands(19)),
                Arguments.of("awkward", 3, o.withHalo(Halo.TWO_PHASE).withBands(Bands.count(3), Bands.count(5))),
                Arguments.of("awkward", 3, cut.withHalo(Halo.OVERLAP).withBands(Bands.count(7), Bands.count(4))
                        .withLayer("c2", Bands.rows(3), Bands.count(10))),
                Arguments.of("awkward", 3, cut.withHalo(Halo.TWO_PHASE).withBands(Bands.rows(2), Bands.rows(5))
                        .withLayer("sum", Bands.count(3), Bands.count(4))),
                Arguments.of("awkward", 3, o.withHalo(Halo.TWO_PHASE).withBands(1)));
    }

    static Network network(String name) {
        return name.equals("awkward") ? Network.build(NetworkSpec.parse(AWKWARD)) : Network.load(TestPaths.sample(name));
    }

    @ParameterizedTest(name = "{0} batch {1}: {2}")
    @MethodSource("cases")
    void weightsAfterThreeStepsMatchBaseline(String name, int batch, RowCentricOptions options) {
        Network net = network(name);
        StepRuns.Result base = BASELINES.computeIfAbsent(name + "/" + batch,
                k -> StepRuns.train(net, new BaselineMode(), batch, STEPS));
        StepRuns.Result rows = StepRuns.train(net, RowCentricMode.with(options), batch, STEPS);
        assertEquals(base.params().keySet(), rows.params().keySet());
        StringBuilder where = new StringBuilder();
        double ratio = StepRuns.worstRatio(rows.params(), base.params(), ATOL, RTOL, where);
        System.out.printf("%s %s: worst |diff| / (%.0e + %.0e·|baseline|) = %.3f at %s%n", name, options.describe(),
                ATOL, RTOL, ratio, where);
        assertTrue(ratio <= 1, name + " " + options.describe() + ": " + where + " (ratio " + ratio + ")");
    }
}
