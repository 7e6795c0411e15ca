package io.memscope.trainer.optim;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.memory.Tensor;
import java.util.List;

/** SGD with optional momentum and L2 weight decay, as PyTorch's {@code torch.optim.SGD}. */
public record Sgd(float lr, float momentum, float weightDecay) implements Optimizer {
    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public List<String> stateNames() {
        return momentum == 0 ? List.of() : List.of("momentum");
    }

    @Override
    public void apply(Backend backend, Tensor weight, Tensor grad, List<Tensor> state, int t) {
        backend.sgdUpdate(weight, grad, momentum == 0 ? null : state.get(0), lr, momentum, weightDecay);
    }

    @Override
    public String describe() {
        return "SGD lr=" + Optimizer.number(lr) + " momentum=" + Optimizer.number(momentum) + " weight_decay="
                + Optimizer.number(weightDecay);
    }
}
