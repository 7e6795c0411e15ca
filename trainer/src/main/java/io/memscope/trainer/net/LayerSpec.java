package io.memscope.trainer.net;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One layer as the user wrote it: a name, a type, named inputs and numeric or boolean attributes. Values are
 * checked by the layer that reads them, so messages can say which layer and which field is wrong.
 */
public final class LayerSpec {
    private final String name;
    private final String type;
    private final List<String> inputs;
    private final Map<String, Object> attrs;

    public LayerSpec(String name, String type, List<String> inputs, Map<String, Object> attrs) {
        this.name = name;
        this.type = type;
        this.inputs = List.copyOf(inputs);
        this.attrs = Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
    }

    public String name() {
        return name;
    }

    public String type() {
        return type;
    }

    /** Names of the tensors this layer reads; empty means "the previous layer". */
    public List<String> inputs() {
        return inputs;
    }

    public Map<String, Object> attrs() {
        return attrs;
    }

    public LayerSpec withName(String newName) {
        return new LayerSpec(newName, type, inputs, attrs);
    }

    public LayerSpec withInputs(List<String> newInputs) {
        return new LayerSpec(name, type, newInputs, attrs);
    }

    public LayerSpec with(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(attrs);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return new LayerSpec(name, type, inputs, copy);
    }

    /** Rejects attributes the layer does not know, which usually are typos. */
    public void allowOnly(Set<String> allowed) {
        List<String> unknown = new ArrayList<>();
        for (String key : attrs.keySet()) {
            if (!allowed.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new SpecException(name, "unknown field" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + " for " + aLayer(type) + (allowed.isEmpty() ? " (it takes none)" : " (it takes " + String.join(", ", allowed.stream().sorted().toList()) + ")"));
        }
    }

    /** "a conv2d layer", "an add layer": the type with its article, for messages. */
    public static String aLayer(String type) {
        boolean vowel = !type.isEmpty() && "aeiou".indexOf(Character.toLowerCase(type.charAt(0))) >= 0;
        return (vowel ? "an " : "a ") + type + " layer";
    }

    public int intAttr(String key, int fallback) {
        Object v = attrs.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number num) || num.doubleValue() != Math.rint(num.doubleValue())) {
            throw new SpecException(name, key + " must be a whole number, got " + shown(v));
        }
        double d = num.doubleValue();
        if (d > Integer.MAX_VALUE) {
            throw new SpecException(name, key + " must be at most " + Integer.MAX_VALUE + ", got " + shown(v));
        }
        if (d < Integer.MIN_VALUE) {
            throw new SpecException(name, key + " must be at least " + Integer.MIN_VALUE + ", got " + shown(v));
        }
        return (int) d;
    }

    public int requiredInt(String key) {
        if (!attrs.containsKey(key)) {
            throw new SpecException(name, aLayer(type) + " needs '" + key + "'");
        }
        return intAttr(key, 0);
    }

    /** A whole number of at least 1; required when {@code fallback} is 0. */
    public int positiveInt(String key, int fallback) {
        int v = fallback == 0 ? requiredInt(key) : intAttr(key, fallback);
        if (v <= 0) {
            throw new SpecException(name, key + " must be at least 1, got " + v);
        }
        return v;
    }

    public int nonNegativeInt(String key, int fallback) {
        int v = intAttr(key, fallback);
        if (v < 0) {
            throw new SpecException(name, key + " must not be negative, got " + v);
        }
        return v;
    }

    /** A finite number. */
    public double doubleAttr(String key, double fallback) {
        Object v = attrs.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number num)) {
            throw new SpecException(name, key + " must be a number, got " + shown(v));
        }
        if (!Double.isFinite(num.doubleValue())) {
            throw new SpecException(name, key + " must be a finite number, got " + shown(v));
        }
        return num.doubleValue();
    }

    public boolean boolAttr(String key, boolean fallback) {
        Object v = attrs.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new SpecException(name, key + " must be true or false, got " + shown(v));
    }

    /**
     * A field's value as a message shows it: whole numbers without a decimal point, text as it is, except text
     * that reads as a number, which was quoted in the file and is shown so: {@code "16" (text in quotes; write
     * the number without them)}.
     */
    public static String shown(Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
        if (v instanceof String text && isNumber(text)) {
            return "\"" + text + "\" (text in quotes; write the number without them)";
        }
        return String.valueOf(v);
    }

    private static boolean isNumber(String text) {
        try {
            return Double.isFinite(Double.parseDouble(text.trim()));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
