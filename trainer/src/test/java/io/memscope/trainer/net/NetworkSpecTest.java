package io.memscope.trainer.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkSpecTest {
    static String net(String layers) {
        return "{\"name\":\"t\",\"input\":{\"channels\":1,\"height\":8,\"width\":8},\"layers\":[" + layers + "]}";
    }

    static SpecException failure(String json) {
        return assertThrows(SpecException.class, () -> Network.build(NetworkSpec.parse(json)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lenet5", "vgg_small", "resnet18_cifar", "vgg16"})
    void samplesLoadAndBuild(String name) {
        Network net = Network.build(NetworkSpec.load(TestPaths.sample(name)));
        assertTrue(net.parameterCount() > 0);
        assertTrue(net.loss().layer().isLoss());
    }

    @Test
    void lenetShapesParametersAndFlops() {
        Network net = Network.build(NetworkSpec.load(TestPaths.sample("lenet5")));
        assertEquals(new Shape(6, 28, 28), find(net, "conv1").out());
        assertEquals(new Shape(6, 14, 14), find(net, "pool1").out());
        assertEquals(new Shape(16, 10, 10), find(net, "conv2").out());
        assertEquals(new Shape(16, 5, 5), find(net, "pool2").out());
        assertEquals(new Shape(400, 1, 1), find(net, "flatten").out());
        assertEquals(10, net.classes());
        // conv1 156 + conv2 2416 + fc1 48120 + fc2 10164 + fc3 850: the classic LeNet-5 count (with padding 2).
        assertEquals(61706, net.parameterCount());
        // conv1: 2·6·25·28·28 multiply-adds as FLOPs, plus one add per output for the bias.
        assertEquals(2L * 6 * 25 * 784 + 6 * 784, find(net, "conv1").layer().flopsPerSample());
    }

    @Test
    void resnetShapesAndResidualInputs() {
        Network net = Network.build(NetworkSpec.load(TestPaths.sample("resnet18_cifar")));
        assertEquals(new Shape(512, 4, 4), find(net, "layer4.2.relu2").out());
        assertEquals(11_173_962L, net.parameterCount()); // torchvision ResNet-18 with a 3x3 stem and 10 classes
        Node add = find(net, "layer2.1.add");
        assertEquals(2, add.inputs().size());
    }

    @Test
    void vgg16ParameterCount() {
        Network net = Network.build(NetworkSpec.load(TestPaths.sample("vgg16")));
        assertEquals(138_357_544L, net.parameterCount()); // torchvision vgg16
        assertEquals(new Shape(512, 7, 7), find(net, "pool5").out());
    }

    @Test
    void kernelLargerThanInputNamesLayerAndSizes() {
        SpecException e = failure(net("{\"name\":\"conv1\",\"type\":\"conv2d\",\"out_channels\":4,\"kernel\":3,\"stride\":2},"
                + "{\"name\":\"conv3\",\"type\":\"conv2d\",\"out_channels\":4,\"kernel\":5},"
                + "{\"type\":\"flatten\"},{\"type\":\"linear\",\"out_features\":2},{\"type\":\"softmax_cross_entropy\"}"));
        assertEquals("conv3: kernel 5 larger than padded input 3x3 (input 3x3, padding 0)", e.getMessage());
        assertEquals("conv3", e.layer());
    }

    @Test
    void unknownAndLaterInputsAreExplained() {
        assertTrue(failure(net("{\"name\":\"a\",\"type\":\"relu\",\"inputs\":[\"nope\"]},{\"type\":\"flatten\"},"
                + "{\"type\":\"linear\",\"out_features\":2},{\"type\":\"softmax_cross_entropy\"}"))
                .getMessage().contains("input 'nope' is not a layer of this network"));
        assertTrue(failure(net("{\"name\":\"a\",\"type\":\"relu\",\"inputs\":[\"b\"]},{\"name\":\"b\",\"type\":\"relu\"},"
                + "{\"type\":\"flatten\"},{\"type\":\"linear\",\"out_features\":2},{\"type\":\"softmax_cross_entropy\"}"))
                .getMessage().contains("comes later in the file"));
    }

    @Test
    void typosAndBadValuesAreNamed() {
        assertTrue(failure(net("{\"name\":\"c\",\"type\":\"conv2d\",\"out_channels\":4,\"kernal\":3}"))
                .getMessage().startsWith("c: unknown field kernal for a conv2d layer"));
        assertTrue(failure(net("{\"name\":\"c\",\"type\":\"convolution\"}")).getMessage()
                .contains("unknown layer type 'convolution'"));
        assertEquals("c: stride must be at least 1, got 0", failure(net(
                "{\"name\":\"c\",\"type\":\"conv2d\",\"out_channels\":4,\"kernel\":3,\"stride\":0}")).getMessage());
        assertEquals("c: a conv2d layer needs 'kernel'", failure(net(
                "{\"name\":\"c\",\"type\":\"conv2d\",\"out_channels\":4}")).getMessage());
        assertTrue(failure("{\"input\": {\"channels\": 1, ").getMessage().startsWith("not valid JSON"));
        assertTrue(failure("{\"layers\": []}").getMessage().contains("missing \"input\""));
    }

    @Test
    void graphRulesAreChecked() {
        assertTrue(failure(net("{\"name\":\"a\",\"type\":\"conv2d\",\"out_channels\":2,\"kernel\":3},"
                + "{\"name\":\"b\",\"type\":\"conv2d\",\"out_channels\":3,\"kernel\":3,\"inputs\":[\"input\"]},"
                + "{\"name\":\"s\",\"type\":\"add\",\"inputs\":[\"a\",\"b\"]},{\"type\":\"flatten\"},"
                + "{\"type\":\"linear\",\"out_features\":2},{\"type\":\"softmax_cross_entropy\"}"))
                .getMessage().startsWith("s: cannot add 2x6x6 and 3x6x6"));
        assertTrue(failure(net("{\"type\":\"flatten\"},{\"name\":\"fc\",\"type\":\"linear\",\"out_features\":2}"))
                .getMessage().contains("the last layer must be the loss"));
        assertTrue(failure(net("{\"name\":\"dead\",\"type\":\"relu\"},{\"name\":\"f\",\"type\":\"flatten\",\"inputs\":[\"input\"]},"
                + "{\"type\":\"linear\",\"out_features\":2},{\"type\":\"softmax_cross_entropy\"}"))
                .getMessage().startsWith("dead: its output is not used"));
        assertTrue(failure(net("{\"name\":\"x\",\"type\":\"relu\"},{\"name\":\"x\",\"type\":\"relu\"}"))
                .getMessage().contains("used twice"));
    }

    @Test
    void fileErrorsNameTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("broken.json");
        Files.writeString(f, net("{\"name\":\"conv9\",\"type\":\"conv2d\",\"out_channels\":1,\"kernel\":99}"));
        SpecException e = assertThrows(SpecException.class, () -> Network.load(f));
        assertTrue(e.getMessage().startsWith(f + ": conv9: kernel 99"), e.getMessage());
        SpecException missing = assertThrows(SpecException.class, () -> NetworkSpec.load(dir.resolve("none.json")));
        assertTrue(missing.getMessage().contains("none.json: no such file"));
        Files.writeString(f, "{oops");
        assertTrue(assertThrows(SpecException.class, () -> NetworkSpec.load(f)).getMessage()
                .startsWith(f + ": not valid JSON"));
    }

    @Test
    void jsonRoundTripKeepsEverything(@TempDir Path dir) throws Exception {
        for (String name : List.of("lenet5", "resnet18_cifar")) {
            NetworkSpec spec = NetworkSpec.load(TestPaths.sample(name));
            Path copy = dir.resolve(name + ".json");
            spec.save(copy);
            NetworkSpec again = NetworkSpec.load(copy);
            assertEquals(spec.toJson(), again.toJson());
            assertEquals(spec.layers().size(), again.layers().size());
            assertEquals(Network.build(spec).parameterCount(), Network.build(again).parameterCount());
        }
    }

    static Node find(Network net, String name) {
        return net.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }
}
