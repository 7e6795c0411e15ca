package io.memscope.trainer.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.memscope.trainer.memory.Action;
import io.memscope.trainer.memory.Category;
import io.memscope.trainer.memory.MemoryEvent;
import io.memscope.trainer.memory.TraceInfo;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Perfetto export of what an imported PyTorch trace adds: reserved memory and blocks pending free. */
class PerfettoImportedTraceTest {
    private static final long MIB = 1 << 20;

    @Test
    void reservedMemoryIsACounterAndAPendingFreeAChildSliceThatStaysResident() throws IOException {
        List<MemoryEvent> e = new ArrayList<>();
        e.add(new MemoryEvent(0, 0, Action.RESERVE, -1, "segment_alloc", "", null, 0, 8 * MIB, -1, "", -1, -1, -1));
        e.add(new MemoryEvent(1, 1000, Action.ALLOC, 0, "relu", "", Category.ACTIVATION, 0, 2 * MIB, -1, "", -1, -1,
                -1));
        e.add(new MemoryEvent(2, 2000, Action.FREE_REQUESTED, 0, "relu", "", Category.ACTIVATION, 0, 2 * MIB, -1, "",
                -1, -1, -1));
        e.add(new MemoryEvent(3, 3000, Action.FREE, 0, "relu", "", Category.ACTIVATION, 0, 2 * MIB, -1, "", -1, -1,
                -1));
        e.add(new MemoryEvent(4, 4000, Action.UNRESERVE, -1, "segment_free", "", null, 0, 8 * MIB, -1, "", -1, -1,
                -1));
        StringWriter out = new StringWriter();
        PerfettoExporter.export(out, new TraceInfo("snap", "PyTorch snapshot", "cuda:0", 0, 0, Map.of()), e);

        List<Long> reserved = new ArrayList<>();
        List<Long> totals = new ArrayList<>();
        List<String> slices = new ArrayList<>();
        for (JsonElement el : JsonParser.parseString(out.toString()).getAsJsonObject().getAsJsonArray("traceEvents")) {
            JsonObject o = el.getAsJsonObject();
            String name = o.get("name").getAsString();
            String ph = o.get("ph").getAsString();
            if (ph.equals("C") && name.equals(PerfettoExporter.RESERVED_COUNTER)) {
                reserved.add(o.getAsJsonObject("args").get("bytes").getAsLong());
            } else if (ph.equals("C") && name.equals(PerfettoExporter.TOTAL_COUNTER)) {
                totals.add(o.getAsJsonObject("args").get("bytes").getAsLong());
            } else if (ph.equals("b") || ph.equals("e")) {
                slices.add(ph + " " + name);
            }
        }
        assertEquals(List.of(8 * MIB, 0L), reserved);
        assertEquals(List.of(0L, 2 * MIB, 0L), totals, "pending free is still resident; the free returns it");
        assertEquals(List.of("b relu", "b pending free", "e pending free", "e relu"), slices);
        assertTrue(out.toString().contains("\"ph\":\"C\""));
    }
}
