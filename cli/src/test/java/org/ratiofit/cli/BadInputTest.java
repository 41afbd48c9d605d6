package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Bad arguments and files: one clear line on standard error, a non-zero exit code, no stack trace. */
class BadInputTest {

    @TempDir
    static Path tmp;

    static ToyWorkspace ws;

    @BeforeAll
    static void build() throws Exception {
        ws = ToyWorkspace.write(tmp.resolve("ws"), new double[] {1, 0, 0}, 3);
    }

    /** Exactly one line on standard error, containing every fragment, nothing on standard output. */
    static void oneLine(ToyWorkspace.Run r, int code, String... fragments) {
        assertEquals(code, r.code(), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "missing '" + f + "': " + r);
        }
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r::toString);
        assertEquals("", r.out(), r::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fit", "scan", "limit", "significance"})
    void missingWorkspaceDirectoryIsNamed(String command) {
        Path missing = tmp.resolve("no-such-workspace");
        oneLine(ToyWorkspace.run(command, missing.toString()), 1, "ratiofit " + command, missing.toString(), "does not exist");
    }

    @Test
    void unknownParameterInFix() {
        oneLine(ToyWorkspace.run("fit", ws.dir.toString(), "--fix", "nope=1"), 2, "--fix", "unknown parameter 'nope'", "alpha_bkg");
    }

    @Test
    void fixWithoutValueAndOutsideTheBounds() {
        oneLine(ToyWorkspace.run("fit", ws.dir.toString(), "--fix", "mu"), 2, "--fix", "KEY=VALUE", "mu");
        oneLine(ToyWorkspace.run("fit", ws.dir.toString(), "--set", "mu=20"), 2, "mu=20", "outside its bounds");
        oneLine(ToyWorkspace.run("fit", ws.dir.toString(), "--fix", "mu=abc"), 2, "--fix", "abc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0-3", "3:0", "a:b", "0:3:5", ":"})
    void badRangeSyntax(String range) {
        oneLine(ToyWorkspace.run("scan", ws.dir.toString(), "--range", range), 2, "--range", range);
    }

    @Test
    void rangeOutsideTheBoundsAndTooFewPoints() {
        oneLine(ToyWorkspace.run("scan", ws.dir.toString(), "--range", "-5:3"), 2, "leaves the bounds of 'mu'");
        oneLine(ToyWorkspace.run("scan", ws.dir.toString(), "--points", "1"), 2, "--points");
        oneLine(ToyWorkspace.run("scan", ws.dir.toString(), "--poi2", "mu"), 2, "--poi2 must differ");
        oneLine(ToyWorkspace.run("scan", ws.dir.toString(), "--poi", "sigma"), 2, "unknown parameter 'sigma'");
    }

    @Test
    void badOptionValues() {
        oneLine(ToyWorkspace.run("fit", ws.dir.toString(), "--strategy", "3"), 2, "--strategy");
        oneLine(ToyWorkspace.run("fit", ws.dir.toString(), "--minos", "nope"), 2, "--minos", "nope");
        oneLine(ToyWorkspace.run("limit", ws.dir.toString(), "--cl", "1.5"), 2, "--cl", "1.5");
        oneLine(ToyWorkspace.run("limit", ws.dir.toString(), "--statistic", "t"), 2, "--statistic", "qtilde");
        oneLine(ToyWorkspace.run("fit", ws.dir.toString(), "--threads", "0"), 2, "--threads");
        oneLine(ToyWorkspace.run("fit"), 2, "WORKSPACE_DIR");
        oneLine(ToyWorkspace.run("fit", ws.dir.toString(), "--no-such-option"), 2, "--no-such-option");
    }

    @Test
    void unreadableWorkspaceNamesTheFile() throws Exception {
        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken);
        Files.writeString(broken.resolve("workspace.json"), "{ \"format\": \"ratiofit-workspace\", ");
        oneLine(ToyWorkspace.run("fit", broken.toString()), 1, "workspace.json", "not valid JSON");

        Path missingColumn = tmp.resolve("missing-column");
        Files.createDirectories(missingColumn);
        try (var files = Files.list(ws.dir)) {
            for (Path f : files.toList()) {
                Files.copy(f, missingColumn.resolve(f.getFileName()));
            }
        }
        Files.delete(missingColumn.resolve("SR.data.signal.log_ratio.npy"));
        oneLine(ToyWorkspace.run("scan", missingColumn.toString()), 1, "SR.data.signal.log_ratio.npy");

        Path notDir = tmp.resolve("file.txt");
        Files.writeString(notDir, "x");
        oneLine(ToyWorkspace.run("fit", notDir.toString()), 1, "is not a directory");
    }

    @Test
    void debugShowsTheStackTrace() {
        ToyWorkspace.Run r = ToyWorkspace.run("--debug", "fit", tmp.resolve("nowhere").toString());
        assertNotEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("\tat "), r::toString);
        ToyWorkspace.Run s = ToyWorkspace.run("fit", "--debug", tmp.resolve("nowhere").toString());
        assertTrue(s.err().contains("\tat "), s::toString);
    }

    @Test
    void helpDocumentsEverySubcommandAndItsOptions() {
        ToyWorkspace.Run root = ToyWorkspace.run("--help");
        assertEquals(0, root.code());
        for (String c : new String[] {"fit", "scan", "limit", "significance", "Exit codes"}) {
            assertTrue(root.out().contains(c), root::toString);
        }
        String[][] options = {
            {"fit", "--minos", "--fix", "--set", "--strategy", "--threads", "--float32", "--json", "--report", "Examples"},
            {"scan", "--poi", "--range", "--points", "--poi2", "--range2", "--cl", "--no-stat-only", "--plots"},
            {"limit", "--cl", "--statistic", "--mu-max", "--plot-points", "--report"},
            {"significance", "--expected-mu", "--json"},
        };
        for (String[] o : options) {
            ToyWorkspace.Run r = ToyWorkspace.run(o[0], "--help");
            assertEquals(0, r.code(), r::toString);
            for (int i = 1; i < o.length; i++) {
                assertTrue(r.out().contains(o[i]), o[0] + " --help lacks " + o[i] + ":\n" + r.out());
            }
        }
    }
}
