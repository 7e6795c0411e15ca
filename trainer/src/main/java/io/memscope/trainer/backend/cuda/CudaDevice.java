package io.memscope.trainer.backend.cuda;

import io.memscope.trainer.memory.Bytes;
import java.util.Locale;

/**
 * One CUDA device as the driver describes it.
 *
 * @param ordinal    the driver's device number ({@code cuda:0} is 0)
 * @param name       e.g. {@code NVIDIA H200}
 * @param major      compute capability, major
 * @param minor      compute capability, minor
 * @param totalBytes the device's memory
 * @param freeBytes  memory free when it was asked, or -1 when unknown (it needs a context)
 */
public record CudaDevice(int ordinal, String name, int major, int minor, long totalBytes, long freeBytes) {

    /** {@code cuda:0}. */
    public String id() {
        return "cuda:" + ordinal;
    }

    /** The lowest compute capability the kernels' PTX targets (sm_75, Turing). */
    public static final int MIN_CAPABILITY = 75;

    public boolean supported() {
        return major * 10 + minor >= MIN_CAPABILITY;
    }

    /** One line: {@code cuda:0  NVIDIA H200  compute 9.0  140.4 GiB, 139.9 GiB free}. */
    public String describe() {
        String free = freeBytes < 0 ? "" : ", " + Bytes.format(freeBytes) + " free";
        String old = supported() ? "" : " (too old: MemScope's kernels need compute 7.5 or newer)";
        return String.format(Locale.ROOT, "%s  %s  compute %d.%d  %s%s%s", id(), name, major, minor,
                Bytes.format(totalBytes), free, old);
    }
}
