package io.memscope.trainer.pytorch;

import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.TraceDetails.Frame;
import java.util.List;
import java.util.Set;

/**
 * What an allocation held, guessed from the stack that made it. PyTorch's trace does not say; its frames
 * (innermost first; Python frames, and with {@code stacks="all"} the C++ frames between them) often do. The
 * frames are read from the innermost outwards and the first one a rule recognises decides:
 *
 * <ol>
 *   <li>a C++ frame of {@code AccumulateGrad} (autograd adding a parameter's gradient): {@link Category#GRADIENT}
 *   <li>a frame in {@code torch/optim/} (an optimizer's {@code step}): {@link Category#OPTIMIZER_STATE}
 *   <li>a C++ frame of {@code torch::autograd::Engine::} (the backward pass, often on the engine's own thread
 *       with no Python frame at all), or {@code backward} in {@code torch/autograd/} or {@code torch/_tensor.py}:
 *       {@link Category#ACTIVATION_GRAD}
 *   <li>{@code torch/nn/init.py}, or {@code _apply} (what {@code .to()}, {@code .cuda()} run),
 *       {@code reset_parameters}, {@code __init__} or {@code _load_from_state_dict} in {@code torch/nn/modules/}:
 *       {@link Category#PARAMETER}
 *   <li>{@code forward}, {@code _call_impl} or {@code _wrapped_call_impl} in {@code torch/nn/modules/} (a
 *       module's forward, the user's own modules included, since they are called through it): {@link
 *       Category#ACTIVATION}
 * </ol>
 *
 * Anything else is {@link Category#UNKNOWN}. Innermost first means a checkpointed forward recomputed during
 * backward counts as an activation, and a parameter created lazily inside a forward as a parameter. Gradients
 * of parameters that autograd writes without an {@code AccumulateGrad} frame (or Python-only stacks, which
 * have no C++ frames) count as activation gradients. docs/PYTORCH_IMPORT.md lists the rules with examples;
 * {@code scripts/make-snapshots.py} holds the same rules in Python for the tests' expected counts.
 */
public final class CategoryRules {
    private static final Set<String> PARAMETER_NAMES = Set.of("_apply", "reset_parameters", "__init__",
            "_load_from_state_dict");
    private static final Set<String> FORWARD_NAMES = Set.of("forward", "_call_impl", "_wrapped_call_impl");

    private CategoryRules() {}

    /** The category the frames (innermost first) give; {@link Category#UNKNOWN} when no rule matches. */
    public static Category of(List<Frame> frames) {
        for (Frame f : frames) {
            Category c = of(f);
            if (c != null) {
                return c;
            }
        }
        return Category.UNKNOWN;
    }

    /** The category one frame gives, or null when no rule recognises it. */
    static Category of(Frame f) {
        String name = f.name();
        String path = f.filename().replace('\\', '/');
        if (name.contains("AccumulateGrad")) {
            return Category.GRADIENT;
        }
        if (path.contains("/torch/optim/")) {
            return Category.OPTIMIZER_STATE;
        }
        if (name.startsWith("torch::autograd::Engine::") || ("backward".equals(name)
                && (path.contains("/torch/autograd/") || path.endsWith("/torch/_tensor.py")))) {
            return Category.ACTIVATION_GRAD;
        }
        boolean module = path.contains("/torch/nn/modules/");
        if (path.endsWith("/torch/nn/init.py") || (module && PARAMETER_NAMES.contains(name))) {
            return Category.PARAMETER;
        }
        if (module && FORWARD_NAMES.contains(name)) {
            return Category.ACTIVATION;
        }
        return null;
    }
}
