package io.memscope.trainer.memory;

/**
 * An allocation did not fit the device budget. The message says in which phase, what and how much; what would
 * fit is the caller's to say ({@code io.memscope.trainer.plan.FitAdvice}), in the words of its interface.
 */
public final class OutOfDeviceMemoryException extends RuntimeException {
    private final MemoryEvent event;

    public OutOfDeviceMemoryException(MemoryEvent event) {
        super(describe(event));
        this.event = event;
    }

    public MemoryEvent event() {
        return event;
    }

    static String describe(MemoryEvent e) {
        String what = e.tensorName().isEmpty() ? "a block" : e.tensorName();
        String owner = e.layer().isEmpty() ? "" : " (layer " + e.layer() + ", " + (e.category() == null ? "block" : e.category().name().toLowerCase(java.util.Locale.ROOT)) + ")";
        return Phases.describe(e.phase()) + ": " + what + owner + " needs " + Bytes.format(e.requestedBytes()) + ", "
                + Bytes.format(e.freeBytes()) + " free, largest block " + Bytes.format(e.largestFreeBytes());
    }
}
