package io.memscope.app.editor;

import io.memscope.trainer.net.layers.LayerFields;
import java.util.Locale;

/**
 * Field values as the editor's text boxes show them and read them back. Text that is not a number stays text,
 * so the engine's own message says what is wrong ("kernel must be a whole number, got 3x").
 */
final class FieldText {
    private FieldText() {}

    /** The value typed for a field: null (the default) for an empty box, a number, a flag, or the raw text. */
    static Object parse(LayerFields.Kind kind, String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            return null;
        }
        if (kind == LayerFields.Kind.FLAG) {
            if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(t.toLowerCase(Locale.ROOT));
            }
            return t;
        }
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            return t;
        }
    }

    /** A value as text: whole numbers without a decimal point, others as written. */
    static String format(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            return Double.toString(d);
        }
        return String.valueOf(value);
    }
}
