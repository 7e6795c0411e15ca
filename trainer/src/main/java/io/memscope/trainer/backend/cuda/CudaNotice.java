package io.memscope.trainer.backend.cuda;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one-line notice for why CUDA cannot be used: which library is missing or which call failed, and what to do
 * about it. Loading JCuda's natives fails with an {@link UnsatisfiedLinkError} whose long message holds, among
 * nested stack traces, the loader's own line ({@code libcuda.so.1: cannot open shared object file}); that line
 * names the library.
 */
final class CudaNotice {
    private CudaNotice() {}

    static final String FALLBACK = "use --device cpu";

    private static final Pattern MISSING = Pattern.compile("(lib[A-Za-z0-9_+\\-]+\\.so(?:\\.[0-9]+)*): cannot open shared "
            + "object file");

    /** A library the loader could not find, named in the throwable's messages, or null. */
    static String missingLibrary(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            Matcher m = MISSING.matcher(String.valueOf(c.getMessage()));
            if (m.find()) {
                return m.group(1);
            }
        }
        return null;
    }

    /** Why the driver bindings did not load. */
    static String driver(Throwable t) {
        String lib = missingLibrary(t);
        if (lib != null && lib.startsWith("libcuda.so")) {
            return lib + " not found: install the NVIDIA driver or " + FALLBACK;
        }
        if (lib != null) {
            return lib + " not found (JCuda's driver bindings need it): " + FALLBACK;
        }
        if (t instanceof CudaException e) {
            return switch (e.code()) {
                case 100 -> "no CUDA device found (cuInit: CUDA_ERROR_NO_DEVICE): " + FALLBACK;
                case 35 -> "the NVIDIA driver is older than CUDA 12.0, which cuDNN 9 needs "
                        + "(cuInit: CUDA_ERROR_INSUFFICIENT_DRIVER): update the driver or " + FALLBACK;
                case 999 -> "the CUDA driver failed to start (cuInit: CUDA_ERROR_UNKNOWN; is the nvidia kernel module "
                        + "loaded?): " + FALLBACK;
                default -> "CUDA is not usable (" + e.getMessage() + "): " + FALLBACK;
            };
        }
        return "JCuda's driver bindings did not load (" + firstLine(t) + "): " + FALLBACK;
    }

    /** Why cuDNN did not load. */
    static String cudnn(Throwable t) {
        String lib = missingLibrary(t);
        if (lib != null && lib.startsWith("libcudnn")) {
            return lib + " not found: install cuDNN 9 for CUDA 12 and put its lib folder on LD_LIBRARY_PATH, or "
                    + FALLBACK;
        }
        if (lib != null) {
            return lib + " not found (cuDNN needs it beside libcudnn.so.9): " + FALLBACK;
        }
        return "cuDNN 9 did not load (" + firstLine(t) + "): " + FALLBACK;
    }

    /** The platform JCuda's bundled natives are for. */
    static String platform(String os, String arch) {
        boolean linux = os.toLowerCase(java.util.Locale.ROOT).startsWith("linux");
        boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
        return linux && x64 ? null : "the CUDA backend runs on Linux x86-64 only (this is " + os + " " + arch + "): "
                + FALLBACK;
    }

    private static String firstLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip();
    }
}
