package io.memscope.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.backend.cuda.Cuda;
import io.memscope.trainer.train.TrainConfig;
import org.junit.jupiter.api.Test;

/** {@code devices} and {@code --device}: the CPU always, CUDA where it can run, and one line where it cannot. */
class DeviceCliTest {
    record Result(int code, String out, String err) {}

    /** The command line run in this process (its own helper, so that scripts/gpu-bundle.sh carries this class alone). */
    static Result run(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = new MemScopeCli(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8)).run(args);
        return new Result(code, out.toString(java.nio.charset.StandardCharsets.UTF_8),
                err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    static String lenet() {
        return TestPaths.sample("lenet5").toString();
    }

    @Test
    void devicesListsTheCpuAndEachCudaDeviceOrWhyThereIsNone() {
        Result r = run("devices");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("cpu     cpu, "), r.out());
        Cuda.Probe probe = Cuda.probe();
        if (probe.usable()) {
            assertTrue(r.out().contains("cuda:0  "), r.out());
        } else {
            assertTrue(r.out().contains("\ncuda: " + probe.notice() + "\n"), r.out());
        }
    }

    @Test
    void theDeviceFlagIsCheckedAsWritten() {
        Result r = run("train", lenet(), "--device", "tpu");
        assertEquals(2, r.code());
        assertEquals("memscope: --device: the device is cpu, cuda or cuda:N ('memscope devices' lists them), got 'tpu'\n",
                r.err());
        assertEquals("cuda:1", MemScopeCli.configFor(lenet(), "--device", "cuda:1").device());
        assertEquals("cuda:0", MemScopeCli.configFor(lenet(), "--device", "cuda").device());
        TrainConfig cpu = MemScopeCli.configFor(lenet());
        assertEquals("cpu", cpu.device(), "the CPU unless asked");
    }

    @Test
    void withoutCudaTrainAndPlanOnItSayWhyInOneLineAndTheCpuStillRuns() {
        Cuda.Probe probe = Cuda.probe();
        if (probe.usable()) {
            return; // a machine with a GPU trains there: CudaTrainingGpuTest
        }
        for (String command : new String[] {"train", "plan"}) {
            Result r = run(command, lenet(), "--device", "cuda", "--batch", "8");
            assertEquals(1, r.code(), command + ": " + r.out() + r.err());
            assertEquals("memscope: " + probe.notice() + "\n", r.err(), command);
        }
        Result cpu = run("train", lenet(), "--device", "cpu", "--steps", "2", "--batch", "8", "--eval",
                "0");
        assertEquals(0, cpu.code(), cpu.err());
        assertTrue(cpu.out().contains("device: cpu, "), cpu.out());
    }
}
