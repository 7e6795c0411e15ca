package io.memscope.trainer.export;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import io.memscope.trainer.export.TraceFile.LoadedTrace;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceDetails;
import io.memscope.trainer.memory.TraceInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one trace file as a stream (see {@link TraceFile} for the format); every failure names the source. A
 * checked parser also holds the events to the rules of a recording ({@link TraceChecks}).
 */
final class TraceFileParser {
    private static final Map<String, TraceColumn> COLUMNS_BY_KEY = new HashMap<>();

    static {
        for (TraceColumn c : TraceColumn.values()) {
            COLUMNS_BY_KEY.put(c.key, c);
        }
    }

    private final JsonReader json;
    private final String source;
    private String format;
    private long schema = -1;
    private TraceInfo info;
    private TraceColumn[] columns;
    private List<String> actionNames;
    private List<String> categoryNames;
    private List<String> strings;
    private long eventCount = -1;
    private List<MemoryEvent> events;
    /** The detail tables, as read (frames: file, line, function with strings as indices). */
    private long[][] frameRows;
    private long[][] stackRows;
    private long[] streamValues;
    private TraceDetails details = TraceDetails.NONE;
    private final boolean checked;

    TraceFileParser(JsonReader json, String source, boolean checked) {
        this.json = json;
        this.source = source;
        this.checked = checked;
    }

    LoadedTrace trace() throws IOException {
        JsonToken first = json.peek();
        if (first != JsonToken.BEGIN_OBJECT) {
            throw fail("not a MemScope trace (it starts with " + describe(first) + ", not an object)");
        }
        json.beginObject();
        while (json.hasNext()) {
            String key = json.nextName();
            switch (key) {
                case "format" -> readFormat();
                case "schema" -> readSchema();
                case "info" -> info = readInfo();
                case "columns" -> columns = readColumns();
                case "actions" -> actionNames = readStrings("actions");
                case "categories" -> categoryNames = readStrings("categories");
                case "strings" -> strings = readStrings("strings");
                case "eventCount" -> eventCount = readEventCount();
                case "frames" -> frameRows = readRows("frames");
                case "stacks" -> stackRows = readRows("stacks");
                case "streams" -> streamValues = readNumbers("streams");
                case "events" -> events = readEvents();
                default -> json.skipValue();
            }
        }
        json.endObject();
        if (format == null) {
            throw fail("not a MemScope trace (no \"format\" field)");
        }
        if (schema < 0) {
            throw fail("no \"schema\" field");
        }
        if (info == null) {
            throw fail("no \"info\" object");
        }
        if (events == null) {
            throw fail("no \"events\" array");
        }
        if (eventCount >= 0 && eventCount != events.size()) {
            throw fail("the header says " + eventCount + " events but the file holds " + events.size()
                    + "; the file is damaged");
        }
        try {
            json.peek();
        } catch (MalformedJsonException e) {
            throw fail("unexpected content after the trace object");
        }
        if (checked) {
            TraceChecks.check(source, info, events);
        }
        return new LoadedTrace(info, Collections.unmodifiableList(events), details);
    }

    private long readEventCount() throws IOException {
        if (json.peek() != JsonToken.NUMBER) {
            throw fail("\"eventCount\" is " + describe(json.peek()) + ", not a whole number");
        }
        try {
            return json.nextLong();
        } catch (NumberFormatException e) {
            throw fail("\"eventCount\" is " + rejectedNumber() + ", not a whole number");
        }
    }

    /** The text of the number {@code nextLong} just refused, which the reader keeps as the next value. */
    private String rejectedNumber() {
        try {
            return json.nextString();
        } catch (IOException | RuntimeException e) {
            return "a number";
        }
    }

    /** Fails unless the next value is of {@code expected} kind; {@code what} names it, e.g. {@code "info"}. */
    private void expect(JsonToken expected, String what) throws IOException {
        JsonToken token = json.peek();
        if (token != expected) {
            throw fail(what + " is " + describe(token) + ", not " + describe(expected));
        }
    }

    private void readFormat() throws IOException {
        if (json.peek() != JsonToken.STRING) {
            throw fail("not a MemScope trace (\"format\" is " + describe(json.peek()) + ", not a string)");
        }
        format = json.nextString();
        if (!format.equals(TraceFile.FORMAT)) {
            throw fail("not a MemScope trace (format is '" + format + "', expected '" + TraceFile.FORMAT + "')");
        }
    }

