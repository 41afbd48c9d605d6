package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.hipparchus.optim.univariate.UnivariatePointValuePair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.validation.toys.ExactProfile;

/**
 * {@code ratiofit scan} against the toy's exact likelihood: every point of the profiled and the
 * stat-only curve, and the interval ends at 68.3% and 95.4%, computed by ExactProfile; the 2-D
 * grid point by point.
 */
class ScanCommandTest {

    static final long SEED = 23;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static ToyWorkspace ws;
    static ExactProfile exact;
    static UnivariatePointValuePair best;

    @BeforeAll
    static void build() throws Exception {
        ws = ToyWorkspace.write(tmp.resolve("ws"), new double[] {1, 0, 0}, SEED);
        exact = new ExactProfile(ws.exact(), 0);
        best = exact.bestFit(-2, 10);
    }

    @Test
    void oneDimensionalScanMatchesTheExactProfile() throws Exception {
        Path rep = tmp.resolve("scan-report");
        ToyWorkspace.Run r = ToyWorkspace.run("scan", ws.dir.toString(), "--poi", "mu", "--range", "-0.5:3", "--points", "71",
                "--json", "--report", rep.toString());
        assertEquals(0, r.code(), r::toString);
        JsonNode j = JSON.readTree(r.out());
        JsonNode scan = j.get("scan");
        JsonNode stat = j.get("statOnly");
        assertEquals("mu", scan.get("parameter").asText());
        assertEquals(71, scan.get("points").size());
        // stat-only: nuisance parameters frozen at the best fit ratiofit reports, which lies within
        // MIGRAD's EDM tolerance of the exact one (q_stat moves linearly with that offset, so the
        // reference freezes them where ratiofit did)
        double[] hat = exact.conditionalFit(best.getPoint());
        JsonNode fit = j.get("fit");
        for (int k = 1; k <= 2; k++) {
            assertEquals(hat[k], fit.get("values").get(k).asDouble(), 0.01 * fit.get("errors").get(k).asDouble(),
                    "seed " + SEED + ": best-fit nuisance parameter " + k);
        }
        ExactProfile frozen = new ExactProfile(ToyWorkspace.fixed(ws.exact(),
                Map.of(1, fit.get("values").get(1).asDouble(), 2, fit.get("values").get(2).asDouble())), 0);
        for (int i = 0; i < 71; i++) {
            double x = scan.get("points").get(i).asDouble();
            double q = 2 * (exact.profile(x) - best.getValue());
            double qs = 2 * (frozen.profile(x) - best.getValue());
            String ctx = "seed " + SEED + " mu = " + x;
            assertEquals(q, scan.get("q").get(i).asDouble(), 2e-4 * Math.max(1, q), ctx);
            assertEquals(qs, stat.get("q").get(i).asDouble(), 2e-4 * Math.max(1, qs), ctx);
            assertTrue(qs >= q - 1e-6, ctx + ": freezing the nuisance parameters cannot lower q");
        }
        JsonNode intervals = j.get("intervals");
        assertEquals(2, intervals.size(), r::toString);
        double[] probabilities = {ConfidenceLevel.sigma(1).probability(), ConfidenceLevel.sigma(2).probability()};
        for (int k = 0; k < 2; k++) {
            JsonNode in = intervals.get(k);
            assertEquals(probabilities[k], in.get("confidenceLevel").asDouble(), 1e-12);
            double rise = in.get("qLevel").asDouble() / 2;
            double lo = exact.crossing(best.getPoint(), best.getValue(), rise, -0.5);
            double hi = exact.crossing(best.getPoint(), best.getValue(), rise, 3);
            double slo = frozen.crossing(best.getPoint(), best.getValue(), rise, -0.5);
            double shi = frozen.crossing(best.getPoint(), best.getValue(), rise, 3);
            // linear interpolation of sqrt(q) between points 0.05 apart: good to ~1e-3 of the width
            double tol = 2e-3 * (hi - lo);
            String ctx = "seed " + SEED + " CL " + probabilities[k] + ": exact [" + lo + ", " + hi + "], stat-only [" + slo
                    + ", " + shi + "]; " + in;
            assertEquals(lo, in.get("lower").asDouble(), tol, ctx);
            assertEquals(hi, in.get("upper").asDouble(), tol, ctx);
            assertEquals(slo, in.get("statOnlyLower").asDouble(), tol, ctx);
            assertEquals(shi, in.get("statOnlyUpper").asDouble(), tol, ctx);
            assertTrue(shi - slo < hi - lo, ctx + ": the stat-only interval must be the narrower");
        }
        String html = Files.readString(rep.resolve("index.html"));
        assertTrue(html.contains("scan_mu.png") && html.contains("stat-only"), html);
        assertTrue(Files.size(rep.resolve("scan_mu.png")) > 1000);
        assertTrue(Files.readString(rep.resolve("scan_mu.svg")).contains("<svg"));
        assertEquals(rep.resolve("index.html").toString(), j.get("report").asText());
    }

    @Test
    void tableListsPointsAndIntervals() {
        ToyWorkspace.Run r = ToyWorkspace.run("scan", ws.dir.toString(), "--points", "9", "--cl", "0.9,95%");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("q stat-only") && r.out().contains("90.00%") && r.out().contains("95.00%"), r::toString);
        // default range: best fit +- 3 HESSE errors, 9 rows of points
        long rows = r.out().lines().filter(l -> l.matches("^-?[0-9.]+\\s+[0-9.]+\\s+[0-9.]+.*")).count();
        assertEquals(9, rows, r::toString);
    }

    @Test
    void twoDimensionalScanMatchesTheExactProfileOnTheGrid() throws Exception {
        Path plots = tmp.resolve("plots2d");
        ToyWorkspace.Run r = ToyWorkspace.run("scan", ws.dir.toString(), "--poi", "mu", "--range", "0:2", "--points", "9",
                "--poi2", "alpha_bkg", "--range2", "-1.5:1.5", "--points2", "7", "--json", "--plots", plots.toString());
        assertEquals(0, r.code(), r::toString);
        JsonNode j = JSON.readTree(r.out());
        JsonNode s = j.get("scan2d");
        assertEquals("alpha_bkg", s.get("parameterY").asText());
        int inside68 = 0;
        for (int b = 0; b < 7; b++) {
            double y = s.get("y").get(b).asDouble();
            ExactProfile ep = new ExactProfile(ToyWorkspace.fixed(ws.exact(), Map.of(2, y)), 0);
            for (int a = 0; a < 9; a++) {
                double x = s.get("x").get(a).asDouble();
                double q = 2 * (ep.profile(x) - best.getValue());
                assertEquals(q, s.get("q").get(a).get(b).asDouble(), 2e-4 * Math.max(1, q),
                        "seed " + SEED + " (mu, alpha_bkg) = (" + x + ", " + y + ")");
                inside68 += q <= 2.2957 ? 1 : 0;
            }
        }
        assertEquals(inside68, j.get("regions").get(0).get("pointsInside").asInt(), r::toString);
        assertTrue(j.get("regions").get(0).get("contour").size() > 4, r::toString);
        assertTrue(Files.size(plots.resolve("scan_mu_alpha_bkg.png")) > 1000);
        assertTrue(Files.exists(plots.resolve("scan_mu_alpha_bkg.svg")));
    }
}
