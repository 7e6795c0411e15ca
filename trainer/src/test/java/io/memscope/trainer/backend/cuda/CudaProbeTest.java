package io.memscope.trainer.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the probe says where CUDA is missing in each of its ways, with the loader failing as JCuda's does; and on
 * this machine for real. Every notice is one line that names what is missing and ends with what to do instead.
 */
class CudaProbeTest {
    /** JCuda's message when a native library's dependency is missing, cut to its telling lines. */
    static UnsatisfiedLinkError linkError(String binding, String missing) {
        return new UnsatisfiedLinkError("Error while loading native library \"" + binding + "-12.6.0-linux-x86_64\"\n"
                + "Operating system name: Linux\n---(start of nested stack traces)---\n"
                + "java.lang.UnsatisfiedLinkError: no " + binding + "-12.6.0-linux-x86_64 in java.library.path: /usr/lib\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/lib" + binding + "-12.6.0-linux-x86_64.so: " + missing
                + ": cannot open shared object file: No such file or directory\n---(end of nested stack traces)---");
    }

    /** A loader whose driver and cuDNN behave as given. */
    static Cuda.Loader loader(java.util.function.Supplier<DriverApi> driver, java.util.function.LongSupplier cudnn) {
        return new Cuda.Loader() {
            @Override
            public DriverApi driver() {
                return driver.get();
            }

            @Override
            public long cudnnVersion() {
                return cudnn.getAsLong();
            }

            @Override
            public CudnnApi cudnn(DriverApi d) {
                return new FakeCudnn();
            }
        };
    }

    static Cuda.Probe probe(Cuda.Loader loader) {
        return Cuda.probe(loader, "Linux", "amd64");
    }

    static void assertOneLine(String notice) {
        assertFalse(notice.contains("\n"), notice);
        assertTrue(notice.endsWith("use --device cpu"), notice);
    }

    @Test
    void withoutTheDriver() {
        Cuda.Probe p = probe(loader(() -> {
            throw linkError("JCudaDriver", "libcuda.so.1");
        }, () -> 90100));
        assertFalse(p.usable());
        assertEquals("libcuda.so.1 not found: install the NVIDIA driver or use --device cpu", p.notice());
        assertTrue(p.devices().isEmpty());
    }

    @Test
    void withoutCudnn() {
        Cuda.Probe p = probe(loader(() -> new FakeDriver(16L << 30, 15L << 30, null), () -> {
            throw linkError("JCudnn", "libcudnn.so.9");
        }));
        assertFalse(p.usable());
        assertEquals("libcudnn.so.9 not found: install cuDNN 9 for CUDA 12 and put its lib folder on LD_LIBRARY_PATH, "
                + "or use --device cpu", p.notice());
        assertEquals(1, p.devices().size(), "the devices are listed all the same");
        assertOneLine(p.notice());
    }

    @Test
    void withCudnnButNotItsCublas() {
        Cuda.Probe p = probe(loader(() -> new FakeDriver(16L << 30, 15L << 30, null), () -> {
            throw linkError("JCudnn", "libcublasLt.so.12");
        }));
        assertEquals("libcublasLt.so.12 not found (cuDNN needs it beside libcudnn.so.9): use --device cpu", p.notice());
    }

    @Test
    void withTheWrongCudnn() {
        Cuda.Probe p = probe(loader(() -> new FakeDriver(16L << 30, 15L << 30, null), () -> 8902));
        assertEquals("cuDNN 8.9.2 was loaded where cuDNN 9 is needed: put cuDNN 9's lib folder first on "
                + "LD_LIBRARY_PATH, or use --device cpu", p.notice());
    }

    @Test
    void withoutADeviceOrWithAnOldDriver() {
        Cuda.Probe none = probe(loader(() -> {
            throw new CudaException("cuInit", 100, "CUDA_ERROR_NO_DEVICE");
        }, () -> 90100));
        assertEquals("no CUDA device found (cuInit: CUDA_ERROR_NO_DEVICE): use --device cpu", none.notice());
        Cuda.Probe old = probe(loader(() -> {
            throw new CudaException("cuInit", 35, "CUDA_ERROR_INSUFFICIENT_DRIVER");
        }, () -> 90100));
        assertOneLine(old.notice());
        assertTrue(old.notice().startsWith("the NVIDIA driver is older than CUDA 12.0"), old.notice());
    }

