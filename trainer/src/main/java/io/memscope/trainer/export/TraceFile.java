package io.memscope.trainer.export;

import com.google.gson.FormattingStyle;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import com.google.gson.stream.MalformedJsonException;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceDetails;
import io.memscope.trainer.memory.TraceInfo;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * MemScope's own trace file, from which a recording is replayed exactly. It is JSON, written and read as a
 * stream so that traces of millions of events need no object tree:
 *
 * <pre>
 * {"format":"memscope-trace",
 * "schema":2,
 * "info":{"network":"vgg16","mode":"baseline","backend":"cpu","batch":32,"budgetBytes":4294967296,"extra":{}},
 * "columns":["seq.delta","timeNs.delta","action","tensorId","tensorName","layer","category","offset","bytes",
 *            "step","phase","stack","stream","note","requestedBytes","freeBytes","largestFreeBytes"],
 * "actions":["ALLOC","FREE",...],
 * "categories":["INPUT","PARAMETER",...],
 * "strings":["conv1.out","conv1","forward",...],
 * "frames":[[3,1469,4],...],            (only when events have stacks)
 * "stacks":[[0,1,2],...],
 * "streams":[0,94330113408],
 * "eventCount":2,
 * "events":[
 * [0,1200,0,0,0,1,4,0,1048576,0,2],
 * [1,850,1,0,0,1,4,0,1048576,0,2]
 * ]}
 * </pre>
 *
 * <ul>
 *   <li>Every key except {@code info} and {@code eventCount} must come before {@code events}. Unknown keys are
 *       skipped, so a later writer may add keys without a new schema; a change of meaning raises the schema.
 *   <li>Each event is an array of integers in {@code columns} order (readers go by the names, not the order).
 *   <li>A {@code .delta} column holds the difference to the previous event's value (the first event: to 0);
 *       sequence numbers and timestamps grow steadily, so their deltas are short.
 *   <li>{@code action} and {@code category} index {@code actions} and {@code categories} (category -1: none);
 *       {@code tensorName}, {@code layer} and {@code phase} index the {@code strings} table, which holds each
 *       distinct string once.
 *   <li>A row may end before {@code stack}, {@code stream}, {@code note}, {@code requestedBytes}, {@code
 *       freeBytes} and {@code largestFreeBytes} when they are trailing; the missing values are -1. Only OOM
 *       events carry the last three.
 *   <li>{@code stack}, {@code stream} and {@code note} are what an imported trace knows about each event
 *       ({@link TraceDetails}): an index into {@code stacks} (each a list of indices into {@code frames},
 *       innermost first; a frame is {@code [file, line, function]} with file and function in {@code strings}),
 *       an index into {@code streams}, and a note in {@code strings}; -1 for none. A trace without them leaves
 *       the three tables out.
 *   <li>Schema 2 added those three columns and tables, and the actions FREE_REQUESTED, RESERVE and UNRESERVE
 *       and the category UNKNOWN. Schema 1 files read as before: their events have no details.
 *   <li>One event per line, so the file stays usable with line-based tools.
 *   <li>The events keep the rules of a recording, which reading checks ({@link TraceChecks}): sequence numbers
 *       grow, times never go back, blocks lie inside the budget, a tensor is freed once, after its allocation.
 * </ul>
 *
 * A file name ending in {@code .gz} is written gzip-compressed; gzip input is recognised by its content.
 */
public final class TraceFile {
    public static final String FORMAT = "memscope-trace";
    public static final int SCHEMA = 2;

    private static final FormattingStyle ON_NEW_LINE = FormattingStyle.COMPACT.withNewline("\n").withIndent("");
    private static final FormattingStyle INLINE = FormattingStyle.COMPACT;

    /** A trace as read from a file, with what it knows about each event beyond the event (often nothing). */
    public record LoadedTrace(TraceInfo info, List<MemoryEvent> events, TraceDetails details) {
        public LoadedTrace {
            details = details == null ? TraceDetails.NONE : details;
        }

        public LoadedTrace(TraceInfo info, List<MemoryEvent> events) {
            this(info, events, TraceDetails.NONE);
        }
    }

    private TraceFile() {}

    public static void write(Path file, TraceInfo info, List<MemoryEvent> events) throws IOException {
        write(file, info, events, TraceDetails.NONE);
    }

    /** Writes the trace and its events' details (stacks, streams, notes) atomically. */
    public static void write(Path file, TraceInfo info, List<MemoryEvent> events, TraceDetails details)
            throws IOException {
        ExportFiles.writeText(file, writer -> write(writer, info, events, details));
    }

