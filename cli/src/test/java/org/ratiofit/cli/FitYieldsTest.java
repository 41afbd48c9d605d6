package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.likelihood.ModelBuilder;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.workspace.WorkspaceWriter;

/**
 * {@code fit --prefit-yields --postfit-yields} on a 2-bin workspace (signal × mu; background with a
 * code-1 normsys alpha (up 1.2, down 0.9) and two MC-stat gammas), against the yields and their
 * cabinetry-convention uncertainties written out by hand from the fit's own values, errors and
 * correlations in the JSON.
 */
class FitYieldsTest {

    static final double[] S = {5, 10};
    static final double[] B = {50, 60};
    static final double[] REL = {0.05, 0.04};
    static final ObjectMapper JSON = new ObjectMapper();

    static Path workspace(Path dir) throws Exception {
        ModelBuilder b = new ModelBuilder()
                .parameter(Parameter.poi("mu", 1, 0, 10))
                .parameter(Parameter.constrained("alpha"));
        b.binned("SR", new double[] {62, 75})
                .sample("signal", S).normFactor("mu").mcStat(false).end()
                .sample("background", B).normSys("alpha", 1, 1.2, 0.9).end()
                .mcStat(REL)
                .end();
        WorkspaceWriter.write(b.build(), dir);
        return dir;
    }

    /** The code-1 normsys factor. */
    static double f(double a) {
        return a >= 0 ? Math.pow(1.2, a) : Math.pow(0.9, -a);
    }

    @Test
    void yieldsAndUncertaintiesMatchTheHandComputation(@TempDir Path tmp) throws Exception {
        Path ws = workspace(tmp.resolve("ws"));
        ToyWorkspace.Run r = ToyWorkspace.run("fit", ws.toString(), "--prefit-yields", "--postfit-yields", "--json", "--plots",
                tmp.resolve("plots").toString());
        assertEquals(0, r.code(), r::toString);
        JsonNode j = JSON.readTree(r.out());

        // pre-fit: mu = 1, alpha = 0, gammas 1; sigma(alpha) = 1, sigma(gamma_b) = REL_b, mu free (no uncertainty)
        JsonNode pre = j.get("prefitYields").get("channels").get(0);
        for (int b = 0; b < 2; b++) {
            assertEquals(S[b], pre.get("yields").get(0).get(b).asDouble(), 1e-12);
            assertEquals(0, pre.get("errors").get(0).get(b).asDouble(), 1e-12);
            assertEquals(B[b], pre.get("yields").get(1).get(b).asDouble(), 1e-12);
            double e = Math.hypot(B[b] * (1.2 - 0.9) / 2, B[b] * REL[b]);
            assertEquals(e, pre.get("errors").get(1).get(b).asDouble(), 1e-10 * e);
            assertEquals(e, pre.get("totalErrors").get(b).asDouble(), 1e-10 * e);
        }
        double preSum = Math.sqrt(Math.pow((B[0] + B[1]) * 0.15, 2) + Math.pow(B[0] * REL[0], 2) + Math.pow(B[1] * REL[1], 2));
        assertEquals(preSum, pre.get("sampleTotalErrors").get(1).asDouble(), 1e-10 * preSum);

        // post-fit: the fit's values, errors and correlations (parameters mu, alpha, gamma0, gamma1)
        JsonNode fit = j.get("fit");
        double[] v = new double[4];
        double[] s = new double[4];
        double[][] rho = new double[4][4];
        for (int i = 0; i < 4; i++) {
            v[i] = fit.get("values").get(i).asDouble();
            s[i] = fit.get("errors").get(i).asDouble();
            for (int k = 0; k < 4; k++) {
                rho[i][k] = fit.get("correlation").get(i).get(k).asDouble();
            }
        }
        assertEquals(List.of("mu", "alpha", "staterror_SR[0]", "staterror_SR[1]"),
                List.of(fit.get("names").get(0).asText(), fit.get("names").get(1).asText(), fit.get("names").get(2).asText(),
                        fit.get("names").get(3).asText()));
        JsonNode post = j.get("postfitYields").get("channels").get(0);
        double[] allBkg = new double[4];
        double[] allTot = new double[4];
        for (int b = 0; b < 2; b++) {
            double sig = v[0] * S[b];
            double bkg = B[b] * f(v[1]) * v[2 + b];
            // delta_i = (y(theta + s_i) - y(theta - s_i)) / 2 per parameter
            double[] dSig = {S[b] * s[0], 0, 0, 0};
            double[] dBkg = new double[4];
            dBkg[1] = B[b] * v[2 + b] * (f(v[1] + s[1]) - f(v[1] - s[1])) / 2;
            dBkg[2 + b] = B[b] * f(v[1]) * s[2 + b];
            double[] dTot = new double[4];
            for (int i = 0; i < 4; i++) {
                dTot[i] = dSig[i] + dBkg[i];
                allBkg[i] += dBkg[i];
                allTot[i] += dTot[i];
            }
            assertEquals(sig, post.get("yields").get(0).get(b).asDouble(), 1e-12 * sig);
            assertEquals(bkg, post.get("yields").get(1).get(b).asDouble(), 1e-12 * bkg);
            assertEquals(quadratic(dSig, rho), post.get("errors").get(0).get(b).asDouble(), 1e-10);
            assertEquals(quadratic(dBkg, rho), post.get("errors").get(1).get(b).asDouble(), 1e-9);
            assertEquals(quadratic(dTot, rho), post.get("totalErrors").get(b).asDouble(), 1e-9);
            assertEquals(sig + bkg, post.get("total").get(b).asDouble(), 1e-10);
        }
        assertEquals(quadratic(allBkg, rho), post.get("sampleTotalErrors").get(1).asDouble(), 1e-9);
        assertEquals(quadratic(allTot, rho), post.get("channelTotalError").asDouble(), 1e-9);
        // the anticorrelation of mu and the background makes the total's error smaller than the sum of the parts in quadrature
        assertTrue(rho[0][1] < 0 || rho[0][2] < 0, "mu is anticorrelated with the background");
        assertTrue(Files.isRegularFile(tmp.resolve("plots/prefit-yields-SR.png")) && Files.isRegularFile(tmp.resolve("plots/postfit-yields-SR.svg")));

        // the table
        ToyWorkspace.Run table = ToyWorkspace.run("fit", ws.toString(), "--postfit-yields");
        assertEquals(0, table.code(), table::toString);
        assertTrue(table.out().contains("post-fit yields") && table.out().contains("background") && table.out().contains("total"), table.out());
    }