    @Test
    void onAnotherPlatform() {
        Cuda.Probe p = Cuda.probe(loader(() -> {
            throw new AssertionError("no loading off Linux x86-64");
        }, () -> 0), "Mac OS X", "aarch64");
        assertEquals("the CUDA backend runs on Linux x86-64 only (this is Mac OS X aarch64): use --device cpu",
                p.notice());
    }

    @Test
    void withEverything() {
        Cuda.Probe p = probe(loader(() -> new FakeDriver(16L << 30, 15L << 30, null), () -> 90100));
        assertTrue(p.usable());
        assertNull(p.notice());
        assertEquals("12.4", Cuda.Probe.cudaVersion(p.driverVersion()));
        assertEquals("9.1.0", Cuda.Probe.cudnnVersion(p.cudnnVersion()));
        assertEquals("cuda:0  Fake GPU  compute 8.0  16.0 GiB, 15.0 GiB free", p.devices().get(0).describe());
    }

    @Test
    void openingWhatIsNotThereSaysSo() {
        Cuda.Probe missing = probe(loader(() -> {
            throw linkError("JCudaDriver", "libcuda.so.1");
        }, () -> 90100));
        assertEquals(missing.notice(), assertThrows(CudaUnavailableException.class,
                () -> Cuda.open(missing, null, 0)).getMessage());
        Cuda.Loader fine = loader(() -> new FakeDriver(16L << 30, 15L << 30, null), () -> 90100);
        assertEquals("cuda:2 does not exist: this machine has cuda:0 ('memscope devices' lists them)",
                assertThrows(CudaUnavailableException.class, () -> Cuda.open(probe(fine), fine, 2)).getMessage());
    }

    @Test
    void openingLoadsTheKernelsAndMeasuresCudnnsHandle() {
        FakeDriver driver = new FakeDriver(16L << 30, 15L << 30, null);
        Cuda.Loader loader = new Cuda.Loader() {
            @Override
            public DriverApi driver() {
                return driver;
            }

            @Override
            public long cudnnVersion() {
                return 90100;
            }

            @Override
            public CudnnApi cudnn(DriverApi d) {
                driver.takeOutside(3L << 20); // what cudnnCreate takes on a card
                return new FakeCudnn();
            }
        };
        try (CudaSession s = Cuda.open(probe(loader), loader, 0)) {
            assertEquals(3L << 20, s.cudnnHandleBytes());
            assertTrue(driver.calls.get(0).startsWith("open 0 ("), driver.calls.toString());
            assertTrue(s.outsideArena().startsWith("cudnnCreate took 3.0 MiB of device memory outside the arena"),
                    s.outsideArena());
        }
    }

    /** This machine, for real: where no libcuda.so.1 is installed, the notice names it. */
    @Test
    void thisMachine() {
        Cuda.Probe p = Cuda.probe();
        System.out.println("this machine: " + (p.usable() ? p.devices() : p.notice()));
        if (p.usable()) {
            assertFalse(p.devices().isEmpty());
            return;
        }
        assertOneLine(p.notice());
        if (!libcudaInstalled()) {
            assertEquals("libcuda.so.1 not found: install the NVIDIA driver or use --device cpu", p.notice());
        }
    }

    private static boolean libcudaInstalled() {
        List<String> dirs = new ArrayList<>(List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
                "/lib/x86_64-linux-gnu", "/usr/local/cuda/lib64", "/usr/local/cuda/compat"));
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            dirs.addAll(List.of(ld.split(":")));
        }
        return dirs.stream().anyMatch(d -> !d.isEmpty() && Files.exists(Path.of(d, "libcuda.so.1")));
    }
}
