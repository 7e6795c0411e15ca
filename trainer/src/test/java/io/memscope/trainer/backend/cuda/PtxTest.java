package io.memscope.trainer.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.nvptxcompiler.JNvPTXCompiler;
import jcuda.nvptxcompiler.nvPTXCompilerHandle;
import org.junit.jupiter.api.Test;

/**
 * The committed PTX, checked without a GPU: it declares the ISA and target docs/CUDA.md states, holds every kernel
 * of the source, matches what scripts/build-ptx.sh makes of the source (where nvcc is installed), assembles for
 * sm_75 to sm_90 without register spills (where ptxas is installed), and compiles with JCuda's bundled PTX compiler
 * of CUDA 12.0, which stands for a driver of that age compiling it at load time.
 */
class PtxTest {
    static final String ISA = "8.0";
    static final String TARGET = "sm_75";
    static final List<String> ARCHITECTURES = List.of("sm_75", "sm_80", "sm_86", "sm_89", "sm_90");

    private static String ptx() {
        return new String(Kernels.ptx(), StandardCharsets.US_ASCII);
    }

    @Test
    void declaresItsIsaAndTargetAndHoldsEveryKernel() {
        String ptx = ptx();
        assertTrue(ptx.contains("\n.version " + ISA + "\n"), "PTX ISA " + ISA + " (docs/CUDA.md)");
        assertTrue(ptx.contains("\n.target " + TARGET + "\n"), "target " + TARGET);
        Set<String> entries = new TreeSet<>();
        Matcher m = Pattern.compile("\\.visible \\.entry (\\w+)\\(").matcher(ptx);
        while (m.find()) {
            entries.add(m.group(1));
        }
        assertEquals(new TreeSet<>(KernelSource.signatures().keySet()), entries, "kernels of the source vs the PTX");
    }

    @Test
    void isWhatTheBuildScriptMakesOfTheSource() throws Exception {
        assumeTrue(onPath("nvcc"), "nvcc is not installed: the committed PTX is checked as it is");
        Path out = Files.createTempFile("memscope", ".ptx");
        try {
            Process p = new ProcessBuilder("nvcc", "-ptx", "-arch=compute_75", "-O3", "-fmad=false", "-o", out.toString(),
                    KernelSource.source().toString()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, "nvcc failed:\n" + log);
            String fresh = Files.readString(out).replaceFirst("(?m)^\\.version [0-9.]+$", ".version " + ISA);
            String committed = ptx();
            // the committed file starts with two lines saying how it was made
            String body = committed.substring(committed.indexOf('\n', committed.indexOf('\n') + 1) + 1);
            assertEquals(fresh, body, "resources/cuda/memscope_kernels.ptx is out of date: run scripts/build-ptx.sh");
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Test
    void assemblesForEveryArchitectureWithoutSpills() throws Exception {
        assumeTrue(onPath("ptxas"), "ptxas is not installed");
        for (String arch : ARCHITECTURES) {
            Process p = new ProcessBuilder("ptxas", "-arch=" + arch, "-v", KernelSource.ptx().toString(), "-o",
                    "/dev/null").redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, "ptxas " + arch + " failed:\n" + log);
            List<String> spills = new ArrayList<>();
            Matcher m = Pattern.compile("(\\d+) bytes spill stores, (\\d+) bytes spill loads").matcher(log);
            int reports = 0;
            while (m.find()) {
                reports++;
                if (!m.group(1).equals("0") || !m.group(2).equals("0")) {
                    spills.add(m.group());
                }
            }
            assertEquals(KernelSource.signatures().size(), reports, "one report per kernel from ptxas " + arch);
            if (!spills.isEmpty()) {
                fail(arch + ": register spills " + spills + "\n" + log);
            }
            System.out.println("ptxas " + arch + ": " + reports + " kernels, no spills");
        }
    }

    @Test
    void compilesWithThePtxCompilerOfCuda12() {
        int[] major = new int[1];
        int[] minor = new int[1];
        try {
            JNvPTXCompiler.nvPTXCompilerGetVersion(major, minor);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            assumeTrue(false, "JCuda's PTX compiler does not load here: " + e.getMessage().lines().findFirst().orElse(""));
        }
        System.out.println("JNvPTXCompiler " + major[0] + "." + minor[0]);
        byte[] ptx = Kernels.ptx();
        for (String arch : List.of("sm_75", "sm_90")) {
            nvPTXCompilerHandle handle = new nvPTXCompilerHandle();
            assertEquals(0, JNvPTXCompiler.nvPTXCompilerCreate(handle, ptx.length, ptx), "nvPTXCompilerCreate");
            int result = JNvPTXCompiler.nvPTXCompilerCompile(handle, 1, new String[] {"--gpu-name=" + arch});
            if (result != 0) {
                long[] size = new long[1];
                JNvPTXCompiler.nvPTXCompilerGetErrorLogSize(handle, size);
                byte[] log = new byte[(int) size[0] + 1];
                JNvPTXCompiler.nvPTXCompilerGetErrorLog(handle, log);
                fail("CUDA " + major[0] + "." + minor[0] + "'s PTX compiler refuses the PTX for " + arch + ": "
                        + new String(log, StandardCharsets.UTF_8).trim());
            }
            long[] size = new long[1];
            JNvPTXCompiler.nvPTXCompilerGetCompiledProgramSize(handle, size);
            assertTrue(size[0] > 0, "a compiled program for " + arch);
            JNvPTXCompiler.nvPTXCompilerDestroy(handle);
        }
    }

    static boolean onPath(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
