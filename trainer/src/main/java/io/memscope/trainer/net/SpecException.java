package io.memscope.trainer.net;

/**
 * A network description that cannot be built. The message names the file (when known), the layer, the
 * numbers involved and what is wrong, e.g. {@code conv3: kernel 5 larger than padded input 4x4}.
 */
public final class SpecException extends RuntimeException {
    private final String layer;

    public SpecException(String layer, String message) {
        super(layer == null || layer.isEmpty() ? message : layer + ": " + message);
        this.layer = layer == null ? "" : layer;
    }

    private SpecException(String layer, String message, Throwable cause) {
        super(message, cause);
        this.layer = layer;
    }

    /** The layer at fault, or empty when the problem is the file as a whole. */
    public String layer() {
        return layer;
    }

    /** The same problem, prefixed with the file it came from. */
    public SpecException inFile(String file) {
        return new SpecException(layer, file + ": " + getMessage(), this);
    }
}
