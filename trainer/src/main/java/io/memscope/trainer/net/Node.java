package io.memscope.trainer.net;

import io.memscope.trainer.net.layers.Layer;
import java.util.List;

/**
 * A layer placed in a network.
 *
 * @param index  position in execution order
 * @param layer  the layer
 * @param inputs indices of the nodes it reads, {@link Network#DATA} for the network's input
 */
public record Node(int index, Layer layer, List<Integer> inputs) {
    public String name() {
        return layer.name();
    }

    public Shape out() {
        return layer.outShape();
    }
}
