package io.memscope.visual.lifetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.memory.Category;
import io.memscope.visual.SyntheticTrace;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifetimeModelTest {
    @Test
    void oneBlockPerLifetimeAndOnlyVisibleOnesAreVisited() {
        LifetimeModel model = new LifetimeModel();
        model.addAll(SyntheticTrace.steps(400, 5, 1000));
        assertEquals(5 + 400 * 5, model.blocks());
        assertEquals(LifetimeModel.OPEN, model.end(0), "parameters stay resident");
        assertEquals(Category.PARAMETER, model.category(0));
        assertTrue(model.end(5) > model.start(5));

        long from = model.start(5 + 200 * 5);
        long to = model.end(5 + 200 * 5 + 4);
        List<Integer> seen = new ArrayList<>();
        model.forEachVisible(from, to, seen::add);
        // The five parameters plus the one step's five activations.
        assertEquals(10, seen.size(), seen.toString());
        int hit = model.blockAt(from, model.offset(5 + 200 * 5));
        assertEquals(5 + 200 * 5, hit);
        assertEquals("layer0.out", model.origin(hit).tensorName());
    }
}
