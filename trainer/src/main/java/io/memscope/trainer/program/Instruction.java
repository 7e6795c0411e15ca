package io.memscope.trainer.program;

import io.memscope.trainer.memory.Action;
import io.memscope.trainer.net.layers.Pass;
import java.util.List;

/** One step of a {@link StepProgram}. Tensors are named; the program's table declares them. */
public sealed interface Instruction {

    /**
     * The tensors this instruction reads or writes, which must be on the device when it runs; empty for those that
     * only move memory (ALLOC, FREE, the swap instructions) or mark a phase.
     */
    default List<String> uses() {
        return List.of();
    }

    /** Obtain device memory for a declared tensor. */
    record Alloc(String tensor) implements Instruction {
        @Override
        public String toString() {
            return "ALLOC " + tensor;
        }
    }

    /** Return a tensor's memory. */
    record Free(String tensor) implements Instruction {
        @Override
        public String toString() {
            return "FREE " + tensor;
        }
    }

    /** Enter a phase (forward, backward, update, eval), optionally of one layer. */
    record Phase(String name, String layer) implements Instruction {
        @Override
        public String toString() {
            return "PHASE " + name + (layer.isEmpty() ? "" : " " + layer);
        }
    }

    /** Copy the next batch of samples and labels from the host into the named tensors. */
    record Load(String input, String labels) implements Instruction {
        @Override
        public List<String> uses() {
            return List.of(input, labels);
        }

        @Override
        public String toString() {
            return "LOAD " + input + ", " + labels;
        }
    }

    /** Record a memory event about a tensor that allocates nothing (e.g. RECOMPUTE). */
    record Mark(Action action, String tensor) implements Instruction {
        @Override
        public List<String> uses() {
            return List.of(tensor);
        }

        @Override
        public String toString() {
            return action + " " + tensor;
        }
    }

    /**
     * Run one pass of one layer over the named tensors; null names are absent roles. See
     * {@link io.memscope.trainer.net.layers.LayerCall} for the roles; {@code rowBand} says the tensors hold a
     * row band of the maps rather than whole maps.
     */
    record Run(int node, String layer, Pass pass, boolean training, List<String> inputs, String output,
               List<String> params, List<String> paramGrads, List<String> saved, String workspace, String gradOut,
               List<String> gradIns, List<Boolean> accumulateIns, boolean accumulateParams, String labels,
               boolean rowBand)
            implements Instruction {

        /** A run over whole maps. */
        public Run(int node, String layer, Pass pass, boolean training, List<String> inputs, String output,
                   List<String> params, List<String> paramGrads, List<String> saved, String workspace,
                   String gradOut, List<String> gradIns, List<Boolean> accumulateIns, boolean accumulateParams,
                   String labels) {
            this(node, layer, pass, training, inputs, output, params, paramGrads, saved, workspace, gradOut, gradIns,
                    accumulateIns, accumulateParams, labels, false);
        }

        @Override
        public List<String> uses() {
            return tensors();
        }

        /** Every tensor this instruction touches. */
        public List<String> tensors() {
            java.util.ArrayList<String> all = new java.util.ArrayList<>(inputs); // may hold nulls: unbound roles
            all.add(output);
            all.addAll(params);
            all.addAll(paramGrads);
            all.addAll(saved);
            all.add(workspace);
            all.add(gradOut);
            all.addAll(gradIns);
            all.add(labels);
            all.removeIf(java.util.Objects::isNull);
            return all;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("RUN ").append(layer).append('.').append(pass.label()).append('(');
            if (pass == Pass.FORWARD) {
                sb.append(String.join(", ", inputs));
                sb.append(") -> ").append(output);
            } else if (pass == Pass.INVERSE) {
                sb.append(output).append(") -> ").append(String.join(", ", inputs));
            } else {
                sb.append(gradOut == null ? "loss" : gradOut).append(") -> ");
                List<String> outs = new java.util.ArrayList<>();
                for (int i = 0; i < gradIns.size(); i++) {
                    if (gradIns.get(i) != null) {
                        outs.add((accumulateIns.get(i) ? "+=" : "") + gradIns.get(i));
                    }
                }
                paramGrads.stream().filter(java.util.Objects::nonNull)
                        .forEach(g -> outs.add((accumulateParams ? "+=" : "") + g));
                sb.append(String.join(", ", outs));
            }
            if (workspace != null) {
                sb.append(" [ws ").append(workspace).append(']');
            }
            return sb.toString();
        }
    }

