package io.memscope.trainer.pytorch;

import io.memscope.trainer.memory.TraceDetails.Frame;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of a stack's frames a person wants to see, and how to write one. A stack recorded with
 * {@code stacks="all"} starts with a dozen frames of the allocator, the dispatcher and the Python interpreter;
 * the Python frames (files ending in {@code .py}) say where the tensor came from. So the frames shown are the
 * innermost Python frames, or, on a thread without Python (autograd's engine), the innermost C++ frames that
 * are not the allocator's, the dispatcher's or the interpreter's.
 */
public final class Frames {
    /** C++ frames that every allocation passes through and so say nothing about it. */
    private static final List<String> MACHINERY = List.of("unwind::unwind", "CapturedTraceback", "gather_with_cpp",
            "CachingAllocator", "c10::impl::", "c10::Dispatcher", "c10::OperatorHandle", "at::_ops::",
            "wrap_kernel_functor", "c10::BoxedKernel", "at::native::empty", "at::detail::empty", "at::empty",
            "_PyEval", "PyEval_", "PyObject_", "_PyObject", "_PyFunction", "PyFunction_", "Py_RunMain", "pymain_",
            "__libc_start", "torch::autograd::Engine::thread_", "torch::autograd::python::PythonEngine");
    /** Thread and process entry points, matched whole. */
    private static final java.util.Set<String> ENTRY_POINTS = java.util.Set.of("_start", "clone", "clone3",
            "start_thread", "execute_native_thread_routine", "main");

    private Frames() {}

    /** Up to {@code max} frames worth showing, innermost first. */
    public static List<Frame> shown(List<Frame> stack, int max) {
        List<Frame> python = new ArrayList<>();
        for (Frame f : stack) {
            if (isPython(f)) {
                python.add(f);
                if (python.size() == max) {
                    break;
                }
            }
        }
        if (!python.isEmpty()) {
            return python;
        }
        List<Frame> out = new ArrayList<>();
        for (Frame f : stack) {
            if (!isMachinery(f) && !f.name().isEmpty()) {
                out.add(f);
                if (out.size() == max) {
                    break;
                }
            }
        }
        return out;
    }

    /** The innermost frame worth showing, written as {@link #text}; empty when there is none. */
    public static String label(List<Frame> stack) {
        List<Frame> top = shown(stack, 1);
        return top.isEmpty() ? "" : text(top.get(0));
    }

    /**
     * A frame in a line: {@code relu (nn/functional.py:1469)} for Python, the function without its argument
     * list for C++ ({@code torch::autograd::generated::MulBackward0::apply}).
     */
    public static String text(Frame f) {
        if (isPython(f)) {
            return f.name() + " (" + shortPath(f.filename()) + ":" + f.line() + ")";
        }
        String name = f.name();
        int paren = name.indexOf('(');
        String shown = paren > 0 ? name.substring(0, paren) : name;
        return shown.length() > 120 ? shown.substring(0, 119) + "…" : shown;
    }

    static boolean isPython(Frame f) {
        return f.filename().endsWith(".py");
    }

    private static boolean isMachinery(Frame f) {
        String file = f.filename();
        if (file.endsWith(".c") || file.endsWith(".h")) {
            return true; // the interpreter's own sources
        }
        if (ENTRY_POINTS.contains(f.name())) {
            return true;
        }
        for (String m : MACHINERY) {
            if (f.name().contains(m)) {
                return true;
            }
        }
        return false;
    }

    /** The last two parts of a path: {@code nn/functional.py}. */
    private static String shortPath(String path) {
        String p = path.replace('\\', '/');
        int last = p.lastIndexOf('/');
        if (last < 0) {
            return p;
        }
        int before = p.lastIndexOf('/', last - 1);
        return p.substring(before + 1);
    }
}