    private void readSchema() throws IOException {
        schema = json.nextLong();
        if (schema > TraceFile.SCHEMA) {
            throw fail("schema " + schema + " is newer than this MemScope reads (" + TraceFile.SCHEMA
                    + "); update MemScope");
        }
        if (schema < 1) {
            throw fail("schema " + schema + " is not a valid schema version");
        }
    }

    private TraceInfo readInfo() throws IOException {
        String network = null;
        String mode = null;
        String backend = null;
        int batch = 0;
        long budgetBytes = 0;
        Map<String, String> extra = new LinkedHashMap<>();
        expect(JsonToken.BEGIN_OBJECT, "\"info\"");
        json.beginObject();
        while (json.hasNext()) {
            switch (json.nextName()) {
                case "network" -> network = nullableString();
                case "mode" -> mode = nullableString();
                case "backend" -> backend = nullableString();
                case "batch" -> batch = json.nextInt();
                case "budgetBytes" -> budgetBytes = json.nextLong();
                case "extra" -> {
                    json.beginObject();
                    while (json.hasNext()) {
                        extra.put(json.nextName(), json.nextString());
                    }
                    json.endObject();
                }
                default -> json.skipValue();
            }
        }
        json.endObject();
        return new TraceInfo(network, mode, backend, batch, budgetBytes, extra);
    }

    private String nullableString() throws IOException {
        if (json.peek() == JsonToken.NULL) {
            json.nextNull();
            return null;
        }
        return json.nextString();
    }

    private List<String> readStrings(String key) throws IOException {
        List<String> out = new ArrayList<>();
        expect(JsonToken.BEGIN_ARRAY, "\"" + key + "\"");
        json.beginArray();
        while (json.hasNext()) {
            if (json.peek() != JsonToken.STRING) {
                throw fail("\"" + key + "\" holds " + describe(json.peek()) + " at index " + out.size()
                        + "; it must hold only strings");
            }
            out.add(json.nextString());
        }
        json.endArray();
        return out;
    }

    private TraceColumn[] readColumns() throws IOException {
        List<String> keys = readStrings("columns");
        TraceColumn[] order = new TraceColumn[keys.size()];
        boolean[] seen = new boolean[TraceColumn.values().length];
        for (int i = 0; i < order.length; i++) {
            TraceColumn c = COLUMNS_BY_KEY.get(keys.get(i));
            if (c == null) {
                throw fail("unknown column '" + keys.get(i) + "' (schema " + TraceFile.SCHEMA + " has "
                        + Arrays.stream(TraceColumn.values()).map(col -> col.key).toList() + ")");
            }
            if (seen[c.ordinal()]) {
                throw fail("column '" + c.key + "' appears twice");
            }
            seen[c.ordinal()] = true;
            order[i] = c;
        }
        for (TraceColumn c : TraceColumn.values()) {
            if (!seen[c.ordinal()] && c.since == 1) {
                throw fail("column '" + c.key + "' is missing from \"columns\"");
            }
        }
        return order;
    }

    private void requireHeader() {
        if (format == null) {
            throw fail("not a MemScope trace (no \"format\" field before \"events\")");
        }
        if (schema < 0) {
            throw fail("no \"schema\" field before \"events\"");
        }
        requireBeforeEvents(columns, "columns");
        requireBeforeEvents(actionNames, "actions");
        requireBeforeEvents(categoryNames, "categories");
        requireBeforeEvents(strings, "strings");
    }

    private void requireBeforeEvents(Object part, String key) {
        if (part == null) {
            throw fail("no \"" + key + "\" before \"events\"");
        }
    }

