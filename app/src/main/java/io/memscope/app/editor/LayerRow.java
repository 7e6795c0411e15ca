package io.memscope.app.editor;

import io.memscope.trainer.net.NetworkCheck;
import java.util.Locale;

/**
 * One row of the layer table: the layer as written and what the engine makes of it at the current batch size.
 *
 * @param index         position in the file
 * @param name          layer name
 * @param type          layer type
 * @param inputs        the names it reads, comma-separated (the previous layer when not written)
 * @param explicitInputs whether the file names its inputs (a residual or branch connection)
 * @param output        output shape, or empty when unknown
 * @param parameters    trainable parameters
 * @param flops         forward FLOPs for one sample
 * @param outputBytes   bytes of its output at the current batch (0 for views)
 * @param problem       the engine's message when the layer is at fault, else null
 * @param waitsFor      the broken earlier layer this one depends on, else null
 */
public record LayerRow(int index, String name, String type, String inputs, boolean explicitInputs, String output,
                       long parameters, long flops, long outputBytes, String problem, String waitsFor) {
    static LayerRow of(NetworkCheck.LayerResult r, int batch) {
        return new LayerRow(r.index(), r.spec().name(), r.spec().type(), String.join(", ", r.inputs()),
                !r.spec().inputs().isEmpty(), r.isBound() ? r.out().toString() : "", r.parameters(), r.flopsPerSample(),
                r.outputBytes(batch), r.problem(), r.waitsFor());
    }

    public boolean hasProblem() {
        return problem != null;
    }

    public boolean isWaiting() {
        return problem == null && waitsFor != null;
    }

    /** What a tooltip says about the row. */
    public String describe() {
        StringBuilder b = new StringBuilder(name).append(" (").append(type).append(")\nreads ").append(inputs);
        if (!output.isEmpty()) {
            b.append(String.format(Locale.ROOT, "\noutput %s, %,d parameters, %,d FLOPs per sample", output, parameters,
                    flops));
        }
        if (problem != null) {
            b.append("\n\n").append(problem);
        } else if (waitsFor != null) {
            b.append("\n\nnot checked yet: it depends on ").append(waitsFor).append(", which has a problem");
        }
        return b.toString();
    }
}
