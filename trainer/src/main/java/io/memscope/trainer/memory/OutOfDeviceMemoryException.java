package io.memscope.trainer.memory;

/** An allocation did not fit the device budget. The message says what, how much, and what to try. */
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
        return what + owner + " needs " + Bytes.format(e.requestedBytes()) + ", " + Bytes.format(e.freeBytes())
                + " free, largest block " + Bytes.format(e.largestFreeBytes())
                + "; try a memory-saving --mode, a smaller --batch or a larger --budget";
    }
}
