package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * scripts/quiet-jvm.sh, which ./ratiofit, ./ratiofit-spark and examples/run source: the JVM's
 * incubator-module notice, and only it, leaves standard error; standard output, the rest of
 * standard error and the exit status pass through; RATIOFIT_SHOW_JVM_WARNINGS=1 keeps the notice.
 */
class QuietJvmScriptTest {

    private static final Path SCRIPT = Path.of("..", "scripts", "quiet-jvm.sh").toAbsolutePath().normalize();

    /** A stand-in for the JVM: the notice first, then output on both streams, then exit 3. */
    private static final String FAKE_JVM = "printf 'WARNING: Using incubator modules: jdk.incubator.vector\\n' >&2; "
            + "printf 'result\\n'; printf 'progress\\r50%%\\rdone\\n' >&2; "
            + "printf 'WARNING: Using incubator modules again\\n' >&2; exit 3";

    private record Run(int exit, String out, String err) {
    }

    private static Run run(Map<String, String> env, String command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "source \"$0\"; run_quiet_jvm bash -c \"$1\"", SCRIPT.toString(), command);
        pb.environment().remove("RATIOFIT_SHOW_JVM_WARNINGS");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("quiet-jvm", ".out");
        Path err = Files.createTempFile("quiet-jvm", ".err");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            int exit = pb.start().waitFor();
            return new Run(exit, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void dropsTheFirstNoticeOnlyAndKeepsTheExitStatus() throws Exception {
        Run r = run(Map.of(), FAKE_JVM);
        assertEquals(3, r.exit());
        assertEquals("result\n", r.out());
        assertEquals("progress\r50%\rdone\nWARNING: Using incubator modules again\n", r.err());
    }

    @Test
    void keepsTheNoticeWhenAsked() throws Exception {
        Run r = run(Map.of("RATIOFIT_SHOW_JVM_WARNINGS", "1"), FAKE_JVM);
        assertEquals(3, r.exit());
        assertEquals("result\n", r.out());
        assertEquals("WARNING: Using incubator modules: jdk.incubator.vector\nprogress\r50%\rdone\n"
                + "WARNING: Using incubator modules again\n", r.err());
    }

    @Test
    void standardErrorWithoutTheNoticeOrANewlinePassesUnchanged() throws Exception {
        Run r = run(Map.of(), "printf 'error: no workspace' >&2; exit 1");
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertEquals("error: no workspace", r.err());
    }
}
