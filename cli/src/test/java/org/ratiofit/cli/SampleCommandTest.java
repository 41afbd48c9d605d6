package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.objective.Objective;

/**
 * {@code ratiofit sample} on the toy workspace: with the nuisance parameters fixed the posterior of
 * the signal strength is one-dimensional, and its mean and standard deviation are integrated on a
 * grid from the toy's exact likelihood (flat prior, then a normal prior); the draws must agree
 * within their Monte Carlo error. Also the CmdStan CSV files, the summary JSON and the plots.
 */
class SampleCommandTest {

    static final long SEED = 11;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static ToyWorkspace ws;

    @BeforeAll
    static void build() throws Exception {
        ws = ToyWorkspace.write(tmp.resolve("ws"), new double[] {1, 0, 0}, SEED);
    }

    /** Mean and sd of exp(-NLL(mu, 0, 0)) * prior(mu) on the bounds [-2, 10] of mu, by the trapezoid rule. */
    static double[] exactMoments(DoubleUnaryOperator logPrior) {
        Objective f = ws.exact();
        int n = 24001;
        double lo = -2;
        double hi = 10;
        double[] lp = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double mu = lo + (hi - lo) * i / (n - 1);
            lp[i] = -f.value(new double[] {mu, 0, 0}) + logPrior.applyAsDouble(mu);
            max = Math.max(max, lp[i]);
        }
        double z = 0;
        double m1 = 0;
        double m2 = 0;
        for (int i = 0; i < n; i++) {
            double mu = lo + (hi - lo) * i / (n - 1);
            double w = (i == 0 || i == n - 1 ? 0.5 : 1) * Math.exp(lp[i] - max);
            z += w;
            m1 += w * mu;
            m2 += w * mu * mu;
        }
        double mean = m1 / z;
        return new double[] {mean, Math.sqrt(m2 / z - mean * mean)};
    }

    static void checkAgainst(double[] exact, JsonNode mu, String ctx) {
        double mean = mu.get("mean").asDouble();
        double sd = mu.get("sd").asDouble();
        double mcse = mu.get("mcseMean").asDouble();
        double ess = mu.get("essBulk").asDouble();
        assertTrue(mcse > 0 && mcse < 0.1 * exact[1], ctx);
        assertEquals(exact[0], mean, 4 * mcse, ctx + ": exact mean " + exact[0]);
        // relative error of a sample sd is about 1/sqrt(2 ESS)
        assertEquals(exact[1], sd, 4 * exact[1] / Math.sqrt(2 * ess), ctx + ": exact sd " + exact[1]);
        assertTrue(mu.get("rhat").asDouble() < 1.01, ctx);
    }

    @Test
    void posteriorOfTheSignalStrengthMatchesTheGridAndCsvIsWritten() throws Exception {
        Path out = tmp.resolve("draws");
        ToyWorkspace.Run r = ToyWorkspace.run("sample", ws.dir.toString(), "--fix", "alpha_shift=0,alpha_bkg=0", "--chains", "4",
                "--warmup", "500", "--draws", "1000", "--seed", "7", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r::toString);
        JsonNode j = JSON.readTree(r.out());
        JsonNode params = j.get("summary").get("parameters");
        assertEquals(1, params.size(), r::toString);
        assertEquals("mu", params.get(0).get("name").asText());
        checkAgainst(exactMoments(mu -> 0), params.get(0), "seed " + SEED + ", NUTS seed 7, flat prior");
        assertEquals(4, j.get("csv").size(), r::toString);
        for (int c = 1; c <= 4; c++) {
            List<String> lines = Files.readAllLines(out.resolve("posterior_" + c + ".csv"));
            String header = lines.stream().filter(l -> !l.startsWith("#")).findFirst().orElseThrow();
            assertTrue(header.startsWith("lp__,") && header.contains(",mu"), header);
            long rows = lines.stream().filter(l -> !l.startsWith("#") && !l.isBlank()).count() - 1;
            assertEquals(1000, rows, "chain " + c);
        }
    }

    @Test
    void normalPriorOnTheSignalStrength() throws Exception {
        ToyWorkspace.Run r = ToyWorkspace.run("sample", ws.dir.toString(), "--fix", "alpha_shift=0,alpha_bkg=0",
                "--prior", "mu=normal(1.2,0.15)", "--warmup", "500", "--draws", "1000", "--seed", "3", "--json");
        assertEquals(0, r.code(), r::toString);
        JsonNode mu = JSON.readTree(r.out()).get("summary").get("parameters").get(0);
        double[] exact = exactMoments(m -> -0.5 * (m - 1.2) * (m - 1.2) / (0.15 * 0.15));
        double[] flat = exactMoments(m -> 0);
        assertTrue(Math.abs(exact[0] - flat[0]) > 0.1, "the prior must matter in this check");
        checkAgainst(exact, mu, "seed " + SEED + ", NUTS seed 3, normal prior");
    }

    @Test
    void allParametersWithReportAndPlots() throws Exception {
        Path rep = tmp.resolve("sample-report");
        ToyWorkspace.Run r = ToyWorkspace.run("sample", ws.dir.toString(), "--warmup", "300", "--draws", "500", "--report",
                rep.toString());
        assertTrue(r.code() == 0 || r.code() == 3, r::toString);
        for (String s : new String[] {"mu", "alpha_shift", "alpha_bkg", "R-hat", "ESS bulk", "divergent"}) {
            assertTrue(r.out().contains(s), s + " missing: " + r);
        }
        for (String f : new String[] {"posterior_mu", "posterior_alpha_shift", "posterior_alpha_bkg", "pair_mu_alpha_shift",
            "pair_mu_alpha_bkg", "pair_alpha_shift_alpha_bkg"}) {
            assertTrue(Files.size(rep.resolve(f + ".png")) > 1000, f);
            assertTrue(Files.exists(rep.resolve(f + ".svg")), f);
        }
        assertTrue(Files.readString(rep.resolve("index.html")).contains("pair_mu_alpha_bkg.png"));
    }

    @Test
    void badPriors() {
        BadInputTest.oneLine(ToyWorkspace.run("sample", ws.dir.toString(), "--prior", "alpha_bkg=normal(0,1)"), 2,
                "constrained nuisance parameter");
        BadInputTest.oneLine(ToyWorkspace.run("sample", ws.dir.toString(), "--prior", "mu=cauchy(0,1)"), 2, "cauchy");
        BadInputTest.oneLine(ToyWorkspace.run("sample", ws.dir.toString(), "--prior", "mu=uniform(3,1)"), 2, "uniform(3,1)");
        BadInputTest.oneLine(ToyWorkspace.run("sample", ws.dir.toString(), "--chains", "0"), 2, "--chains");
    }
}
