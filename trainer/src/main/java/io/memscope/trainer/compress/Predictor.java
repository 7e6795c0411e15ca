package io.memscope.trainer.compress;

/** How {@link ErrorBoundedCompressor} predicts each value from the values already reconstructed before it. */
public enum Predictor {
    /**
     * The previous value in memory order: the left neighbour in a row, the last value of the row before for a
     * row's first value, 0 for the tensor's first value.
     */
    LORENZO_1D(1, "1-D Lorenzo"),
    /**
     * On each H×W plane, left + up − up-left; on the plane's first row the left neighbour (its first value: the
     * previous value in memory order), on its first column the value above. On planes of one row or one column
     * this is the 1-D predictor, and the stream records it as such.
     */
    LORENZO_2D(2, "2-D Lorenzo"),
    /** Per tensor, whichever of the two a trial on a sample of its rows codes in fewer bits. */
    AUTO(0, "automatic");

    final int code;
    private final String label;

    Predictor(int code, String label) {
        this.code = code;
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The predictor a stream names by {@code code}, or null. */
    static Predictor ofCode(int code) {
        return code == 1 ? LORENZO_1D : code == 2 ? LORENZO_2D : null;
    }
}
