package io.memscope.trainer.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LongIntMapTest {
    @Test
    void behavesLikeAHashMapUnderRandomPutsAndRemoves() {
        LongIntMap map = new LongIntMap();
        Map<Long, Integer> reference = new HashMap<>();
        Random random = new Random(5);
        for (int i = 0; i < 200_000; i++) {
            // A small key space makes probe runs collide and wrap, which is where removal can go wrong.
            long key = random.nextInt(5_000) * (random.nextBoolean() ? 1L : 1L << 33);
            if (random.nextInt(3) == 0) {
                map.remove(key);
                reference.remove(key);
            } else {
                map.put(key, i);
                reference.put(key, i);
            }
            long probe = random.nextInt(5_000);
            assertEquals(reference.getOrDefault(probe, -1), map.get(probe), "key " + probe + " after op " + i);
        }
        for (Map.Entry<Long, Integer> e : reference.entrySet()) {
            assertEquals(e.getValue(), map.get(e.getKey()));
        }
    }
}