    static double quadratic(double[] d, double[][] rho) {
        double v = 0;
        for (int i = 0; i < d.length; i++) {
            for (int k = 0; k < d.length; k++) {
                v += d[i] * rho[i][k] * d[k];
            }
        }
        return Math.sqrt(v);
    }

    @Test
    void anUnbinnedChannelCountsAsOneBinOfExpectedEvents(@TempDir Path tmp) throws Exception {
        ToyWorkspace toy = ToyWorkspace.write(tmp.resolve("toy"), new double[] {1, 0, 0}, 4);
        ToyWorkspace.Run r = ToyWorkspace.run("fit", toy.dir.toString(), "--postfit-yields", "--json");
        assertEquals(0, r.code(), r::toString);
        JsonNode j = JSON.readTree(r.out());
        JsonNode fit = j.get("fit");
        double mu = fit.get("values").get(0).asDouble();
        double alpha = fit.get("values").get(2).asDouble();
        double sMu = fit.get("errors").get(0).asDouble();
        double sAlpha = fit.get("errors").get(2).asDouble();
        double rho = fit.get("correlation").get(0).get(2).asDouble();
        JsonNode sr = j.get("postfitYields").get("channels").get(0);
        assertEquals("unbinned", sr.get("type").asText());
        double s = ToyWorkspace.TOY.config().signalYield();
        double b = ToyWorkspace.TOY.config().backgroundYield();
        double k = ToyWorkspace.TOY.config().kappa();
        // signal = mu S (the peak shift moves no events); background = B kappa^alpha (code 1)
        assertEquals(mu * s, sr.get("yields").get(0).get(0).asDouble(), 1e-12 * s);
        assertEquals(sMu * s, sr.get("errors").get(0).get(0).asDouble(), 1e-10 * s);
        double bkg = b * Math.pow(k, alpha);
        double dB = b * (Math.pow(k, alpha + sAlpha) - (alpha - sAlpha >= 0 ? Math.pow(k, alpha - sAlpha) : Math.pow(1 / k, -(alpha - sAlpha)))) / 2;
        assertEquals(bkg, sr.get("yields").get(1).get(0).asDouble(), 1e-10 * bkg);
        assertEquals(Math.abs(dB), sr.get("errors").get(1).get(0).asDouble(), 1e-9 * bkg);
        double total = Math.sqrt(sMu * s * sMu * s + dB * dB + 2 * rho * sMu * s * dB);
        assertEquals(total, sr.get("channelTotalError").asDouble(), 1e-9 * bkg);
        assertEquals(toy.events.length, sr.get("observed").get(0).asDouble(), 0.0);
    }
}
