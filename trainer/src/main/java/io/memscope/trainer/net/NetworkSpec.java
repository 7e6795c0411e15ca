package io.memscope.trainer.net;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonWriter;
import io.memscope.trainer.io.AtomicFiles;
import io.memscope.trainer.net.layers.LayerFields;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network as written in its JSON file: a name, the input sample shape and an ordered list of layers, each
 * reading named earlier outputs (a DAG). Layer order is execution order, so every input must be defined
 * before it is read.
 *
 * <pre>{@code
 * {"format": "memscope-network", "schema": 1, "name": "LeNet-5",
 *  "input": {"channels": 1, "height": 28, "width": 28},
 *  "layers": [{"name": "conv1", "type": "conv2d", "out_channels": 6, "kernel": 5, "padding": 2}, ...,
 *             {"name": "res1", "type": "add", "inputs": ["conv3", "pool1"]}, ...]}
 * }</pre>
 */
public record NetworkSpec(String name, Shape input, List<LayerSpec> layers) {
    public static final String FORMAT = "memscope-network";
    public static final int SCHEMA = 1;

    public NetworkSpec {
        layers = List.copyOf(layers);
    }

    public static NetworkSpec load(Path file) {
        if (Files.isDirectory(file)) {
            throw new SpecException("", file + ": is a folder, not a network file");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SpecException("", file + ": no such file");
        } catch (IOException e) {
            throw new SpecException("", file + ": cannot read (" + e.getMessage() + ")");
        }
        try {
            return parse(text);
        } catch (SpecException e) {
            throw e.inFile(file.toString());
        }
    }

