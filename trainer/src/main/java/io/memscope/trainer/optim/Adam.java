package io.memscope.trainer.optim;

import io.memscope.trainer.backend.Backend;
import io.memscope.trainer.memory.Tensor;
import java.util.List;

/** Adam with L2 weight decay, as PyTorch's {@code torch.optim.Adam}. Two state tensors per parameter. */
public record Adam(float lr, float beta1, float beta2, float eps, float weightDecay) implements Optimizer {
    @Override
    public String name() {
        return "adam";
    }

    @Override
    public List<String> stateNames() {
        return List.of("exp_avg", "exp_avg_sq");
    }

    @Override
    public void apply(Backend backend, Tensor weight, Tensor grad, List<Tensor> state, int t) {
        backend.adamUpdate(weight, grad, state.get(0), state.get(1), lr, beta1, beta2, eps, weightDecay, t);
    }

    @Override
    public String describe() {
        return "Adam lr=" + Optimizer.number(lr) + " betas=(" + Optimizer.number(beta1) + ", " + Optimizer.number(beta2)
                + ") eps=" + Optimizer.number(eps) + " weight_decay=" + Optimizer.number(weightDecay);
    }
}
