package io.memscope.trainer.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The layer-by-layer check an editor shows: shapes where they are known, the problem on the layer at fault. */
class NetworkCheckTest {
    static NetworkCheck check(String layers) {
        return NetworkCheck.of(NetworkSpec.parse(NetworkSpecTest.net(layers)));
    }

    static NetworkCheck.LayerResult layer(NetworkCheck c, String name) {
        return c.layers().stream().filter(r -> r.spec().name().equals(name)).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"lenet5", "vgg_small", "resnet18_cifar", "vgg16"})
    void samplesCheckCleanAndAgreeWithTheBuiltNetwork(String name) {
        NetworkSpec spec = NetworkSpec.load(TestPaths.sample(name));
        NetworkCheck c = NetworkCheck.of(spec);
        assertTrue(c.isValid(), c.problem());
        assertEquals("", c.problem());
        Network built = Network.build(spec);
        long params = 0;
        for (NetworkCheck.LayerResult r : c.layers()) {
            assertTrue(r.isValid());
            assertEquals(built.node(r.index()).out(), r.out(), r.spec().name());
            assertEquals(built.node(r.index()).layer().flopsPerSample(), r.flopsPerSample());
            params += r.parameters();
        }
        assertEquals(built.parameterCount(), params);
        assertEquals(built.nodes().size(), c.network().nodes().size());
    }

    @Test
    void aBrokenLayerIsMarkedAndItsReadersWaitWhileOthersKeepTheirShapes() {
        NetworkCheck c = check("""
                {"name":"c1","type":"conv2d","out_channels":4,"kernel":3,"padding":1},
                {"name":"c2","type":"conv2d","out_channels":4,"kernel":11},
                {"name":"r2","type":"relu"},
                {"name":"side","type":"conv2d","out_channels":4,"kernel":1,"inputs":["c1"]},
                {"name":"sum","type":"add","inputs":["r2","side"]},
                {"name":"flat","type":"flatten"},
                {"name":"fc","type":"linear","out_features":3},
                {"name":"loss","type":"softmax_cross_entropy"}""");
        assertFalse(c.isValid());
        assertNull(c.network());
        assertEquals(new Shape(4, 8, 8), layer(c, "c1").out());
        assertTrue(layer(c, "c2").problem().startsWith("c2: kernel 11"), layer(c, "c2").problem());
        assertNull(layer(c, "c2").out());
        assertEquals("c2", layer(c, "r2").waitsFor());
        assertNull(layer(c, "r2").problem(), "a reader of a broken layer is not itself at fault");
        assertEquals(new Shape(4, 8, 8), layer(c, "side").out(), "a branch that does not depend on c2 is still checked");
        assertEquals("c2", layer(c, "sum").waitsFor());
        assertEquals("c2", layer(c, "loss").waitsFor(), "waiting passes down to the root cause");
        assertEquals(1, c.problems().size());
        assertEquals(layer(c, "c2").problem(), c.problem());
    }

    @Test
    void severalIndependentProblemsAreAllMarked() {
        NetworkCheck c = check("""
                {"name":"c1","type":"conv2d","out_channels":4,"kernel":3,"stride":0},
                {"name":"c2","type":"conv2d","out_channels":4,"kernel":3,"inputs":["input"]},
                {"name":"p","type":"maxpool2d","kernel":2,"colour":"red"},
                {"name":"flat","type":"flatten","inputs":["c2"]},
                {"name":"fc","type":"linear","out_features":3},
                {"name":"loss","type":"softmax_cross_entropy"}""");
        assertEquals(List.of("c1: stride must be at least 1, got 0",
                        "p: unknown field colour for a maxpool2d layer (it takes kernel, padding, stride)"),
                c.problems().stream().map(Throwable::getMessage).toList().subList(0, 2));
        assertTrue(layer(c, "c2").isValid());
        assertEquals(new Shape(4, 6, 6), layer(c, "c2").out());
        assertEquals(3, layer(c, "fc").out().c());
    }

    @Test
    void rulesOfTheWholeNetworkLandOnTheLayerTheyConcern() {
        NetworkCheck c = check("""
                {"name":"c1","type":"conv2d","out_channels":4,"kernel":3},
                {"name":"unused","type":"conv2d","out_channels":4,"kernel":1},
                {"name":"flat","type":"flatten","inputs":["c1"]},
                {"name":"fc","type":"linear","out_features":3}""");
        assertEquals("fc: the last layer must be the loss (softmax_cross_entropy); add {\"type\": \"softmax_cross_entropy\"} at the end",
                layer(c, "fc").problem());
        assertEquals(new Shape(3, 1, 1), layer(c, "fc").out(), "the shape stays visible");
        assertEquals("unused: its output is not used by any later layer; connect it or remove it", layer(c, "unused").problem());
        assertEquals(4L * 4 * 6 * 6 * 2, layer(c, "unused").outputBytes(2));
    }

    @Test
    void theInputShapeIsCheckedToo() {
        NetworkSpec ok = NetworkSpec.parse(NetworkSpecTest.net("""
                {"name":"flat","type":"flatten"},{"name":"fc","type":"linear","out_features":3},
                {"name":"loss","type":"softmax_cross_entropy"}"""));
        NetworkCheck c = NetworkCheck.of(new NetworkSpec(ok.name(), new Shape(0, 8, 8), ok.layers()));
        assertEquals("input: channels must be at least 1, got 0", c.problem());
        assertEquals(List.of("input: channels must be at least 1, got 0"), c.networkProblems());
    }

    @Test
    void outputBytesPerBatchAndViewsCostNothing() {
        NetworkCheck c = NetworkCheck.of(NetworkSpec.load(TestPaths.sample("lenet5")));
        assertEquals(4L * 32 * 6 * 28 * 28, layer(c, "conv1").outputBytes(32));
        assertEquals(0, layer(c, "flatten").outputBytes(32));
        assertEquals(156, layer(c, "conv1").parameters());
    }

    /** build() is the check's first problem, thrown: the same message for every kind of mistake. */
    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "{\"name\":\"\",\"type\":\"relu\"}",
        "{\"name\":\"a\",\"type\":\"relu\"},{\"name\":\"a\",\"type\":\"relu\"}",
        "{\"name\":\"input\",\"type\":\"relu\"}",
        "{\"name\":\"x\",\"type\":\"wobble\"}",
        "{\"name\":\"s\",\"type\":\"add\"}",
        "{\"name\":\"r\",\"type\":\"relu\",\"inputs\":[\"later\"]},{\"name\":\"later\",\"type\":\"relu\"}",
        "{\"name\":\"r\",\"type\":\"relu\",\"inputs\":[\"nowhere\"]}",
        "{\"name\":\"f\",\"type\":\"flatten\"},{\"name\":\"l\",\"type\":\"linear\",\"out_features\":2},"
            + "{\"name\":\"loss\",\"type\":\"softmax_cross_entropy\"},{\"name\":\"r\",\"type\":\"relu\",\"inputs\":[\"loss\"]}",
        "{\"name\":\"loss\",\"type\":\"softmax_cross_entropy\"}",
        "{\"name\":\"f\",\"type\":\"flatten\"},{\"name\":\"l\",\"type\":\"linear\",\"out_features\":2},"
            + "{\"name\":\"l1\",\"type\":\"softmax_cross_entropy\"},{\"name\":\"l2\",\"type\":\"softmax_cross_entropy\",\"inputs\":[\"l\"]}",
    })
    void buildThrowsTheFirstProblem(String layers) {
        NetworkCheck c = check(layers);
        assertFalse(c.isValid());
        SpecException thrown = assertThrows(SpecException.class, () -> Network.build(c.spec()));
        assertEquals(c.problem(), thrown.getMessage());
        assertNotNull(c.firstProblem().orElseThrow().layer());
    }
}
