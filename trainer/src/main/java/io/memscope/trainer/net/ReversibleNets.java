package io.memscope.trainer.net;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reversible sample networks at any depth, for CIFAR-sized input (3×32×32, 10 classes): the bundled
 * {@code samples/revnet38.json} is {@link #revnet(int) revnet(3)} and {@code samples/invertible_cifar.json} is
 * {@link #fullyInvertible(int) fullyInvertible(4)}; the benchmark and the tests grow them. {@link #mnist()} is a
 * small fully invertible network for MNIST-sized input.
 */
public final class ReversibleNets {
    private static final Shape CIFAR = new Shape(3, 32, 32);

    private ReversibleNets() {}

    /**
     * RevNet-style (Gomez et al. 2017): a 3×3 stem convolution, three stages of 32, 64 and 112 channels of
     * {@code blocksPerStage} coupling blocks (F and G conv–ReLU–conv on half the channels), a strided 3×3
     * convolution between stages, invertible batch norm and leaky ReLU around them, global pooling and a
     * linear classifier. With 3 blocks per stage it has RevNet-38's nine units of four convolutions; where
     * RevNet downsamples inside non-reversible units, it uses a strided convolution that keeps its input.
     */
    public static NetworkSpec revnet(int blocksPerStage) {
        List<LayerSpec> ls = new ArrayList<>();
        ls.add(layer("conv1", "conv2d", "out_channels", 32, "kernel", 3, "padding", 1));
        ls.add(layer("bn1", "inv_batchnorm2d"));
        ls.add(layer("act1", "leaky_relu"));
        int[] channels = {32, 64, 112};
        for (int s = 1; s <= channels.length; s++) {
            if (s > 1) {
                ls.add(layer("stage" + s + ".down", "conv2d", "out_channels", channels[s - 1], "kernel", 3, "stride", 2,
                        "padding", 1));
                ls.add(layer("stage" + s + ".down_bn", "inv_batchnorm2d"));
            }
            for (int b = 1; b <= blocksPerStage; b++) {
                ls.add(layer("stage" + s + ".rev" + b, "coupling"));
            }
        }
        ls.add(layer("bn_final", "inv_batchnorm2d"));
        ls.add(layer("act_final", "leaky_relu"));
        head(ls, "act_final");
        String name = blocksPerStage == 3 ? "RevNet-38 (CIFAR 32x32)"
                : "RevNet (" + blocksPerStage + " blocks per stage, CIFAR 32x32)";
        return new NetworkSpec(name, CIFAR, ls);
    }

    /**
     * Fully invertible in the spirit of Hascoet et al.: three stages, each a space-to-depth downsampling
     * (3×32×32 → 12×16×16 → 48×8×8 → 192×4×4, so every activation holds as many values as the input) followed
     * by {@code blocksPerStage} coupling blocks (hidden 32, 64, 128 channels) and an invertible batch norm; then
     * global pooling and a linear classifier. Everything between the data and the pooling is invertible.
     */
    public static NetworkSpec fullyInvertible(int blocksPerStage) {
        List<LayerSpec> ls = new ArrayList<>();
        int[] hidden = {32, 64, 128};
        for (int s = 1; s <= hidden.length; s++) {
            ls.add(layer("stage" + s + ".squeeze", "space_to_depth", "block", 2));
            for (int b = 1; b <= blocksPerStage; b++) {
                ls.add(layer("stage" + s + ".rev" + b, "coupling", "hidden", hidden[s - 1]));
            }
            ls.add(layer("stage" + s + ".bn", "inv_batchnorm2d"));
        }
        head(ls, "stage3.bn");
        String name = blocksPerStage == 4 ? "Fully invertible net (CIFAR 32x32)"
                : "Fully invertible net (" + blocksPerStage + " blocks per stage, CIFAR 32x32)";
        return new NetworkSpec(name, CIFAR, ls);
    }

    /**
     * Fully invertible for MNIST-sized input (1×28×28, 10 classes): space-to-depth to 4×14×14, two coupling
     * blocks (hidden 32), space-to-depth to 16×7×7, two coupling blocks (hidden 64), an invertible batch norm,
     * and a linear classifier on the flattened 16×7×7 map (7×7 does not halve again, and a global pooling of 16
     * channels would leave the classifier 16 numbers).
     */
    public static NetworkSpec mnist() {
        List<LayerSpec> ls = new ArrayList<>();
        int[] hidden = {32, 64};
        for (int s = 1; s <= hidden.length; s++) {
            ls.add(layer("stage" + s + ".squeeze", "space_to_depth", "block", 2));
            for (int b = 1; b <= 2; b++) {
                ls.add(layer("stage" + s + ".rev" + b, "coupling", "hidden", hidden[s - 1]));
            }
        }
        ls.add(layer("bn", "inv_batchnorm2d"));
        ls.add(layer("flatten", "flatten"));
        ls.add(layer("fc", "linear", "out_features", 10));
        ls.add(layer("loss", "softmax_cross_entropy"));
        return new NetworkSpec("Fully invertible net (MNIST 28x28)", new Shape(1, 28, 28), ls);
    }

    private static void head(List<LayerSpec> ls, String last) {
        ls.add(new LayerSpec("pool", "global_avgpool", List.of(last), Map.of()));
        ls.add(layer("flatten", "flatten"));
        ls.add(layer("fc", "linear", "out_features", 10));
        ls.add(layer("loss", "softmax_cross_entropy"));
    }

    private static LayerSpec layer(String name, String type, Object... fields) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            attrs.put((String) fields[i], fields[i + 1]);
        }
        return new LayerSpec(name, type, List.of(), attrs);
    }
}