    /** Writes the trace to {@code out} and flushes it; the writer stays open. */
    public static void write(Writer out, TraceInfo info, List<MemoryEvent> events) throws IOException {
        write(out, info, events, TraceDetails.NONE);
    }

    /** Writes the trace and its details to {@code out} and flushes it; the writer stays open. */
    public static void write(Writer out, TraceInfo info, List<MemoryEvent> events, TraceDetails details)
            throws IOException {
        if (details.eventCount() > events.size()) {
            throw new IllegalArgumentException("details for " + details.eventCount() + " events, but the trace has "
                    + events.size());
        }
        Map<String, Integer> strings = internStrings(events, details);
        JsonWriter json = new JsonWriter(out);
        json.setFormattingStyle(INLINE);
        json.beginObject();
        json.name("format").value(FORMAT);
        onNewLine(json).name("schema").value(SCHEMA);
        writeInfo(onNewLine(json).name("info"), info);
        onNewLine(json).name("columns").beginArray();
        inline(json);
        for (TraceColumn c : TraceColumn.values()) {
            json.value(c.key);
        }
        json.endArray();
        onNewLine(json).name("actions").beginArray();
        inline(json);
        for (Action a : Action.values()) {
            json.value(a.name());
        }
        json.endArray();
        onNewLine(json).name("categories").beginArray();
        inline(json);
        for (Category c : Category.values()) {
            json.value(c.name());
        }
        json.endArray();
        onNewLine(json).name("strings").beginArray();
        inline(json);
        for (String s : strings.keySet()) {
            json.value(s);
        }
        json.endArray();
        if (!details.isEmpty()) {
            writeDetailTables(json, details, strings);
        }
        onNewLine(json).name("eventCount").value(events.size());
        onNewLine(json).name("events").beginArray();
        writeEvents(json, events, details, strings);
        onNewLine(json).endArray();
        json.endObject();
        json.flush();
        out.write('\n');
        out.flush();
    }

    public static LoadedTrace read(Path file) throws IOException {
        String source = file.toString();
        if (Files.size(file) == 0) {
            throw new TraceFormatException(source + ": the file is empty; a MemScope trace is one JSON object");
        }
        try (InputStream raw = Files.newInputStream(file)) {
            InputStream in = new BufferedInputStream(raw, ExportFiles.BUFFER_SIZE);
            if (startsWithGzipMagic(in)) {
                in = new GZIPInputStream(in, ExportFiles.BUFFER_SIZE);
            }
            return read(new InputStreamReader(in, StandardCharsets.UTF_8), source);
        } catch (EOFException | ZipException e) {
            throw new TraceFormatException(source + ": damaged or truncated gzip data: " + firstLine(e), e);
        }
    }

    /**
     * Reads a trace from {@code in}; {@code source} names it in error messages.
     *
     * @throws TraceFormatException when the content is not a trace this version reads, or its events break the
     *     rules of a recording (a negative size, a time going back, a tensor freed twice: {@link TraceChecks})
     */
    public static LoadedTrace read(Reader in, String source) throws IOException {
        return read(in, source, true);
    }

    /** Reads the encoding alone, whatever the values: for tests of the format itself. */
    static LoadedTrace readUnchecked(Reader in, String source) throws IOException {
        return read(in, source, false);
    }

    private static LoadedTrace read(Reader in, String source, boolean checked) throws IOException {
        JsonReader json = new JsonReader(in);
        try {
            return new TraceFileParser(json, source, checked).trace();
        } catch (MalformedJsonException e) {
            throw new TraceFormatException(source + ": not valid JSON: " + firstLine(e), e);
        } catch (EOFException e) {
            throw new TraceFormatException(source + ": ends too early, the file is truncated: " + firstLine(e), e);
        } catch (ZipException e) {
            throw new TraceFormatException(source + ": damaged gzip data: " + firstLine(e), e);
        } catch (IllegalStateException | NumberFormatException e) {
            // JsonReader reports a value of the wrong type this way; its message holds the JSON path.
            throw new TraceFormatException(source + ": " + firstLine(e), e);
        }
    }

    private static Map<String, Integer> internStrings(List<MemoryEvent> events, TraceDetails details) {
        Map<String, Integer> strings = new LinkedHashMap<>();
        for (MemoryEvent e : events) {
            strings.putIfAbsent(e.tensorName(), strings.size());
            strings.putIfAbsent(e.layer(), strings.size());
            strings.putIfAbsent(e.phase(), strings.size());
        }
        for (TraceDetails.Frame f : details.frames()) {
            strings.putIfAbsent(f.filename(), strings.size());
            strings.putIfAbsent(f.name(), strings.size());
        }
        for (String note : details.notes()) {
            strings.putIfAbsent(note, strings.size());
        }
        return strings;
    }