    /**
     * Copy (or add, with {@code accumulate}) {@code rows} rows of every (sample, channel) plane of {@code src},
     * from row {@code srcRow}, into {@code dst} from row {@code dstRow}; see {@code Backend.copyRows}.
     */
    record CopyRows(String src, int srcRow, String dst, int dstRow, int rows, boolean accumulate)
            implements Instruction {
        @Override
        public List<String> uses() {
            return List.of(src, dst);
        }

        @Override
        public String toString() {
            return "COPY_ROWS " + src + "[" + srcRow + ".." + (srcRow + rows) + ") " + (accumulate ? "+=> " : "-> ")
                    + dst + "[" + dstRow + ".." + (dstRow + rows) + ")";
        }
    }

    /** Set {@code rows} rows of every (sample, channel) plane of a tensor, from row {@code row}, to a value. */
    record FillRows(String tensor, int row, int rows, float value) implements Instruction {
        @Override
        public List<String> uses() {
            return List.of(tensor);
        }

        @Override
        public String toString() {
            return "FILL_ROWS " + tensor + "[" + row + ".." + (row + rows) + ") = " + value;
        }
    }

    /**
     * Compress a tensor into a new COMPRESSED tensor {@code into}, allocated here at the size the stream takes
     * (the codec decides it; on the meta backend, its plan); the tensor then leaves device memory (its block is
     * returned) and may not be used until a DECOMPRESS brings it back.
     */
    record Compress(String tensor, String into) implements Instruction {
        @Override
        public List<String> uses() {
            return List.of(tensor);
        }

        @Override
        public String toString() {
            return "COMPRESS " + tensor + " -> " + into;
        }
    }

    /** Bring a compressed tensor back in a new block, decompressed from {@code from}, which stays until a FREE. */
    record Decompress(String from, String tensor) implements Instruction {
        @Override
        public List<String> uses() {
            return List.of(from);
        }

        @Override
        public String toString() {
            return "DECOMPRESS " + from + " -> " + tensor;
        }
    }

    /** Apply the optimizer to one parameter. */
    record Update(String param, String grad, List<String> state) implements Instruction {
        @Override
        public List<String> uses() {
            List<String> all = new java.util.ArrayList<>(state);
            all.add(0, grad);
            all.add(0, param);
            return all;
        }

        @Override
        public String toString() {
            return "UPDATE " + param + " with " + grad + (state.isEmpty() ? "" : " " + state);
        }
    }

    // ---- out-of-core: the host tier ---------------------------------------------------------------------

    /**
     * Start copying a device tensor to host memory (a host block {@code <tensor>@host} is allocated for it). From
     * here the tensor may not be used; its device block stays until {@link Release}, or {@link Cancel} keeps it.
     */
    record SwapOut(String tensor) implements Instruction {
        @Override
        public String toString() {
            return "SWAP_OUT " + tensor;
        }
    }

    /** Wait until a SWAP_OUT's copy has finished, then return the tensor's device block: it now lives on the host. */
    record Release(String tensor) implements Instruction {
        @Override
        public String toString() {
            return "RELEASE " + tensor;
        }
    }

    /**
     * Keep a tensor whose SWAP_OUT is pending (not released): wait for its copy, drop the host copy; the tensor is
     * usable again where it was, without a copy back (it is needed again before its swap-out was worth it).
     */
    record Cancel(String tensor) implements Instruction {
        @Override
        public String toString() {
            return "CANCEL_SWAP_OUT " + tensor;
        }
    }

    /**
     * Prefetch a tensor that lives on the host: allocate its device block (at a new address) and start the copy
     * back. It may not be used before {@link Await}.
     */
    record SwapIn(String tensor) implements Instruction {
        @Override
        public String toString() {
            return "SWAP_IN " + tensor;
        }
    }

    /** Wait until a SWAP_IN's copy has arrived; the host copy is freed and the tensor is usable. */
    record Await(String tensor) implements Instruction {
        @Override
        public String toString() {
            return "AWAIT " + tensor;
        }
    }
}
