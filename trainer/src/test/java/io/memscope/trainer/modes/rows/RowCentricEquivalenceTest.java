package io.memscope.trainer.modes.rows;

import io.memscope.trainer.modes.StepRuns;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import io.memscope.trainer.TestPaths;
import io.memscope.trainer.backend.FixedOrderBlas;
import io.memscope.trainer.modes.BaselineMode;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.net.NetworkSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Row-centric training is baseline training in another order, for both halo strategies, band counts that do and
 * do not divide the map heights, per-layer segments and every trunk layer type. Tolerance throughout:
 * |row-centric − baseline| ≤ 1e-5 + 1e-4·|baseline|.
 *
 * <ul>
 *   <li>{@link #everyStepMatchesBaseline}: 3 SGD steps (momentum 0.9, weight decay), each taken by row-centric
 *       from baseline's state before it, on the same batch; afterwards every parameter, buffer and momentum
 *       (the gradient, nearly) matches. It runs on {@link FixedOrderBlas}, which sums every product element in
 *       one order however the matrix is cut, so the row-centric forward pass is baseline's bit for bit (the
 *       losses are asserted equal) and only the backward sums differ in order. Every block the row-centric run
 *       allocates starts as NaN, so reading memory no instruction wrote would show.</li>
 *   <li>{@link #forwardMatchesBaselineOnTheInstalledAndTheJavaBlas}: one step on native OpenBLAS (when
 *       installed) and on the Java BLAS; what the forward pass alone decides (the loss, batch-norm running
 *       statistics) matches. Their sums depend on the matrix sizes, so the forward passes differ by rounding,
 *       and a ReLU input within rounding of 0 can take the other branch in backward: gradients are compared
 *       above, where the forward passes are equal.</li>
 * </ul>
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
                // the defaults at batch 32: every segment's forward on whole maps, ReLUs in place, backward in bands
                Arguments.of("vgg_small", 32, RowCentricOptions.DEFAULT),
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

    /** Baseline trajectories by network, BLAS and batch; only the latest is kept (ResNet's holds 350 MB). */
    private static final Map<String, StepRuns.Trajectory> TRAJECTORIES = new LinkedHashMap<>();
    private static final Map<String, StepRuns.Result> FORWARDS = new LinkedHashMap<>();
    private static final BLAS FIXED_ORDER = FixedOrderBlas.create();

    @ParameterizedTest(name = "{0} batch {1}: {2}")
    @MethodSource("cases")
    void everyStepMatchesBaseline(String name, int batch, RowCentricOptions options) {
        Network net = network(name);
        StepRuns.Trajectory base = latest(TRAJECTORIES, name + "/" + batch,
                () -> StepRuns.trajectory(net, new BaselineMode(), batch, STEPS, FIXED_ORDER));
        List<StepRuns.Step> rows = StepRuns.replay(net, RowCentricMode.with(options), batch, base, FIXED_ORDER, true);
        for (StepRuns.Step step : rows) {
            String what = name + " " + options.describe() + ", step " + (step.step() + 1);
            assertEquals(base.losses().get(step.step()), step.loss(), 0.0, what + ": the forward pass is baseline's");
            Map<String, float[]> expected = base.states().get(step.step() + 1);
            assertEquals(expected.keySet(), step.state().keySet());
            StringBuilder where = new StringBuilder();
            double ratio = StepRuns.worstRatio(step.state(), expected, ATOL, RTOL, where);
            System.out.printf("%s: worst |diff| / (%.0e + %.0e·|baseline|) = %.3f at %s%n", what, ATOL, RTOL, ratio,
                    where);
            assertTrue(ratio <= 1, what + ": " + where + " (ratio " + ratio + ")");
        }
    }

    static Stream<Arguments> casesOnEveryBlas() {
        return Stream.of("installed", "java").flatMap(blas -> cases().map(a -> {
            Object[] c = a.get();
            return Arguments.of(blas, c[0], c[1], c[2]);
        }));
    }

    @ParameterizedTest(name = "{0} BLAS, {1} batch {2}: {3}")
    @MethodSource("casesOnEveryBlas")
    void forwardMatchesBaselineOnTheInstalledAndTheJavaBlas(String blasName, String name, int batch,
                                                            RowCentricOptions options) {
        BLAS blas = blasName.equals("java") ? JavaBLAS.getInstance() : BLAS.getInstance();
        Network net = network(name);
        StepRuns.Result base = latest(FORWARDS, blasName + "/" + name + "/" + batch,
                () -> StepRuns.train(net, new BaselineMode(), batch, 1, blas, false));
        StepRuns.Result rows = StepRuns.train(net, RowCentricMode.with(options), batch, 1, blas, false);
        String what = name + " " + options.describe() + " on " + blas.getClass().getSimpleName();
        Map<String, float[]> expected = forwardOnly(base);
        StringBuilder where = new StringBuilder();
        double ratio = StepRuns.worstRatio(forwardOnly(rows), expected, ATOL, RTOL, where);
        System.out.printf("%s: forward, worst |diff| / (%.0e + %.0e·|baseline|) = %.3f at %s%n", what, ATOL, RTOL,
                ratio, where);
        assertTrue(ratio <= 1, what + ": " + where + " (ratio " + ratio + ")");
    }

    /** The loss and every batch-norm running statistic after one step: what the forward pass alone decides. */
    private static Map<String, float[]> forwardOnly(StepRuns.Result r) {
        Map<String, float[]> out = new LinkedHashMap<>();
        out.put("loss", new float[] {(float) (double) r.losses().get(0)});
        r.params().forEach((k, v) -> {
            if (k.endsWith(".running_mean") || k.endsWith(".running_var")) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static <T> T latest(Map<String, T> cache, String key, Supplier<T> compute) {
        T t = cache.get(key);
        if (t == null) {
            cache.clear();
            t = compute.get();
            cache.put(key, t);
        }
        return t;
    }
}