    private static void writeDetailTables(JsonWriter json, TraceDetails details, Map<String, Integer> strings)
            throws IOException {
        onNewLine(json).name("frames").beginArray();
        for (TraceDetails.Frame f : details.frames()) {
            onNewLine(json).beginArray();
            inline(json);
            json.value(strings.get(f.filename())).value(f.line()).value(strings.get(f.name()));
            json.endArray();
        }
        onNewLine(json).endArray();
        onNewLine(json).name("stacks").beginArray();
        for (int s = 0; s < details.stackCount(); s++) {
            onNewLine(json).beginArray();
            inline(json);
            for (int f : details.stackFrames(s)) {
                json.value(f);
            }
            json.endArray();
        }
        onNewLine(json).endArray();
        onNewLine(json).name("streams").beginArray();
        inline(json);
        for (int s = 0; s < details.streamCount(); s++) {
            json.value(details.stream(s));
        }
        json.endArray();
    }

    private static void writeInfo(JsonWriter json, TraceInfo info) throws IOException {
        json.beginObject();
        inline(json);
        json.name("network").value(info.network());
        json.name("mode").value(info.mode());
        json.name("backend").value(info.backend());
        json.name("batch").value(info.batch());
        json.name("budgetBytes").value(info.budgetBytes());
        json.name("extra").beginObject();
        for (Map.Entry<String, String> e : new TreeMap<>(info.extra()).entrySet()) {
            json.name(e.getKey()).value(e.getValue());
        }
        json.endObject();
        json.endObject();
    }

    private static void writeEvents(JsonWriter json, List<MemoryEvent> events, TraceDetails details,
                                    Map<String, Integer> strings) throws IOException {
        TraceColumn[] columns = TraceColumn.values();
        long[] row = new long[columns.length];
        long previousSeq = 0;
        long previousTime = 0;
        int index = 0;
        for (MemoryEvent e : events) {
            int noteIndex = details.noteIndexOf(index);
            row[TraceColumn.STACK.ordinal()] = details.stackOf(index);
            row[TraceColumn.STREAM.ordinal()] = details.streamOf(index);
            row[TraceColumn.NOTE.ordinal()] = noteIndex < 0 ? -1 : strings.get(details.notes().get(noteIndex));
            index++;
            row[TraceColumn.SEQ.ordinal()] = e.seq() - previousSeq;
            row[TraceColumn.TIME.ordinal()] = e.timeNs() - previousTime;
            row[TraceColumn.ACTION.ordinal()] = e.action().ordinal();
            row[TraceColumn.TENSOR_ID.ordinal()] = e.tensorId();
            row[TraceColumn.TENSOR_NAME.ordinal()] = strings.get(e.tensorName());
            row[TraceColumn.LAYER.ordinal()] = strings.get(e.layer());
            row[TraceColumn.CATEGORY.ordinal()] = e.category() == null ? -1 : e.category().ordinal();
            row[TraceColumn.OFFSET.ordinal()] = e.offset();
            row[TraceColumn.BYTES.ordinal()] = e.bytes();
            row[TraceColumn.STEP.ordinal()] = e.step();
            row[TraceColumn.PHASE.ordinal()] = strings.get(e.phase());
            row[TraceColumn.REQUESTED.ordinal()] = e.requestedBytes();
            row[TraceColumn.FREE.ordinal()] = e.freeBytes();
            row[TraceColumn.LARGEST.ordinal()] = e.largestFreeBytes();
            previousSeq = e.seq();
            previousTime = e.timeNs();

            int length = row.length;
            while (length > 0 && columns[length - 1].optional && row[length - 1] == -1) {
                length--;
            }
            onNewLine(json).beginArray();
            inline(json);
            for (int i = 0; i < length; i++) {
                json.value(row[i]);
            }
            json.endArray();
        }
    }

    /** The next name or array element starts on a new line (names are written when their value starts). */
    private static JsonWriter onNewLine(JsonWriter json) {
        json.setFormattingStyle(ON_NEW_LINE);
        return json;
    }

    private static JsonWriter inline(JsonWriter json) {
        json.setFormattingStyle(INLINE);
        return json;
    }

    private static boolean startsWithGzipMagic(InputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b;
    }

    /** The reader's message without its troubleshooting link and its advice to programmers. */
    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON",
                "unexpected text");
    }
}
