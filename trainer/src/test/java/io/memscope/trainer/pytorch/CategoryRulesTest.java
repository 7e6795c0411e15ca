package io.memscope.trainer.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.TraceDetails.Frame;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of docs/PYTORCH_IMPORT.md, one stack each, innermost frame first as PyTorch records them. */
class CategoryRulesTest {
    private static final String TORCH = "/venv/lib/python3.11/site-packages/torch";
    private static final Frame ALLOCATOR = new Frame("CUDACachingAllocator.cpp", 0,
            "c10::cuda::CUDACachingAllocator::Native::DeviceCachingAllocator::malloc(int, unsigned long, CUstream_st*)");
    private static final Frame TRAIN = new Frame("/work/train.py", 40, "<module>");
    private static final Frame ENGINE = new Frame("??", 0,
            "torch::autograd::Engine::evaluate_function(std::shared_ptr<torch::autograd::GraphTask>&)");

    private static Frame py(String path, String name) {
        return new Frame(TORCH + path, 10, name);
    }

    @Test
    void accumulateGradIsAParametersGradient() {
        assertEquals(Category.GRADIENT, CategoryRules.of(List.of(ALLOCATOR,
                new Frame("??", 0, "torch::autograd::AccumulateGrad::apply(std::vector<at::Tensor>&&)"), ENGINE)));
    }

    @Test
    void anOptimizersStepIsOptimizerState() {
        assertEquals(Category.OPTIMIZER_STATE, CategoryRules.of(List.of(ALLOCATOR,
                py("/optim/adam.py", "_single_tensor_adam"), py("/optim/adam.py", "step"), TRAIN)));
    }

    @Test
    void theBackwardPassMakesActivationGradients() {
        // on autograd's engine thread: C++ frames only
        assertEquals(Category.ACTIVATION_GRAD, CategoryRules.of(List.of(ALLOCATOR,
                new Frame("??", 0, "torch::autograd::generated::MulBackward0::apply(std::vector<at::Tensor>&&)"),
                ENGINE)));
        // Python frames only (stacks="python")
        assertEquals(Category.ACTIVATION_GRAD, CategoryRules.of(List.of(py("/autograd/__init__.py", "backward"),
                py("/_tensor.py", "backward"), TRAIN)));
    }

    @Test
    void parametersComeFromInitialisationToAndLoading() {
        assertEquals(Category.PARAMETER, CategoryRules.of(List.of(py("/nn/modules/module.py", "convert"),
                py("/nn/modules/module.py", "_apply"), py("/nn/modules/module.py", "to"), TRAIN)));
        assertEquals(Category.PARAMETER, CategoryRules.of(List.of(py("/nn/init.py", "kaiming_uniform_"),
                py("/nn/modules/linear.py", "reset_parameters"), TRAIN)));
        assertEquals(Category.PARAMETER, CategoryRules.of(List.of(py("/nn/modules/linear.py", "__init__"), TRAIN)));
        assertEquals(Category.PARAMETER, CategoryRules.of(List.of(
                py("/nn/modules/module.py", "_load_from_state_dict"), TRAIN)));
    }

    @Test
    void aModulesForwardMakesActivationsTheUsersOwnModulesToo() {
        assertEquals(Category.ACTIVATION, CategoryRules.of(List.of(ALLOCATOR, py("/nn/functional.py", "relu"),
                py("/nn/modules/activation.py", "forward"), py("/nn/modules/module.py", "_call_impl"), TRAIN)));
        assertEquals(Category.ACTIVATION, CategoryRules.of(List.of(new Frame("/work/model.py", 12, "attention"),
                new Frame("/work/model.py", 30, "forward"), py("/nn/modules/module.py", "_wrapped_call_impl"), TRAIN)));
    }

    @Test
    void theInnermostFrameARuleKnowsDecides() {
        // a checkpointed forward recomputed during backward holds activations
        assertEquals(Category.ACTIVATION, CategoryRules.of(List.of(py("/nn/modules/linear.py", "forward"),
                py("/utils/checkpoint.py", "recompute_fn"), ENGINE)));
        // a parameter made lazily inside a forward is a parameter
        assertEquals(Category.PARAMETER, CategoryRules.of(List.of(py("/nn/init.py", "uniform_"),
                py("/nn/modules/lazy.py", "initialize_parameters"), py("/nn/modules/module.py", "_call_impl"))));
    }

    @Test
    void anythingElseIsUnknown() {
        assertEquals(Category.UNKNOWN, CategoryRules.of(List.of()));
        assertEquals(Category.UNKNOWN, CategoryRules.of(List.of(ALLOCATOR, new Frame("/work/data.py", 9, "make_batch"),
                TRAIN)));
        // torch.autograd.Function.apply runs forwards and backwards alike, so it tells nothing
        assertEquals(Category.UNKNOWN, CategoryRules.of(List.of(py("/autograd/function.py", "apply"), TRAIN)));
    }

    @Test
    void theFramesShownAreTheInnermostPythonOnes() {
        List<Frame> stack = List.of(new Frame("??", 0, "torch::unwind::unwind()"), ALLOCATOR,
                py("/nn/functional.py", "relu"), new Frame("/usr/src/python/Python/ceval.c", 5305,
                        "_PyEval_EvalFrameDefault"), py("/nn/modules/activation.py", "forward"), TRAIN);
        assertEquals(List.of(py("/nn/functional.py", "relu"), py("/nn/modules/activation.py", "forward")),
                Frames.shown(stack, 2));
        assertEquals("relu (nn/functional.py:10)", Frames.label(stack));
        // no Python frame: the C++ frames past the allocator's and the engine's own
        List<Frame> engine = List.of(new Frame("??", 0, "torch::unwind::unwind()"), ALLOCATOR,
                new Frame("??", 0, "torch::autograd::generated::MulBackward0::apply(std::vector<at::Tensor>&&)"),
                ENGINE, new Frame("??", 0, "torch::autograd::Engine::thread_main(std::shared_ptr<GraphTask> const&)"));
        assertEquals("torch::autograd::generated::MulBackward0::apply", Frames.label(engine));
        assertEquals(2, Frames.shown(engine, 5).size());
        assertEquals("", Frames.label(List.of()));
    }
}
