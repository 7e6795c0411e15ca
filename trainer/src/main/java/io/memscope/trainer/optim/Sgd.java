package io.memscope.trainer.optim;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.memory.Tensor;
import java.util.List;
import java.util.Locale;

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
        return String.format(Locale.ROOT, "SGD lr=%g momentum=%g weight_decay=%g", lr, momentum, weightDecay);
    }
}
