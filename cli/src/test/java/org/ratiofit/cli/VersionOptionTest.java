package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ratiofit COMMAND --version} prints the version line of {@code ratiofit --version}. */
class VersionOptionTest {

    static String run(String... args) {
        StringWriter out = new StringWriter();
        int code = RatiofitCommand.execute(args, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        assertEquals(0, code, String.join(" ", args));
        return out.toString().strip();
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "build", "inspect", "fit", "scan", "limit", "significance", "sample", "demo", "validate"})
    void everyCommandPrintsTheVersion(String command) {
        String root = run("--version");
        assertTrue(root.startsWith("ratiofit "), root);
        assertEquals(root, run(command, "--version"));
    }
}
