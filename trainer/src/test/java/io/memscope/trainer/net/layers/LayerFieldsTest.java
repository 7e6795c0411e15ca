package io.memscope.trainer.net.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.net.LayerSpec;
import io.memscope.trainer.net.Shape;
import io.memscope.trainer.net.SpecException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The field schema an editor shows is the one the layers apply. */
class LayerFieldsTest {
    @Test
    void everyLayerTypeHasItsFieldsListed() {
        assertEquals(Layers.types(), LayerFields.all().stream().map(LayerFields.Type::name).toList());
        assertNull(LayerFields.of("wobble"));
    }

    @Test
    void aNewLayerOfEveryTypeBuildsFromItsStarterValues() {
        for (LayerFields.Type t : LayerFields.all()) {
            LayerSpec spec = new LayerSpec("x", t.name(), List.of(), t.starterValues());
            Layer layer = Layers.create(spec);
            List<Shape> in = layer.isLoss() ? List.of(new Shape(10, 1, 1))
                    : java.util.Collections.nCopies(layer.minInputs(), new Shape(4, 8, 8));
            layer.bind(in);
            for (LayerFields.Field f : t.fields()) {
                assertTrue(f.required() == f.defaultText().isEmpty(), t.name() + "." + f.key() + " has a default or is required");
            }
        }
    }

    @Test
    void everyListedFieldIsAcceptedAndAnythingElseIsRejected() {
        for (LayerFields.Type t : LayerFields.all()) {
            Map<String, Object> all = new HashMap<>(t.starterValues());
            for (LayerFields.Field f : t.fields()) {
                all.putIfAbsent(f.key(), switch (f.kind()) {
                    case WHOLE_NUMBER -> 1.0;
                    case NUMBER -> 0.25;
                    case FLAG -> true;
                });
            }
            Layers.create(new LayerSpec("x", t.name(), List.of(), all));
            all.put("typo", 1.0);
            SpecException e = assertThrows(SpecException.class,
                    () -> Layers.create(new LayerSpec("x", t.name(), List.of(), all)));
            assertTrue(e.getMessage().contains("unknown field typo"), e.getMessage());
        }
    }

    @Test
    void requiredFieldsAreRequired() {
        for (LayerFields.Type t : LayerFields.all()) {
            for (LayerFields.Field f : t.fields()) {
                if (f.required()) {
                    Map<String, Object> values = new HashMap<>(t.starterValues());
                    values.remove(f.key());
                    SpecException e = assertThrows(SpecException.class,
                            () -> Layers.create(new LayerSpec("x", t.name(), List.of(), values)), t.name() + "." + f.key());
                    assertTrue(e.getMessage().contains("'" + f.key() + "'"), e.getMessage());
                }
            }
        }
    }
}