    private List<MemoryEvent> readEvents() throws IOException {
        requireHeader();
        List<Action> actions = resolve(actionNames, Action.class);
        List<Category> categories = resolve(categoryNames, Category.class);
        List<MemoryEvent> out = new ArrayList<>((int) Math.min(Math.max(eventCount, 16), 1 << 24));
        DetailReader detail = new DetailReader();
        long[] v = new long[TraceColumn.values().length];
        Arrays.fill(v, -1);
        long seq = 0;
        long time = 0;
        expect(JsonToken.BEGIN_ARRAY, "\"events\"");
        json.beginArray();
        while (json.hasNext()) {
            int index = out.size();
            if (json.peek() != JsonToken.BEGIN_ARRAY) {
                throw fail("event " + index + " is " + describe(json.peek()) + ", not a list of values");
            }
            json.beginArray();
            int position = 0;
            while (json.hasNext()) {
                if (position == columns.length) {
                    throw fail("event " + index + " has more than the " + columns.length + " values of \"columns\"");
                }
                TraceColumn column = columns[position++];
                if (json.peek() != JsonToken.NUMBER) {
                    throw fail("event " + index + " has " + describe(json.peek()) + " for column '" + column.key
                            + "', not an integer");
                }
                try {
                    v[column.ordinal()] = json.nextLong();
                } catch (NumberFormatException e) {
                    throw fail("event " + index + " has " + rejectedNumber() + " for column '" + column.key
                            + "', not a 64-bit whole number");
                }
            }
            json.endArray();
            for (int i = position; i < columns.length; i++) {
                if (!columns[i].optional) {
                    throw fail("event " + index + " has no value for column '" + columns[i].key + "'");
                }
                v[columns[i].ordinal()] = -1;
            }
            seq += v[TraceColumn.SEQ.ordinal()];
            time += v[TraceColumn.TIME.ordinal()];
            out.add(new MemoryEvent(seq, time,
                    action(actions, v[TraceColumn.ACTION.ordinal()], index),
                    v[TraceColumn.TENSOR_ID.ordinal()],
                    string(TraceColumn.TENSOR_NAME, v, index),
                    string(TraceColumn.LAYER, v, index),
                    category(categories, v[TraceColumn.CATEGORY.ordinal()], index),
                    v[TraceColumn.OFFSET.ordinal()],
                    v[TraceColumn.BYTES.ordinal()],
                    step(v[TraceColumn.STEP.ordinal()], index),
                    string(TraceColumn.PHASE, v, index),
                    v[TraceColumn.REQUESTED.ordinal()],
                    v[TraceColumn.FREE.ordinal()],
                    v[TraceColumn.LARGEST.ordinal()]));
            detail.event(index, v);
            v[TraceColumn.STACK.ordinal()] = -1;
            v[TraceColumn.STREAM.ordinal()] = -1;
            v[TraceColumn.NOTE.ordinal()] = -1;
        }
        json.endArray();
        details = detail.build(out.size());
        return out;
    }

    /**
     * Collects the events' stacks, streams and notes into {@link TraceDetails}, checking every index against
     * its table. Nothing is kept for the leading events without details, so a trace without any costs nothing.
     */
    private final class DetailReader {
        private TraceDetails.Builder builder;
        private final Map<Long, Integer> notes = new HashMap<>();
        private int given;

        void event(int index, long[] v) {
            long stack = v[TraceColumn.STACK.ordinal()];
            long stream = v[TraceColumn.STREAM.ordinal()];
            long note = v[TraceColumn.NOTE.ordinal()];
            if (builder == null) {
                if (stack == -1 && stream == -1 && note == -1) {
                    return;
                }
                builder = tables();
            }
            for (; given < index; given++) {
                builder.event(-1, -1, -1);
            }
            builder.event(index(stack, builder.stackCount(), "stack", "stacks", index),
                    index(stream, builder.streamCount(), "stream", "streams", index), note(note, index));
            given++;
        }

        TraceDetails build(int events) {
            if (builder == null) {
                return TraceDetails.NONE;
            }
            for (; given < events; given++) {
                builder.event(-1, -1, -1);
            }
            return builder.build();
        }

        private int index(long value, int size, String column, String table, int event) {
            if (value < -1 || value >= size) {
                throw fail("event " + event + " has " + column + " index " + value + ", but \"" + table + "\" has "
                        + size + " entries");
            }
            return (int) value;
        }

        private int note(long value, int event) {
            if (value == -1) {
                return -1;
            }
            if (value < 0 || value >= strings.size()) {
                throw fail("event " + event + " has note index " + value + ", but \"strings\" has " + strings.size()
                        + " entries");
            }
            return notes.computeIfAbsent(value, k -> builder.note(strings.get((int) (long) k)));
        }

