package io.memscope.trainer.net;

import io.memscope.trainer.memory.Dims;

/** The shape of one sample flowing between layers: channels × height × width (features are c×1×1). */
public record Shape(int c, int h, int w) {
    public int elements() {
        return Math.toIntExact((long) c * h * w);
    }

    public Dims batch(int n) {
        return new Dims(n, c, h, w);
    }

    public boolean isSpatial() {
        return h > 1 || w > 1;
    }

    @Override
    public String toString() {
        return c + "x" + h + "x" + w;
    }
}
