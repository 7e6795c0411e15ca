package io.memscope.trainer.backend.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the CUDA backend starts: {@link #probe()} lists the devices (for {@code memscope devices} and the
 * window's device picker) or says in one line what is missing; {@link #open} opens one for a run. Nothing here
 * throws on a machine without CUDA: the probe carries the notice, and opening throws
 * {@link CudaUnavailableException} with it.
 */
public final class Cuda {
    private Cuda() {}

    /**
     * What this machine offers.
     *
     * @param devices       the CUDA devices (empty without a driver)
     * @param driverVersion the driver's CUDA version (12040 is 12.4), 0 without a driver
     * @param cudnnVersion  cuDNN's version (90100 is 9.1.0), 0 when it did not load
     * @param notice        why the CUDA backend cannot run, in one line, or null when it can
     */
    public record Probe(List<CudaDevice> devices, int driverVersion, long cudnnVersion, String notice) {
        public Probe {
            devices = List.copyOf(devices);
        }

        public boolean usable() {
            return notice == null;
        }

        /** The driver's CUDA version as people write it: 12040 is {@code 12.4}. */
        public static String cudaVersion(int version) {
            return version / 1000 + "." + version % 1000 / 10;
        }

        /** cuDNN's version as people write it: 90100 is {@code 9.1.0}, 8902 (cuDNN 8 counted majors in 1000s) 8.9.2. */
        public static String cudnnVersion(long version) {
            long major = version >= 10000 ? version / 10000 : version / 1000;
            long rest = version >= 10000 ? version % 10000 : version % 1000;
            return major + "." + rest / 100 + "." + rest % 100;
        }
    }

    /** How the natives are loaded: JCuda's, or a test's. */
    interface Loader {
        DriverApi driver();

        long cudnnVersion();

        CudnnApi cudnn(DriverApi driver);
    }

    static final Loader JCUDA = new Loader() {
        @Override
        public DriverApi driver() {
            return new JCudaDriverApi();
        }

        @Override
        public long cudnnVersion() {
            return JCudnnApi.libraryVersion();
        }

        @Override
        public CudnnApi cudnn(DriverApi driver) {
            return new JCudnnApi((JCudaDriverApi) driver);
        }
    };

    private static Probe probed;

    /** The machine's CUDA devices or the notice, found once per process (loading natives cannot be retried). */
    public static synchronized Probe probe() {
        if (probed == null) {
            probed = probe(JCUDA, System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
        }
        return probed;
    }

    static Probe probe(Loader loader, String os, String arch) {
        String platform = CudaNotice.platform(os, arch);
        if (platform != null) {
            return new Probe(List.of(), 0, 0, platform);
        }
        DriverApi driver;
        int version;
        List<CudaDevice> devices = new ArrayList<>();
        try {
            driver = loader.driver();
            version = driver.driverVersion();
            int count = driver.deviceCount();
            for (int i = 0; i < count; i++) {
                devices.add(driver.device(i));
            }
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | CudaException e) {
            return new Probe(List.of(), 0, 0, CudaNotice.driver(e));
        }
        if (devices.isEmpty()) {
            return new Probe(List.of(), version, 0, "no CUDA device found (the driver sees none): " + CudaNotice.FALLBACK);
        }
        if (devices.stream().noneMatch(CudaDevice::supported)) {
            return new Probe(devices, version, 0, "no CUDA device of compute capability 7.5 or newer, which the kernels "
                    + "need: " + CudaNotice.FALLBACK);
        }
        try {
            long cudnn = loader.cudnnVersion();
            if (cudnn < 90000 || cudnn >= 100000) {
                return new Probe(devices, version, cudnn, "cuDNN " + Probe.cudnnVersion(cudnn) + " was loaded where "
                        + "cuDNN 9 is needed: put cuDNN 9's lib folder first on LD_LIBRARY_PATH, or " + CudaNotice.FALLBACK);
            }
            return new Probe(devices, version, cudnn, null);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return new Probe(devices, version, 0, CudaNotice.cudnn(e));
        }
    }

    /** Opens {@code cuda:ordinal} for a run, or throws {@link CudaUnavailableException} with the notice. */
    public static CudaSession open(int ordinal) {
        return open(probe(), JCUDA, ordinal);
    }

    static CudaSession open(Probe probe, Loader loader, int ordinal) {
        if (!probe.usable()) {
            throw new CudaUnavailableException(probe.notice());
        }
        if (ordinal < 0 || ordinal >= probe.devices().size()) {
            throw new CudaUnavailableException("cuda:" + ordinal + " does not exist: this machine has "
                    + (probe.devices().size() == 1 ? "cuda:0" : "cuda:0 to cuda:" + (probe.devices().size() - 1))
                    + " ('memscope devices' lists them)");
        }
        CudaDevice listed = probe.devices().get(ordinal);
        if (!listed.supported()) {
            throw new CudaUnavailableException(listed.describe() + ": " + CudaNotice.FALLBACK);
        }
        DriverApi driver = loader.driver();
        driver.open(ordinal, Kernels.ptx());
        long before = driver.memoryInfo()[0];
        CudnnApi cudnn;
        try {
            cudnn = loader.cudnn(driver);
        } catch (RuntimeException | Error e) {
            driver.close();
            throw e;
        }
        long after = driver.memoryInfo()[0];
        return new CudaSession(driver, cudnn, driver.device(ordinal), Math.max(0, before - after));
    }
}
