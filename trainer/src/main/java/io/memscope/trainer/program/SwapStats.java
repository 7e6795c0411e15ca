package io.memscope.trainer.program;

/**
 * What one training step moved between device and host memory (out-of-core mode).
 *
 * @param bytesToHost   payload bytes copied device → host (SWAP_OUT)
 * @param bytesToDevice payload bytes copied host → device (SWAP_IN)
 * @param swapOuts      swap-outs started
 * @param swapIns       swap-ins (prefetches) started
 * @param cancels       swap-outs cancelled because the tensor was needed again first
 * @param waitNanos     time the step waited for copies (what compute did not hide)
 */
public record SwapStats(long bytesToHost, long bytesToDevice, int swapOuts, int swapIns, int cancels,
                        long waitNanos) {
    public static final SwapStats NONE = new SwapStats(0, 0, 0, 0, 0, 0);

    public long bytesMoved() {
        return bytesToHost + bytesToDevice;
    }

    /** Counts during a step. */
    static final class Counter {
        long toHost;
        long toDevice;
        int swapOuts;
        int swapIns;
        int cancels;
        long waitNanos;

        SwapStats done() {
            return new SwapStats(toHost, toDevice, swapOuts, swapIns, cancels, waitNanos);
        }
    }
}
