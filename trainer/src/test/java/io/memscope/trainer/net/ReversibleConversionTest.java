package io.memscope.trainer.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.modes.Modes;
import io.memscope.trainer.modes.Reversibility;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.plan.Planner;
import java.util.List;
import org.junit.jupiter.api.Test;

/** From a residual network to its reversible counterpart, with what changed and why the rest did not. */
class ReversibleConversionTest {
    @Test
    void resNetsIdentityBlocksBecomeCouplingBlocksAndItsDownsamplingBlocksAreKeptWithTheReason() {
        NetworkSpec resnet = NetworkSpec.load(TestPaths.sample("resnet18_cifar"));
        ReversibleConversion.Result r = ReversibleConversion.convert(resnet);
        Network net = Network.build(r.network());
        assertEquals("ResNet-18 (CIFAR 32x32) (reversible)", net.name());
        List<String> couplings = net.nodes().stream().filter(n -> n.layer().type().equals("coupling")).map(Node::name)
                .toList();
        assertEquals(List.of("layer1.1", "layer1.2", "layer2.2", "layer3.2", "layer4.2"), couplings);
        assertTrue(r.changes().get(0).startsWith("layer1.1.conv1, layer1.1.bn1, layer1.1.relu1, layer1.1.conv2, "
                + "layer1.1.bn2, layer1.1.add, layer1.1.relu2 -> coupling layer1.1"), r.changes().get(0));
        assertEquals(3, r.kept().size(), r.kept().toString());
        assertTrue(r.kept().get(0).startsWith("layer2.1.add: kept as it is: its branches change the block's input "
                + "64x32x32 into 128x16x16"), r.kept().get(0));
        assertTrue(r.kept().get(0).contains("space_to_depth"), r.kept().get(0));
        // the next block reads the coupling; the stem becomes invertible
        Node second = net.nodes().stream().filter(n -> n.name().equals("layer1.2")).findFirst().orElseThrow();
        assertEquals("layer1.1", net.node(second.inputs().get(0)).name());
        assertEquals("inv_batchnorm2d", type(net, "bn1"));
        assertEquals("leaky_relu", type(net, "relu1"));
        assertEquals("batchnorm2d", type(net, "layer2.1.bn1"), "a kept block is left as it is");
        assertEquals("relu", type(net, "layer2.1.relu2"));

        // reversible mode rebuilds the couplings' inputs, and the converted net needs less than ResNet-18
        Reversibility rev = Reversibility.of(net);
        for (String c : couplings) {
            assertTrue(rev.inverted(c), c + " is rebuilt in backward");
        }
        CompileOptions o = new CompileOptions(32, Optimizer.of("sgd", 0.01, 0.9, 0), CpuBackend.workspaceModel(2));
        long before = Planner.plan(Network.build(resnet), Modes.get("baseline"), o, Planner.UNBOUNDED).peakBytes();
        long after = Planner.plan(net, Modes.get("reversible"), o, Planner.UNBOUNDED).peakBytes();
        assertTrue(after < before, "reversible " + after + " < ResNet-18 baseline " + before);
    }

    @Test
    void aNetWithoutResidualBlocksGetsInvertibleBatchNormsAndReLUsWhereThatPays() {
        ReversibleConversion.Result r = ReversibleConversion.convert(NetworkSpec.load(TestPaths.sample("vgg_small")));
        assertTrue(r.kept().isEmpty());
        assertEquals(2, r.changes().size(), r.changes().toString());
        assertTrue(r.changes().get(0).matches("\\d+ batchnorm2d -> inv_batchnorm2d .*"), r.changes().toString());
        Network net = Network.build(r.network());
        assertTrue(Reversibility.of(net).inverted("bn1_1"), "the batch norm's input is rebuilt");
        // LeNet's ReLUs follow convolutions, whose outputs baseline frees anyway: nothing pays
        SpecException e = assertThrows(SpecException.class,
                () -> ReversibleConversion.convert(NetworkSpec.load(TestPaths.sample("lenet5"))));
        assertTrue(e.getMessage().contains("would rebuild nothing"), e.getMessage());
    }

    @Test
    void aNetWithNothingToConvertIsRefusedWithTheReason() {
        NetworkSpec plain = NetworkSpec.parse(NetworkSpecTest.net("""
                {"name": "fc", "type": "linear", "out_features": 10},
                {"name": "loss", "type": "softmax_cross_entropy"}"""));
        SpecException e = assertThrows(SpecException.class, () -> ReversibleConversion.convert(plain));
        assertTrue(e.getMessage().contains("nothing to make reversible"), e.getMessage());
    }

    private static String type(Network net, String layer) {
        return net.nodes().stream().filter(n -> n.name().equals(layer)).findFirst().orElseThrow().layer().type();
    }
}
