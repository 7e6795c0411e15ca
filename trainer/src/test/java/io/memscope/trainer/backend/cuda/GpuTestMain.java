package io.memscope.trainer.backend.cuda;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintWriter;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Runs the CUDA tests (this package, and the command line's device tests) without Maven, as scripts/gpu-check.sh
 * does on a machine with a GPU and only a Java runtime: one line per test (passed, failed, skipped and why), then
 * JUnit's summary and the failures; exits 1 when a test failed.
 */
public final class GpuTestMain {
    private GpuTestMain() {}

    public static void main(String[] args) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectPackage(GpuTestMain.class.getPackageName()), selectClass("io.memscope.trainer.cli.DeviceCliTest"))
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        TestExecutionListener lines = new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier test, String reason) {
                System.out.println("SKIPPED " + test.getLegacyReportingName() + ": " + reason);
            }

            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (!test.isTest()) {
                    return;
                }
                String why = result.getThrowable().map(t -> ": " + t.getMessage().lines().findFirst().orElse(""))
                        .orElse("");
                String status = switch (result.getStatus()) {
                    case SUCCESSFUL -> "PASSED ";
                    case ABORTED -> "SKIPPED ";
                    case FAILED -> "FAILED ";
                };
                String name = test.getUniqueIdObject().getSegments().stream()
                        .filter(s -> s.getType().equals("class")).map(s -> s.getValue().replaceAll(".*\\.", ""))
                        .findFirst().orElse("") + "." + test.getDisplayName();
                System.out.println(status + name + why);
            }
        };
        launcher.execute(request, summary, lines);
        PrintWriter out = new PrintWriter(System.out, true);
        summary.getSummary().printTo(out);
        summary.getSummary().printFailuresTo(out, 40);
        System.exit(summary.getSummary().getTotalFailureCount() > 0 ? 1 : 0);
    }
}
