package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hipparchus.optim.univariate.UnivariatePointValuePair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.likelihood.Model;
import org.ratiofit.samplers.profile.Asymptotics;
import org.ratiofit.samplers.profile.TestStatistic;
import org.ratiofit.validation.toys.ExactProfile;

/**
 * {@code ratiofit limit} and {@code ratiofit significance} on the toy workspace: the test statistics
 * are recomputed at the reported limits with profiles that do not use ratiofit's minimiser
 * (ExactProfile on the workspace's likelihood and on its Asimov data set), and the asymptotic CLs
 * must equal 1 - CL there; q_0 and the expected Z likewise.
 */
class LimitAndSignificanceTest {

    static final long SEED = 5;
    static final long SIGNAL_SEED = 11;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static ToyWorkspace ws;
    static ExactProfile data;
    static UnivariatePointValuePair best;
    static ToyWorkspace signal;

    @BeforeAll
    static void build() throws Exception {
        ws = ToyWorkspace.write(tmp.resolve("ws"), new double[] {0.5, 0, 0}, SEED);
        data = new ExactProfile(ws.model, 0);
        best = data.bestFit(-2, 10);
        signal = ToyWorkspace.write(tmp.resolve("ws-signal"), new double[] {1, 0, 0}, SIGNAL_SEED);
    }

    /** q~_mu from a profile with its best fit (the denominator at mu = 0 when mu-hat < 0). */
    static double qTilde(ExactProfile p, UnivariatePointValuePair hat, double mu) {
        if (hat.getPoint() > mu) {
            return 0;
        }
        double denominator = hat.getPoint() < 0 ? p.profile(0) : hat.getValue();
        return Math.max(0, 2 * (p.profile(mu) - denominator));
    }

    @Test
    void clsEqualsOneMinusClAtTheObservedAndExpectedLimits() throws Exception {
        Path rep = tmp.resolve("limit-report");
        ToyWorkspace.Run r = ToyWorkspace.run("limit", ws.dir.toString(), "--json", "--report", rep.toString(), "--plot-points", "8");
        assertEquals(0, r.code(), r::toString);
        JsonNode limit = JSON.readTree(r.out()).get("limit");
        assertEquals(0.95, limit.get("confidenceLevel").asDouble(), 1e-12);
        assertEquals("Q_TILDE_MU", limit.get("statistic").asText());
        double observed = limit.get("observed").asDouble();
        double[] expected = new double[5];
        for (int k = 0; k < 5; k++) {
            expected[k] = limit.get("expected").get(k).asDouble();
            if (k > 0) {
                assertTrue(expected[k] > expected[k - 1], "bands must increase: " + r);
            }
        }
        // background-only Asimov data: nuisance parameters fitted to the data at mu = 0
        Model asimov = ws.model.asimov(data.conditionalFit(0));
        ExactProfile a = new ExactProfile(asimov, 0);
        // As HypoTests does by default (pyhf's convention), the Asimov data set is fitted freely: the
        // finite reference sample moves its best fit a fraction of sigma away from mu = 0.
        UnivariatePointValuePair aHat = a.bestFit(-2, 10);
        String ctx = "seed " + SEED + ": mu-hat " + best.getPoint() + "; " + r;
        assertTrue(best.getPoint() < 0, "this seed checks the q~ branch with mu-hat < 0; " + ctx);
        double q = qTilde(data, best, observed);
        double qA = qTilde(a, aHat, observed);
        assertEquals(0.05, Asymptotics.cls(TestStatistic.Q_TILDE_MU, q, qA), 5e-4, ctx);
        for (int k = -2; k <= 2; k++) {
            double qAk = qTilde(a, aHat, expected[k + 2]);
            assertEquals(0.05, Asymptotics.expectedCls(qAk, k), 5e-4, "band " + k + ", " + ctx);
        }
        assertTrue(Files.size(rep.resolve("cls_mu.png")) > 1000, ctx);
        assertTrue(Files.readString(rep.resolve("index.html")).contains("expected (median)"), ctx);
    }

    @Test
    void limitTableAndTheQStatisticOption() {
        ToyWorkspace.Run r = ToyWorkspace.run("limit", ws.dir.toString(), "--cl", "0.9", "--statistic", "q");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("q_mu") && r.out().contains("90.00% CL") && r.out().contains("expected +2 sigma"), r::toString);
    }

    @Test
    void discoverySignificanceMatchesTheExactProfiles() throws Exception {
        ToyWorkspace.Run r = ToyWorkspace.run("significance", signal.dir.toString(), "--json", "--expected-mu", "1.5");
        assertEquals(0, r.code(), r::toString);
        JsonNode j = JSON.readTree(r.out());
        JsonNode s = j.get("significance");
        ExactProfile p = new ExactProfile(signal.model, 0);
        UnivariatePointValuePair hat = p.bestFit(-2, 10);
        String ctx = "seed " + SIGNAL_SEED + ": mu-hat " + hat.getPoint() + "; " + r;
        assertTrue(hat.getPoint() > 0, ctx);
        double q0 = 2 * (p.profile(0) - hat.getValue());
        assertEquals(q0, s.get("q0").asDouble(), 1e-4 * q0, ctx);
        assertEquals(Math.sqrt(q0), s.get("significance").asDouble(), 1e-4 * Math.sqrt(q0), ctx);
        // expected: Asimov data at mu = 1.5 with the nuisance parameters fitted to the data there,
        // fitted freely (its best fit is near, not at, 1.5)
        Model asimov = signal.model.asimov(p.conditionalFit(1.5));
        ExactProfile a = new ExactProfile(asimov, 0);
        UnivariatePointValuePair aHat = a.bestFit(-2, 10);
        assertEquals(1.5, aHat.getPoint(), 0.1, "the Asimov data set's best fit lies near its signal strength; " + ctx);
        double zA = Math.sqrt(2 * (a.profile(0) - aHat.getValue()));
        assertEquals(zA, s.get("expectedSignificance").asDouble(), 1e-4 * zA, ctx);
        assertEquals(1.5, s.get("expectedMu").asDouble(), 0);
        ToyWorkspace.Run t = ToyWorkspace.run("significance", signal.dir.toString());
        assertTrue(t.out().contains("observed") && t.out().contains("expected (median)"), t::toString);
    }

    @Test
    void negativeBestFitGivesZeroSignificance() throws Exception {
        ToyWorkspace.Run r = ToyWorkspace.run("significance", ws.dir.toString(), "--json");
        assertEquals(0, r.code(), r::toString);
        JsonNode s = JSON.readTree(r.out()).get("significance");
        assertTrue(best.getPoint() < 0, "seed " + SEED + ": mu-hat " + best.getPoint());
        assertEquals(0, s.get("q0").asDouble(), 0, r::toString);
        assertEquals(0.5, s.get("pValue").asDouble(), 1e-12, r::toString);
    }
}