        /** The frame, stack and stream tables, checked against each other and the strings. */
        private TraceDetails.Builder tables() {
            TraceDetails.Builder b = new TraceDetails.Builder();
            b.expectEvents((int) Math.min(Math.max(eventCount, 16), 1 << 24));
            long[][] frames = frameRows == null ? new long[0][] : frameRows;
            for (int i = 0; i < frames.length; i++) {
                long[] f = frames[i];
                if (f.length != 3) {
                    throw fail("frame " + i + " has " + f.length + " values; a frame is [file, line, function]");
                }
                for (int k : new int[] {0, 2}) {
                    if (f[k] < 0 || f[k] >= strings.size()) {
                        throw fail("frame " + i + " names string " + f[k] + ", but \"strings\" has " + strings.size()
                                + " entries");
                    }
                }
                if (f[1] < Integer.MIN_VALUE || f[1] > Integer.MAX_VALUE) {
                    throw fail("frame " + i + " has line " + f[1] + ", which is out of range");
                }
                b.frame(new TraceDetails.Frame(strings.get((int) f[0]), (int) f[1], strings.get((int) f[2])));
            }
            long[][] stacks = stackRows == null ? new long[0][] : stackRows;
            for (int i = 0; i < stacks.length; i++) {
                int[] ids = new int[stacks[i].length];
                for (int k = 0; k < ids.length; k++) {
                    long f = stacks[i][k];
                    if (f < 0 || f >= frames.length) {
                        throw fail("stack " + i + " names frame " + f + ", but \"frames\" has " + frames.length
                                + " entries");
                    }
                    ids[k] = (int) f;
                }
                b.stack(ids);
            }
            for (long stream : streamValues == null ? new long[0] : streamValues) {
                b.stream(stream);
            }
            return b;
        }
    }

    /** An array of arrays of whole numbers (the frames and stacks tables). */
    private long[][] readRows(String key) throws IOException {
        List<long[]> rows = new ArrayList<>();
        expect(JsonToken.BEGIN_ARRAY, "\"" + key + "\"");
        json.beginArray();
        while (json.hasNext()) {
            expect(JsonToken.BEGIN_ARRAY, "\"" + key + "\" entry " + rows.size());
            rows.add(readNumbers(key + "\" entry \"" + rows.size()));
        }
        json.endArray();
        return rows.toArray(new long[0][]);
    }

    /** An array of whole numbers. */
    private long[] readNumbers(String key) throws IOException {
        long[] out = new long[8];
        int n = 0;
        expect(JsonToken.BEGIN_ARRAY, "\"" + key + "\"");
        json.beginArray();
        while (json.hasNext()) {
            if (json.peek() != JsonToken.NUMBER) {
                throw fail("\"" + key + "\" holds " + describe(json.peek()) + " at index " + n
                        + "; it must hold only whole numbers");
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            try {
                out[n++] = json.nextLong();
            } catch (NumberFormatException e) {
                throw fail("\"" + key + "\" holds " + rejectedNumber() + " at index " + (n - 1)
                        + ", not a 64-bit whole number");
            }
        }
        json.endArray();
        return Arrays.copyOf(out, n);
    }

    /** Maps the names of a header table to constants; names this version does not know map to null. */
    private static <E extends Enum<E>> List<E> resolve(List<String> names, Class<E> type) {
        Map<String, E> byName = new HashMap<>();
        for (E constant : type.getEnumConstants()) {
            byName.put(constant.name(), constant);
        }
        List<E> out = new ArrayList<>(names.size());
        for (String name : names) {
            out.add(byName.get(name));
        }
        return out;
    }

    private Action action(List<Action> actions, long index, int event) {
        if (index < 0 || index >= actions.size()) {
            throw fail("event " + event + " has action index " + index + ", but \"actions\" has "
                    + actions.size() + " entries");
        }
        Action action = actions.get((int) index);
        if (action == null) {
            throw fail("event " + event + " has unknown action '" + actionNames.get((int) index) + "'");
        }
        return action;
    }

    private Category category(List<Category> categories, long index, int event) {
        if (index == -1) {
            return null;
        }
        if (index < 0 || index >= categories.size()) {
            throw fail("event " + event + " has category index " + index + ", but \"categories\" has "
                    + categories.size() + " entries");
        }
        Category category = categories.get((int) index);
        if (category == null) {
            throw fail("event " + event + " has unknown category '" + categoryNames.get((int) index) + "'");
        }
        return category;
    }

    private String string(TraceColumn column, long[] v, int event) {
        long index = v[column.ordinal()];
        if (index < 0 || index >= strings.size()) {
            throw fail("event " + event + " has " + column.key + " index " + index + ", but \"strings\" has "
                    + strings.size() + " entries");
        }
        return strings.get((int) index);
    }

    private int step(long value, int event) {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw fail("event " + event + " has step " + value + ", which is out of range");
        }
        return (int) value;
    }

    private TraceFormatException fail(String what) {
        return new TraceFormatException(source + ": " + what);
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case BEGIN_ARRAY -> "an array";
            case BEGIN_OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case END_DOCUMENT -> "nothing";
            default -> token.name();
        };
    }
}
