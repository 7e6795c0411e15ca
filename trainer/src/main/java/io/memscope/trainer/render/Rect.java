package io.memscope.trainer.render;

/** A rectangle in pixels. */
record Rect(double x, double y, double w, double h) {
    double right() {
        return x + w;
    }

    double bottom() {
        return y + h;
    }

    boolean contains(double px, double py) {
        return px >= x && px < x + w && py >= y && py < y + h;
    }
}
