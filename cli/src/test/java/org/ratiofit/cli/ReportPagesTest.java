package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.data.ReadOptions;
import org.ratiofit.validation.toys.ExactOnnxModels;
import org.ratiofit.validation.toys.ExactOnnxModels.Distortion;

/**
 * Every report page the commands write (fit, scan, limit, sample, validate; the demo's in
 * DemoCommandTest) as a reader sees it: no raw Java toString output in the page, and rendered by
 * headless Chromium with a screenshot when Chromium is installed (skipped, saying so, when not).
 */
class ReportPagesTest {

    @TempDir
    static Path tmp;

    static final Map<String, Path> PAGES = new LinkedHashMap<>();

    @BeforeAll
    static void reports() throws Exception {
        ToyWorkspace ws = ToyWorkspace.write(tmp.resolve("ws"), new double[] {1, 0, 0}, 11);
        String dir = ws.dir.toString();
        run("fit", "fit", dir, "--minos", "mu");
        run("scan", "scan", dir, "--points", "5");
        run("limit", "limit", dir, "--plot-points", "4");
        run("sample", "sample", dir, "--chains", "2", "--warmup", "100", "--draws", "100", "--prior", "mu=uniform(-2,10)");
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("x", ToyWorkspace.TOY.sampleBackground(5000, 3));
        Path den = tmp.resolve("reference.csv");
        EventFiles.write(den, new EventTable("reference", cols), ReadOptions.DEFAULT);
        Map<String, double[]> sig = new LinkedHashMap<>();
        sig.put("x", ToyWorkspace.TOY.sampleSignal(5000, 0, 4));
        Path num = tmp.resolve("signal.csv");
        EventFiles.write(num, new EventTable("signal", sig), ReadOptions.DEFAULT);
        Path exact = ExactOnnxModels.gaussianOnExponentialEnsemble(ToyWorkspace.TOY, tmp.resolve("exact"), "goe", List.of(Distortion.EXACT));
        run("validate", "validate", exact.toString(), "--numerator", num.toString(), "--denominator", den.toString());
    }

    static void run(String name, String... args) {
        Path report = tmp.resolve("report-" + name);
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--report", report.toString()))
                .toArray(String[]::new);
        ToyWorkspace.Run r = ToyWorkspace.run(all);
        assertTrue(r.code() == 0 || r.code() == 3, r::toString);
        Path page = report.resolve("index.html");
        assertTrue(Files.isRegularFile(page), name + ": no report page; " + r);
        PAGES.put(name, page);
    }

    @Test
    void theDetectorFindsRawToStringAndOnlyThat() {
        ReportPages.assertNoRawToString("prose", "mu = 1.669 +- 0.379, 68.3% interval [1.297, 2.055]; q(mu) at [0.5, 1]; R-hat 1.001");
        for (String raw : List.of("PosteriorSummary[formatVersion=1, parameters=[ParameterSummary[name=mu, mean=1.2",
                "org.ratiofit.samplers.fit.FitResult@1b2c3d4", "values [D@7a81197d")) {
            assertThrows(AssertionError.class, () -> ReportPages.assertNoRawToString("raw", raw), raw);
        }
    }

    @Test
    void noPageShowsRawToString() throws Exception {
        assertEquals(List.of("fit", "scan", "limit", "sample", "validate"), List.copyOf(PAGES.keySet()));
        for (Path page : PAGES.values()) {
            ReportPages.assertNoRawToString(page.toString(), Files.readString(page));
        }
    }

    @Test
    void everyPageRendersInHeadlessChromium() throws Exception {
        Assumptions.assumeTrue(ReportPages.chromium() != null, ReportPages.NO_CHROMIUM);
        for (Path page : PAGES.values()) {
            assertTrue(ReportPages.check(page), page.toString());
            assertFalse(Files.size(page.resolveSibling("index.png")) == 0, page + ": empty screenshot");
        }
    }
}
