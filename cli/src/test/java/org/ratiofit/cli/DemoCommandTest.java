package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end at its reduced size (--fast): every number of its comparison table lies
 * within the stated tolerance of the toy's exact answer, and the work folder holds the events,
 * configuration, ensembles, workspace and report.
 */
class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    void fastDemoAgreesWithTheExactAnswers() throws Exception {
        Path out = dir.resolve("demo");
        ToyWorkspace.Run r = ToyWorkspace.run("demo", "--fast", "--out", out.toString(), "--seed", "1", "--json");
        assertEquals(0, r.code(), r.err() + r.out());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("demo", j.get("command").asText());
        assertEquals(DemoCommand.TOLERANCE_FAST, j.get("tolerance").asDouble());
        List<String> quantities = new ArrayList<>();
        for (JsonNode row : j.get("comparison")) {
            String q = row.get("quantity").asText();
            quantities.add(q);
            double d = row.get("differenceInErrors").asDouble();
            assertTrue(Math.abs(d) <= DemoCommand.TOLERANCE_FAST, q + ": ratiofit " + row.get("ratiofit") + ", exact "
                    + row.get("exact") + ", difference " + d + " errors (seed 1)");
            // the difference is what the row says it is
            assertEquals((row.get("ratiofit").asDouble() - row.get("exact").asDouble()) / row.get("error").asDouble(), d, 1e-12);
        }
        assertTrue(quantities.containsAll(List.of("mu best fit (MIGRAD)", "mu error (HESSE)", "mu MINOS lower error",
                "mu MINOS upper error", "68.3% interval low (scan)", "95.4% interval high (scan)", "68.3% stat-only low (scan)",
                "posterior mean (NUTS)", "posterior sd (NUTS)", "posterior 95% quantile")), quantities.toString());
        assertTrue(j.get("allWithinTolerance").asBoolean());
        assertEquals(3, j.get("training").get("ensembles").size());
        for (String f : List.of("fit.yml", "data/observed.csv", "data/signal_shift_up.csv", "models/signal_vs_background/ensemble.json",
                "models/signal_shift_dn/member-1.onnx", "models/signal_shift_up/diagnostics/report.json", "workspace/workspace.json",
                "report/index.html", "report/scan_mu.png", "report/posterior_mu.svg", "report/closure_signal.png",
                "report/training_loss.png", DemoCommand.MARKER)) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f + " missing");
        }
        String html = Files.readString(out.resolve("report/index.html"));
        assertTrue(html.contains("ratiofit against the exact answer"), "report lacks the comparison table");
        // as a reader sees it: no raw toString (the posterior summary is a table), rendered in Chromium when installed
        assertTrue(html.contains("<th>ESS bulk</th>"), "report lacks the posterior table");
        ReportPages.check(out.resolve("report/index.html"));
    }

    @Test
    void refusesAFolderThatIsNotItsOwn() throws Exception {
        Path other = dir.resolve("precious");
        Files.createDirectories(other);
        Files.writeString(other.resolve("thesis.tex"), "keep me");
        ToyWorkspace.Run r = ToyWorkspace.run("demo", "--fast", "--out", other.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("is not a ratiofit demo folder"), r.err());
        assertTrue(Files.exists(other.resolve("thesis.tex")));
        assertEquals(1, Files.list(other).count());
    }
}