    public static NetworkSpec parse(String json) {
        if (json.isBlank()) {
            throw new SpecException("", "the file is empty; a network file holds one JSON object (see samples/)");
        }
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            throw new SpecException("", "not valid JSON: " + firstLine(why));
        }
        if (!root.isJsonObject()) {
            throw new SpecException("", "a network file holds one JSON object");
        }
        JsonObject o = root.getAsJsonObject();
        if (o.has("format") && !FORMAT.equals(str(o, "format", ""))) {
            throw new SpecException("", "format is '" + str(o, "format", "") + "', expected '" + FORMAT + "'");
        }
        int schema = o.has("schema") ? integer(o.get("schema"), "schema", "") : SCHEMA;
        if (schema > SCHEMA) {
            throw new SpecException("", "schema " + schema + " is newer than this MemScope reads (" + SCHEMA
                    + "); update MemScope");
        }
        String name = str(o, "name", "network");
        if (!o.has("input") || !o.get("input").isJsonObject()) {
            throw new SpecException("", "missing \"input\": {\"channels\": C, \"height\": H, \"width\": W}");
        }
        JsonObject in = o.getAsJsonObject("input");
        Shape input = new Shape(dim(in, "channels"), dim(in, "height"), dim(in, "width"));
        if (!o.has("layers")) {
            throw new SpecException("", "missing \"layers\": [ ... ]");
        }
        if (!o.get("layers").isJsonArray()) {
            throw new SpecException("", "\"layers\" is " + describe(o.get("layers")) + "; write the layers as a list: "
                    + "\"layers\": [ ... ]");
        }
        JsonArray arr = o.getAsJsonArray("layers");
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            layers.add(parseLayer(arr.get(i), i));
        }
        return new NetworkSpec(name, input, layers);
    }

    private static LayerSpec parseLayer(JsonElement e, int index) {
        String where = "layer " + (index + 1);
        if (!e.isJsonObject()) {
            throw new SpecException(where, "each layer is a JSON object");
        }
        JsonObject o = e.getAsJsonObject();
        String type = str(o, "type", null);
        if (type == null) {
            throw new SpecException(where, "missing \"type\"");
        }
        String name = str(o, "name", type + (index + 1));
        List<String> inputs = new ArrayList<>();
        JsonElement ins = o.get("inputs");
        if (ins != null) {
            if (ins.isJsonPrimitive()) {
                inputs.add(ins.getAsString());
            } else if (ins.isJsonArray()) {
                for (JsonElement x : ins.getAsJsonArray()) {
                    if (!x.isJsonPrimitive()) {
                        throw new SpecException(name, "\"inputs\" lists layer names");
                    }
                    inputs.add(x.getAsString());
                }
            } else {
                throw new SpecException(name, "\"inputs\" is a layer name or a list of them");
            }
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> kv : o.entrySet()) {
            String key = kv.getKey();
            if (key.equals("name") || key.equals("type") || key.equals("inputs")) {
                continue;
            }
            JsonElement v = kv.getValue();
            if (!v.isJsonPrimitive()) {
                throw new SpecException(name, key + " must be a number or true/false");
            }
            JsonPrimitive p = v.getAsJsonPrimitive();
            if (p.isBoolean()) {
                attrs.put(key, p.getAsBoolean());
            } else if (p.isNumber()) {
                double d = p.getAsDouble();
                if (!Double.isFinite(d)) {
                    // 1e400 reads as infinity; say so with the number as written
                    throw new SpecException(name, key + (wholeNumberField(type, key)
                            ? (d > 0 ? " must be at most " + Integer.MAX_VALUE : " must not be negative")
                            : " must be a finite number") + ", got " + p.getAsString());
                }
                attrs.put(key, d);
            } else {
                attrs.put(key, p.getAsString());
            }
        }
        return new LayerSpec(name, type, inputs, attrs);
    }

    private static boolean wholeNumberField(String type, String key) {
        LayerFields.Type t = LayerFields.of(type);
        return t != null && t.fields().stream().anyMatch(f -> f.key().equals(key) && f.kind() == LayerFields.Kind.WHOLE_NUMBER);
    }

    /** "an object", "a list", "a string", ...: what a JSON value is, for messages. */
    private static String describe(JsonElement e) {
        if (e.isJsonObject()) {
            return "an object";
        }
        if (e.isJsonArray()) {
            return "a list";
        }
        if (e.isJsonNull()) {
            return "null";
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        return p.isBoolean() ? "true or false" : p.isNumber() ? "a number" : "a string";
    }

    /** The parser's message without its troubleshooting link and its advice to programmers. */
    private static String firstLine(String message) {
        String m = String.valueOf(message);
        int newline = m.indexOf('\n');
        return (newline < 0 ? m : m.substring(0, newline))
                .replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "unexpected text");
    }

    private static String str(JsonObject o, String key, String fallback) {
        JsonElement e = o.get(key);
        return e == null || !e.isJsonPrimitive() ? fallback : e.getAsString();
    }

    private static int dim(JsonObject o, String key) {
        if (!o.has(key)) {
            throw new SpecException("input", "missing \"" + key + "\"");
        }
        int v = integer(o.get(key), key, "input");
        if (v <= 0) {
            throw new SpecException("input", key + " must be at least 1, got " + v);
        }
        return v;
    }

    private static int integer(JsonElement e, String key, String where) {
        double d;
        try {
            d = e.getAsDouble();
        } catch (RuntimeException ex) {
            d = Double.NaN;
        }
        if (d != Math.rint(d)) {
            throw new SpecException(where, key + " must be a whole number, got " + e);
        }
        if (d > Integer.MAX_VALUE) {
            throw new SpecException(where, key + " must be at most " + Integer.MAX_VALUE + ", got " + e);
        }
        if (d < Integer.MIN_VALUE) {
            throw new SpecException(where, key + " must be at least " + Integer.MIN_VALUE + ", got " + e);
        }
        return (int) d;
    }

    /** The JSON text, in the layout {@link #parse} reads, with a stable key order for clean diffs. */
    public String toJson() {
        StringWriter out = new StringWriter();
        try {
            write(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /** Saves atomically: a failed save leaves the previous file untouched. */
    public void save(Path file) throws IOException {
        AtomicFiles.write(file, this::write);
    }

    private void write(Writer w) throws IOException {
        JsonWriter j = new JsonWriter(w);
        j.setIndent("  ");
        j.beginObject();
        j.name("format").value(FORMAT);
        j.name("schema").value(SCHEMA);
        j.name("name").value(name);
        j.name("input").beginObject();
        j.name("channels").value(input.c());
        j.name("height").value(input.h());
        j.name("width").value(input.w());
        j.endObject();
        j.name("layers").beginArray();
        for (LayerSpec l : layers) {
            j.beginObject();
            j.name("name").value(l.name());
            j.name("type").value(l.type());
            if (!l.inputs().isEmpty()) {
                j.name("inputs").beginArray();
                for (String s : l.inputs()) {
                    j.value(s);
                }
                j.endArray();
            }
            for (Map.Entry<String, Object> kv : l.attrs().entrySet()) {
                j.name(kv.getKey());
                Object v = kv.getValue();
                if (v instanceof Boolean b) {
                    j.value(b);
                } else if (v instanceof Number n) {
                    double d = n.doubleValue();
                    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                        j.value((long) d);
                    } else {
                        j.value(d);
                    }
                } else {
                    j.value(String.valueOf(v));
                }
            }
            j.endObject();
        }
        j.endArray();
        j.endObject();
        j.flush();
        w.write('\n');
    }
}
