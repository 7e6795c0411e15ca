package io.memscope.trainer.net.layers;

import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.SpecException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The layer types a network file may use, by their JSON {@code type} name. */
public final class Layers {
    private static final Map<String, Function<LayerSpec, Layer>> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("conv2d", Conv2d::new);
        TYPES.put("batchnorm2d", BatchNorm2d::new);
        TYPES.put("inv_batchnorm2d", BatchNorm2d::new);
        TYPES.put("relu", Activation::new);
        TYPES.put("leaky_relu", Activation::new);
        TYPES.put("maxpool2d", Pool2d::new);
        TYPES.put("avgpool2d", Pool2d::new);
        TYPES.put("global_avgpool", Pool2d::new);
        TYPES.put("space_to_depth", SpaceToDepth::new);
        TYPES.put("flatten", Flatten::new);
        TYPES.put("linear", Linear::new);
        TYPES.put("dropout", DropoutLayer::new);
        TYPES.put("add", Add::new);
        TYPES.put("concat", Concat::new);
        TYPES.put("coupling", Coupling::new);
        TYPES.put("softmax_cross_entropy", SoftmaxCrossEntropy::new);
    }

    private Layers() {}

    public static List<String> types() {
        return List.copyOf(TYPES.keySet());
    }

    public static Layer create(LayerSpec spec) {
        Function<LayerSpec, Layer> factory = TYPES.get(spec.type());
        if (factory == null) {
            throw new SpecException(spec.name(), "unknown layer type '" + spec.type() + "'; known types: "
                    + String.join(", ", TYPES.keySet()));
        }
        return factory.apply(spec);
    }
}
