package io.memscope.trainer.render;

/** Maps the model's x axis ({@code [x0, x1]}) onto pixels {@code [left, left + width]} and back. */
record XScale(double left, double width, long x0, long x1) {
    XScale {
        if (x1 <= x0) {
            throw new IllegalArgumentException("empty viewport [" + x0 + ", " + x1 + "]");
        }
    }

    double px(double x) {
        return left + (x - x0) / (double) (x1 - x0) * width;
    }

    double xAt(double px) {
        return x0 + (px - left) / width * (x1 - x0);
    }
}
